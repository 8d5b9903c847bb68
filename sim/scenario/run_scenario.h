// The scenario of `ehsim run` (docs/scenario.md "ehsim run"): firmware, device options, harvester
// and trace, supply, how long to run, seed and outputs. Every error is an InputError naming the
// file and JSON path.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mcu_model/mcu.h"
#include "sim/run/inference.h"
#include "sim/scenario/supply_scenario.h"

namespace ehsim {

struct DeviceConfig {
  uint32_t mclk_hz = 0;  // 0: the device's reset clock (1 MHz)
  mcu::SramAtPowerLoss sram_at_power_loss = mcu::SramAtPowerLoss::kPattern;
  uint8_t sram_pattern = 0;
  mcu::FaultPolicy fault_policy = mcu::FaultPolicy::kStop;
  double boot_delay_s = mcu::McuConfig{}.boot_delay_s;
  double boot_charge_C = mcu::McuConfig{}.boot_charge_C;
  double quantum_s = 1e-3;
  double comparator_poll_s = mcu::McuConfig{}.comparator_poll_s;
  bool allow_out_of_spec = false;  // thresholds may leave the FR5994's supply range
};

struct StopAfterMarker {
  uint16_t id = 0;
  uint64_t count = 1;
};

struct RunLimits {
  double duration_s = 0;  // 0: the trace's duration
  uint64_t max_cycles = mcu::kNeverCycle;
  std::optional<StopAfterMarker> stop_after_marker;
};

// Marker ids with a meaning for the summary (host_io MARK, see freeml/firmware/include/ehsim).
struct ProgressConfig {
  std::optional<uint16_t> commit_marker;  // work became durable: later loss is re-execution
  std::optional<uint16_t> done_marker;    // one unit of useful work finished
};

struct OutputConfig {
  double timeseries_period_s = 10e-3;  // 0: no timeseries.csv
  bool vcd = false;
  uint64_t max_output_rows = kDefaultMaxOutputRows;
};

struct RunScenario {
  std::string file;  // as given
  std::string name;
  uint64_t seed = 1;
  std::string firmware_path;  // resolved
  DeviceConfig device;
  energy::SupplyParams supply;
  HarvesterConfig harvester;
  RunLimits limits;
  ProgressConfig progress;
  OutputConfig outputs;
  std::optional<InferenceConfig> inference;  // FreeML model and samples (docs/run.md)
  nlohmann::json document;  // after --set overrides (copied to the output directory)
};

// Firmware built with the simulator lives in <build>/firmware, beside <build>/sim/ehsim
// ($EHSIM_FIRMWARE_DIR overrides it).
std::string default_firmware_dir();

// Reads, applies the overrides ("a.b=value") and validates. firmware_dir is searched for a
// relative firmware name that is not found next to the scenario or in the working directory.
RunScenario load_run_scenario(const std::string& file, const std::vector<std::string>& overrides,
                              const std::string& firmware_dir);

}  // namespace ehsim

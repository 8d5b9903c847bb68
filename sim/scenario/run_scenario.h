// The scenario of `ehsim run` (docs/scenario.md "ehsim run"): firmware, device options, harvester
// and trace, supply, how long to run, seed and outputs. Every error is an InputError naming the
// file and JSON path.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mcu_model/mcu.h"
#include "sim/run/inference.h"
#include "sim/scenario/supply_scenario.h"

namespace ehsim {

// `device.quantum`'s default: how far the MCU may run ahead of SystemC time on a supply.
inline constexpr double kDefaultRunQuantum_s = 1e-3;

struct StopAfterMarker {
  uint16_t id = 0;
  uint64_t count = 1;
};

struct RunLimits {
  double duration_s = 0;  // 0: the trace's duration
  uint64_t max_cycles = mcu::kNeverCycle;
  std::optional<StopAfterMarker> stop_after_marker;
  // run.break_on: events that stop the run with the state and a backtrace (as --break-on).
  std::vector<std::string> break_on;
};

// Marker ids with a meaning for the summary (host_io MARK, see freeml/firmware/include/ehsim).
struct ProgressConfig {
  std::optional<uint16_t> commit_marker;         // work became durable: later loss is re-execution
  std::optional<uint16_t> done_marker;           // one unit of useful work finished
  std::map<uint16_t, std::string> marker_names;  // added to (or overriding) the firmware's names
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
  // The `device` section: the MCU's options as the model takes them. The platform assembly
  // adds the supply, seed, limits and power-up state (sim/run/platform.cpp).
  mcu::McuConfig device;
  bool allow_out_of_spec = false;  // device.allow_out_of_spec: thresholds may leave 1.8-3.6 V
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

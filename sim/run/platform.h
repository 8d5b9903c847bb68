// The simulated platform of one ehsim command, put together in one place and one order (the
// model: riscv-vp's platform/basic/main.cpp):
//   1. create  the supply when the device runs on harvested power (trace → harvester → capacitor
//              and PMU → energy::Supply), and the MCU with the adapter between the two;
//   2. map     the firmware image into the MCU's memory, then what the host places there before
//              the first boot (a FreeML model and its samples; `exec --load` does its own);
//   3. bind    the observers that write a run's outputs, once the output directory exists, so
//              that bad input never leaves a directory behind; a debugger when asked for;
//   4. run     sc_start() until the MCU finishes, the run's duration ends or a limit is hit;
//   5. report  the run's files (summary, events, time series, VCD, report.html); `exec` prints
//              its own report from mcu().
// Steps 1-2 check every input: they throw InputError naming the file and JSON path.
// SystemC allows one platform per process (its kernel cannot be restarted).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "energy/supply_module.h"
#include "mcu_model/debug_port.h"
#include "mcu_model/elf/elf_image.h"
#include "mcu_model/mcu.h"
#include "sim/run/firmware_symbols.h"
#include "sim/run/inference.h"
#include "sim/run/profiler.h"
#include "sim/run/run_recorder.h"
#include "sim/run/supply_port_adapter.h"
#include "sim/scenario/run_scenario.h"

namespace ehsim {

class Platform {
 public:
  // Steps 1-2 for `ehsim run`: the scenario's supply, device, firmware and inference.
  explicit Platform(const RunScenario& scenario);
  // The MCU options `ehsim exec` and `ehsim check` start from (continuous power).
  static mcu::McuConfig continuous_power_config();
  // Steps 1-2 for `ehsim exec`: continuous power and `config` as given, the firmware alone.
  Platform(const std::string& firmware_path, const mcu::McuConfig& config);
  ~Platform();
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;

  mcu::Mcu& mcu() { return *mcu_; }
  const mcu::FirmwareImage& image() const { return image_; }
  // PCs as function+offset and marker names, for every output that shows them.
  const FirmwareSymbols& symbols() const { return symbols_; }
  // Simulated seconds the run lasts (0: until the firmware ends, on continuous power).
  double duration_s() const { return duration_s_; }

  // The supply's state now, for `monitor energy`: capacitor voltage, stored energy, energy
  // harvested and consumed so far, and the time to power failure at the present load. One line
  // per figure; "continuous power" without a supply.
  std::string energy_report();

  // Step 3: a debugger (docs/debug.md). A GDB server when `gdb_endpoint` is not empty (it prints
  // where it listens and waits for GDB when the run starts), else a BreakReporter when
  // `break_on` is not empty, else none. Throws InputError for a bad endpoint or break.
  void attach_debugger(const std::string& gdb_endpoint, const std::vector<std::string>& break_on);
  bool has_gdb() const { return has_gdb_; }

  // Step 3 (harvested power only): the recorder writes into out_dir as the run goes.
  void bind_recorder(const RunScenario& scenario, const std::string& out_dir, bool progress_bar);
  // Step 4; returns the host seconds the simulation took.
  double run();
  // Step 5 (harvested power only): the recorder's files, the profile and report.html in out_dir;
  // `memory` (may be null) goes into summary.json.
  void write_run_outputs(const std::string& out_dir, double host_seconds,
                         const nlohmann::ordered_json& memory);
  const RunRecorder& recorder() const { return *recorder_; }

  // --profile: a profiler watches the run from now on (call before run(), after bind_recorder()
  // on harvested power); write_profile() puts profile.json and profile.folded into dir.
  void enable_profiler();
  bool profiling() const { return profiler_ != nullptr; }
  void write_profile(const std::string& dir);

 private:
  mcu::FirmwareImage image_;
  FirmwareSymbols symbols_;
  std::shared_ptr<energy::SupplyCore> core_;
  std::unique_ptr<energy::Supply> supply_;
  std::unique_ptr<SupplyPortAdapter> port_;
  std::unique_ptr<mcu::Mcu> mcu_;
  std::optional<PreparedInference> inference_;
  std::unique_ptr<RunRecorder> recorder_;
  std::unique_ptr<mcu::DebugPort> debugger_;
  bool has_gdb_ = false;
  std::unique_ptr<Profiler> profiler_;
  std::string firmware_path_;
  std::optional<uint16_t> commit_marker_;
  double duration_s_ = 0;
};

}  // namespace ehsim

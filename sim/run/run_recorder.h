// Observers of one `ehsim run` (docs/architecture.md "Outputs"): streams events.jsonl and
// timeseries.csv as the simulation goes (nothing held in memory but counters), traces signals to a
// VCD, draws the progress bar, and writes summary.json (deterministic) and host.json (host timing)
// at the end.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <systemc>
#include <vector>

#include "energy/supply_module.h"
#include "mcu_model/mcu.h"
#include "sim/cli/progress_line.h"
#include "sim/run/firmware_symbols.h"
#include "sim/run/supply_port_adapter.h"
#include "sim/scenario/run_scenario.h"

namespace ehsim {

class RunRecorder : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(RunRecorder);
  RunRecorder(sc_core::sc_module_name name, const RunScenario& scenario, const std::string& out_dir,
              energy::Supply& supply, SupplyPortAdapter& port, mcu::Mcu& mcu,
              const FirmwareSymbols& symbols, double end_time_s, bool progress_bar);
  ~RunRecorder() override;

  // FreeML results from the firmware's markers (before sc_start()).
  void attach_inference(const PreparedInference& inference);

  // Another observer of the MCU's events (the profiler): the MCU has one listener, the recorder.
  void forward_events(std::function<void(const mcu::McuEvent&)> to) { forward_ = std::move(to); }

  // Writes summary.json and host.json; call after sc_start() returned.
  void write_results(double host_seconds);
  // Flushes and closes trace.vcd (if any), with its date blanked; before the files are moved.
  void close_vcd();
  // Memory read after the run (`run --dump`), written into summary.json as "memory".
  void set_memory_dumps(nlohmann::ordered_json dumps) { memory_dumps_ = std::move(dumps); }
  // The last kUartTailLines lines the UART sent, for the terminal, and how many it sent in all.
  static constexpr size_t kUartTailLines = 40;
  const std::deque<std::string>& uart_tail() const { return uart_tail_; }
  uint64_t uart_lines() const { return uart_lines_; }

 private:
  void on_mcu_event(const mcu::McuEvent& ev);
  bool after_stretch();
  void drain_log(double now_s);
  void on_unmodelled(const mcu::UnmodelledAccess& access);
  void on_mpu_violation(const mcu::MpuViolation& violation);
  void text_lines(std::string& pending, const std::string& add, const char* kind, double t_s);
  void write_event(const nlohmann::ordered_json& line);
  void sample_thread();
  void update_progress(bool force);
  nlohmann::ordered_json summary() const;

  const RunScenario& scenario_;
  std::function<void(const mcu::McuEvent&)> forward_;
  std::string out_dir_;
  energy::Supply& supply_;
  SupplyPortAdapter& port_;
  mcu::Mcu& mcu_;
  const FirmwareSymbols& symbols_;
  double end_time_s_;

  std::ofstream events_;
  std::ofstream timeseries_;
  sc_core::sc_trace_file* vcd_ = nullptr;
  sc_core::sc_signal<double> vcd_capacitor_V_, vcd_load_A_;
  sc_core::sc_signal<uint32_t> vcd_last_marker_;
  // One VCD signal per GPIO port that changed, created at the port's first change (a signal made
  // after the trace file's first time step is not traced, so the ports are created up front).
  std::map<std::string, std::unique_ptr<sc_core::sc_signal<uint32_t>>> vcd_gpio_;
  struct GpioStats {
    uint64_t changes = 0;
    uint16_t last_value = 0;
  };
  std::map<std::string, GpioStats> gpio_;
  // Events stamped with their exact cycle (markers, GPIO, unmodelled accesses, MPU violations),
  // gathered during a stretch and written in time order when it ends.
  std::vector<std::pair<double, nlohmann::ordered_json>> stretch_events_;
  // Accesses to unmodelled peripheral registers: every one is counted per address; the first
  // kUnmodelledEventsPerAddress of each address become events (a polling loop would otherwise
  // write millions of identical lines).
  static constexpr uint64_t kUnmodelledEventsPerAddress = 10;
  struct UnmodelledStats {
    uint64_t reads = 0, writes = 0;
    std::string peripheral;
    uint32_t first_pc = 0;
  };
  std::map<uint32_t, UnmodelledStats> unmodelled_;
  uint64_t mpu_violations_ = 0;

  // Counters for the summary.
  struct MarkerStats {
    uint64_t count = 0;
    uint16_t last_arg = 0;
    double first_time_s = -1, last_time_s = -1;
  };
  std::map<uint16_t, MarkerStats> markers_;
  uint64_t marker_total_ = 0;
  uint16_t last_marker_id_ = 0, last_marker_arg_ = 0;
  uint64_t boots_aborted_ = 0, resets_ = 0;
  double first_boot_s_ = -1;
  double on_since_s_ = -1, on_time_s_ = 0;
  uint64_t progress_cycle_ = 0;  // cycles at the last commit marker or boot
  uint64_t cycles_lost_ = 0;
  uint64_t commits_ = 0;
  std::map<uint32_t, uint64_t> power_loss_pcs_;
  std::optional<mcu::Fault> fault_;
  std::optional<InferenceTracker> inference_;
  std::string uart_pending_, host_pending_;
  uint64_t uart_lines_ = 0;
  std::deque<std::string> uart_tail_;
  nlohmann::ordered_json memory_dumps_;
  double end_s_ = 0;

  ProgressLine progress_;
  uint64_t stretch_count_ = 0;  // progress is redrawn every 256 stretches at most
};

}  // namespace ehsim

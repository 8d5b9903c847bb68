// Observers of one `ehsim run` (docs/architecture.md "Outputs"): streams events.jsonl and
// timeseries.csv as the simulation goes (nothing held in memory but counters), traces signals to a
// VCD, draws the progress bar, and writes summary.json (deterministic) and host.json (host timing)
// at the end.
#pragma once

#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <systemc>
#include <vector>

#include "energy/supply_module.h"
#include "mcu_model/mcu.h"
#include "sim/run_scenario.h"

namespace ehsim {

// energy::Supply seen through the MCU's power interface; remembers the load it was given so the
// time series can print it.
class SupplyPortAdapter : public mcu::SupplyPort {
 public:
  explicit SupplyPortAdapter(energy::Supply& supply) : supply_(supply) {}
  bool power_good() override { return supply_.power_good(); }
  double power_change_time_s() override { return supply_.power_good_time_s(); }
  double rail_voltage_V() override { return supply_.rail_V(); }
  double rail_voltage_integral_Vs() override { return supply_.rail_integral_Vs(); }
  void set_load_current_A(double amps) override {
    load_A_ = amps;
    supply_.set_load_current(amps);
  }
  double power_loss_time_s(double amps, double horizon_s) override {
    return supply_.power_loss_time_s(amps, horizon_s);
  }
  const sc_core::sc_event& power_changed_event() const override {
    return supply_.power_good_changed_event();
  }
  double load_A() const { return load_A_; }

 private:
  energy::Supply& supply_;
  double load_A_ = 0.0;
};

class RunRecorder : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(RunRecorder);
  RunRecorder(sc_core::sc_module_name name, const RunScenario& scenario, const std::string& out_dir,
              energy::Supply& supply, SupplyPortAdapter& port, mcu::Mcu& mcu, double end_time_s,
              bool progress_bar);
  ~RunRecorder() override;

  // FreeML results from the firmware's markers (before sc_start()).
  void attach_inference(const PreparedInference& inference);

  // Writes summary.json and host.json; call after sc_start() returned.
  void write_results(double host_seconds);
  // Flushes and closes trace.vcd (if any), with its date blanked; before the files are moved.
  void close_vcd();

 private:
  void on_mcu_event(const mcu::McuEvent& ev);
  bool after_stretch();
  void drain_log(double now_s);
  void text_lines(std::string& pending, const std::string& add, const char* kind, double t_s);
  void write_event(const nlohmann::ordered_json& line);
  void sample_thread();
  void update_progress(bool force);
  nlohmann::ordered_json summary() const;

  const RunScenario& scenario_;
  std::string out_dir_;
  energy::Supply& supply_;
  SupplyPortAdapter& port_;
  mcu::Mcu& mcu_;
  double end_time_s_;
  bool progress_bar_;

  std::ofstream events_;
  std::ofstream timeseries_;
  sc_core::sc_trace_file* vcd_ = nullptr;
  sc_core::sc_signal<double> vcd_capacitor_V_, vcd_load_A_;
  sc_core::sc_signal<uint32_t> vcd_last_marker_;

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
  double end_s_ = 0;

  // Progress bar.
  std::chrono::steady_clock::time_point host_start_, last_draw_;
  uint64_t stretch_count_ = 0;
  bool drew_ = false;
};

}  // namespace ehsim

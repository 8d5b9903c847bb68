// The `supply` SystemC module: capacitor + PMU driven by a harvester trace, as seen by the MCU.
//
// MCU-side contract (the MCU model joins this in a later issue):
//  * The MCU reports its supply current as a piecewise-constant function of time: at each
//    synchronisation point it calls set_load_current(amps); the value holds from
//    sc_time_stamp() until the next call. Amps are at the MCU rail (after the converter).
//  * The load only draws while power_good() is true: the PMU disconnects the rail at the
//    turn-off threshold, so the crossing time never depends on when the MCU reacts.
//  * voltage_V() is the capacitor terminal voltage (capacitor minus ESR drop) at
//    sc_time_stamp() — what the ADC's 1/2·AVCC channel and Comparator_E see.
//  * power_good_signal (sc_signal<bool>) and the rise/fall/changed events change at the
//    crossing time, rounded to the SystemC time resolution; power_good_time_s() gives the exact
//    (double) time of the last change. Rising = V rose to v_on; falling = V fell to v_off.
//  * next_event_time_s() predicts the next power-good change for the present load (infinity if
//    none within the look-ahead), so a sleeping MCU can fast-forward to it.
// Between load changes the module itself wakes only at power-good changes and every
// lookahead_s, computing each stretch in closed form (or adaptively) in one go.
#pragma once

#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <systemc>
#include <utility>
#include <vector>

#include "energy/supply_core.h"

namespace ehsim::energy {

class Supply : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Supply);
  Supply(sc_core::sc_module_name name, std::shared_ptr<const SupplyCore> core,
         double lookahead_s = 60.0);

  void set_load_current(double amps);
  double voltage_V();
  double capacitor_V();
  // The debugger's `monitor charge`: sets the capacitor voltage now (SupplyCore::set_voltage) and
  // publishes a power-good change if there is one.
  void set_capacitor_V(double v_V);
  bool power_good() const { return state_.power_good; }
  double power_good_time_s() const { return pg_time_s_; }
  double next_event_time_s();
  // Time at which power-good would fall if the load were `load_A` from now on, looking at most
  // horizon_s ahead (infinity if it does not fall by then). Does not change the load. Used by
  // the MCU to bound how far it may run ahead: the capacitor voltage only falls faster under a
  // larger load, so a bound computed with an upper bound of the load is safe.
  double power_loss_time_s(double load_A, double horizon_s);
  // Voltage of the MCU rail at sc_time_stamp(): the terminal voltage without a converter, else
  // the regulated output (or the terminal voltage when the converter is in dropout).
  double rail_V();
  // Books up to sc_time_stamp().
  Books books();
  // Integral of rail_V() over time while power-good, up to sc_time_stamp() (V*s).
  double rail_integral_Vs();

  const sc_core::sc_event& power_good_rise_event() const { return rise_; }
  const sc_core::sc_event& power_good_fall_event() const { return fall_; }
  const sc_core::sc_event& power_good_changed_event() const { return changed_; }
  sc_core::sc_signal<bool> power_good_signal;

  // Called at every power-good change with the exact time, the new state and the capacitor
  // voltage (for logs and tests; no SystemC waits allowed inside).
  void on_power_good_change(std::function<void(double t_s, bool pg, double v_V)> f) {
    listener_ = std::move(f);
  }

  const SupplyCore& core() const { return *core_; }

 private:
  void run();
  void sync_to_now();
  void publish(const SupplyEvent& ev);
  void emit(const SupplyEvent& ev, double v_V);  // drives the signal and the events: run() only

  std::shared_ptr<const SupplyCore> core_;
  double lookahead_s_;
  SupplyState state_;
  double pg_time_s_ = 0.0;
  unsigned long generation_ = 0;  // bumped when the load changes: predictions become stale
  sc_core::sc_event wake_, rise_, fall_, changed_;
  std::function<void(double, bool, double)> listener_;
  // Crossings another process brought the supply past (the MCU's thread syncing it, the
  // debugger's set_capacitor_V), with the capacitor voltage then, for run() to publish: only
  // run() may drive power_good_signal.
  std::vector<std::pair<SupplyEvent, double>> pending_;
  sc_core::sc_process_handle run_process_;
};

}  // namespace ehsim::energy

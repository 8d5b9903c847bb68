// The MCU's side of the power interface (docs/architecture.md "The power interface and power
// failure"): all the MCU knows of whatever powers it. sim/ adapts energy::Supply to it, tests
// script it.
//
// Contract, all at sc_time_stamp():
//  * set_load_current_A(amps) holds from now until the next call (piecewise-constant current at
//    the MCU rail). The MCU calls it at the start of each stretch it has already executed, with
//    that stretch's mean current, and then waits for the stretch's duration.
//  * power_loss_time_s(amps, horizon_s) predicts when power would fail under a constant load,
//    without changing the load. A larger load never fails later, so the MCU runs ahead only up
//    to the prediction made with an upper bound of its current.
//  * power_good() false = the rail is disconnected (below turn-off or not yet turned on).
#pragma once

#include <systemc>

namespace ehsim::mcu {

class SupplyPort {
 public:
  virtual ~SupplyPort() = default;
  virtual bool power_good() = 0;
  // When power_good() last changed (seconds of simulated time); after a failure, the instant the
  // rail was disconnected, which may lie inside the stretch the MCU has just reported.
  virtual double power_change_time_s() = 0;
  virtual double rail_voltage_V() = 0;
  // Integral of the rail voltage over simulated time up to now while the rail is connected
  // (V*s), computed the way the supply integrates its own books: the energy delivered under a
  // constant current I between two calls is I times the difference.
  virtual double rail_voltage_integral_Vs() = 0;
  virtual void set_load_current_A(double amps) = 0;
  virtual double power_loss_time_s(double amps, double horizon_s) = 0;
  // Notified whenever power_good() changes.
  virtual const sc_core::sc_event& power_changed_event() const = 0;
};

}  // namespace ehsim::mcu

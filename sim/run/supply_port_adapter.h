// The bridge between the two halves of the platform: mcu_model and energy do not know each other
// (docs/architecture.md), so the MCU sees energy::Supply only through mcu::SupplyPort.
#pragma once

#include <systemc>

#include "energy/supply_module.h"
#include "mcu_model/power/supply_port.h"

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

}  // namespace ehsim

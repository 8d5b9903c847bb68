// A stand-in for the MCU used by `ehsim supply` and tests: whenever power is good it draws a
// constant current, or alternates active/sleep currents with a fixed period and duty cycle
// starting with the active phase at each power-up.
#pragma once

#include <systemc>

#include "energy/supply_module.h"

namespace ehsim::energy {

struct TestLoadParams {
  double active_A = 0.0;
  double sleep_A = 0.0;
  double period_s = 0.0;  // 0: constant active current
  double duty = 1.0;      // fraction of each period spent active
};

class TestLoad : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(TestLoad);
  TestLoad(sc_core::sc_module_name name, Supply& supply, TestLoadParams params);

 private:
  void run();
  Supply& supply_;
  TestLoadParams p_;
};

}  // namespace ehsim::energy

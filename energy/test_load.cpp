#include "energy/test_load.h"

namespace ehsim::energy {

TestLoad::TestLoad(sc_core::sc_module_name name, Supply& supply, TestLoadParams params)
    : sc_module(name), supply_(supply), p_(params) {
  SC_THREAD(run);
}

void TestLoad::run() {
  using sc_core::sc_time;
  const bool cycling = p_.period_s > 0.0 && p_.duty < 1.0;
  const sc_time active(p_.period_s * p_.duty, sc_core::SC_SEC);
  const sc_time sleep(p_.period_s * (1.0 - p_.duty), sc_core::SC_SEC);
  for (;;) {
    if (!supply_.power_good()) {
      supply_.set_load_current(0.0);
      wait(supply_.power_good_rise_event());
      continue;
    }
    supply_.set_load_current(p_.active_A);
    if (!cycling) {
      wait(supply_.power_good_fall_event());
      continue;
    }
    wait(active, supply_.power_good_fall_event());
    if (!supply_.power_good()) continue;
    supply_.set_load_current(p_.sleep_A);
    wait(sleep, supply_.power_good_fall_event());
  }
}

}  // namespace ehsim::energy

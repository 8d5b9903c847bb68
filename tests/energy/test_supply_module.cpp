// The SystemC supply module with a constant test load. SystemC elaborates once per process:
// CTest runs each test case in its own process; in a single-process run only the first SystemC
// test case runs and the others skip with a message.
#include <catch2/catch.hpp>
#include <systemc>

#include "energy/supply_module.h"
#include "energy/test_load.h"
#include "energy_test_util.h"

using namespace ehsim::energy;
using namespace ehsim::energy::testing;

namespace {

struct Probe : sc_core::sc_module {
  SC_HAS_PROCESS(Probe);
  Probe(sc_core::sc_module_name n, Supply& s) : sc_module(n), supply(s) { SC_THREAD(run); }
  void run() {
    wait(sc_core::sc_time(100, sc_core::SC_MS));
    v_at_100ms = supply.voltage_V();
    next_at_100ms = supply.next_event_time_s();
  }
  Supply& supply;
  double v_at_100ms = -1.0, next_at_100ms = -1.0;
};

}  // namespace

TEST_CASE("supply module: power-good toggles at the closed-form times", "[supply][systemc]") {
  if (sc_core::sc_get_status() != sc_core::SC_ELABORATION) {
    WARN("SKIPPED: SystemC already ran in this process; run this test case on its own");
    return;
  }
  // Harvest 1 mA, load 3 mA while on, 100 uF, thresholds 2.0/1.8 V: first rise at C*2/1mA, then
  // falls after C*0.2/2mA and rises again after C*0.2/1mA.
  const double C = 100e-6, Ih = 1e-3, Il = 3e-3;
  auto core = std::make_shared<SupplyCore>(
      basic_params(C, 2.0, 1.8), constant_trace(Quantity::current_A, Ih),
      std::make_shared<DirectHarvester>(Quantity::current_A, 1.0, 0.0));
  Supply supply("supply", core);
  TestLoadParams lp;
  lp.active_A = Il;
  TestLoad load("load", supply, lp);
  Probe probe("probe", supply);
  std::vector<double> times;
  std::vector<bool> states;
  std::vector<double> sc_times;
  supply.on_power_good_change([&](double t, bool pg, double) {
    times.push_back(t);
    states.push_back(pg);
    sc_times.push_back(sc_core::sc_time_stamp().to_seconds());
  });
  sc_core::sc_start(sc_core::sc_time(1.0, sc_core::SC_SEC));

  CHECK(rel_err(probe.v_at_100ms, Ih * 0.1 / C) < 1e-9);
  CHECK(rel_err(probe.next_at_100ms, C * 2.0 / Ih) < 1e-9);
  const double t_rise0 = C * 2.0 / Ih, t_down = C * 0.2 / (Il - Ih), t_up = C * 0.2 / Ih;
  REQUIRE(times.size() >= 20);
  for (std::size_t i = 0; i < 20; ++i) {
    INFO("event " << i);
    const std::size_t cyc = i / 2;
    const double expect = t_rise0 + cyc * (t_down + t_up) + (i % 2 ? t_down : 0.0);
    CHECK(states[i] == (i % 2 == 0));
    CHECK(rel_err(times[i], expect) < 1e-9);
    // SystemC sees the change at the crossing rounded to its 1 ps resolution.
    CHECK(std::fabs(sc_times[i] - expect) < 2e-12);
  }
  const Books b = supply.books();
  const double v = supply.capacitor_V();
  const double lhs = b.initial_J + b.harvested_J;
  const double rhs = core->energy_J(v) + b.consumed_total_J();
  CHECK(std::fabs(lhs - rhs) / lhs < 1e-9);
  CHECK(supply.power_good_signal.read() == supply.power_good());
}

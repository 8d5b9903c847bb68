// Energy consistency (issue 17, item 3): traces before their first sample, the rail-voltage
// integral the MCU's energy book is built on, non-finite books as an internal error, and the
// harvested power of a constant trace as the SystemC module reports it. Every expected value is
// a closed form computed here, never another field of the program.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <systemc>
#include <vector>

#include "energy/supply_module.h"
#include "energy_test_util.h"

using namespace ehsim::energy;
using namespace ehsim::energy::testing;

namespace {

// A trace whose first sample comes late: 1 mW at 10 s, 2 mW at 20 s.
std::shared_ptr<Trace> late_power_trace(Interpolation interp = Interpolation::hold,
                                        bool loop = false) {
  TraceOptions o;
  o.interpolation = interp;
  o.loop = loop;
  return make_trace(Quantity::power_W, {10.0, 20.0}, {1e-3, 2e-3}, o);
}

std::shared_ptr<DirectHarvester> direct(Quantity q) {
  return std::make_shared<DirectHarvester>(q, 1.0, 0.0);
}

void advance_to(const SupplyCore& core, SupplyState& s, double t) {
  while (core.advance(s, t, nullptr)) {
  }
}

bool books_finite(const SupplyState& s) {
  const Books& b = s.books;
  for (double x : {s.v_V, s.rail_Vs, b.initial_J, b.harvested_J, b.delivered_J, b.converter_loss_J,
                   b.leaked_J, b.clipped_J}) {
    if (!std::isfinite(x)) return false;
  }
  return true;
}

// A harvester that has gone wrong: NaN power once the trace value exceeds 1.
class BrokenHarvester : public Harvester {
 public:
  bool accepts(Quantity) const override { return true; }
  double power_W(double x, double) const override {
    return x > 1.0 ? std::numeric_limits<double>::quiet_NaN() : x;
  }
  bool poly(double x, double, Poly& p) const override {
    p = Poly{};
    p.c0 = power_W(x, 0.0);
    return true;
  }
  double max_power_W(double x) const override { return power_W(x, 0.0); }
};

}  // namespace

TEST_CASE("trace: before the first sample the first value holds in a finite segment",
          "[trace][energy-consistency]") {
  for (const auto interp : {Interpolation::hold, Interpolation::linear}) {
    for (const bool loop : {false, true}) {
      INFO("linear " << (interp == Interpolation::linear) << ", loop " << loop);
      const auto tr = late_power_trace(interp, loop);
      for (const double t : {0.0, 3.25, 9.999}) {
        const TraceSegment seg = tr->segment_at(t);
        CHECK(std::isfinite(seg.t0_s));
        CHECK(seg.t0_s <= t);
        CHECK(seg.t1_s == 10.0);
        CHECK(seg.slope_per_s == 0.0);
        CHECK(seg.value_at(t) == 1e-3);
        CHECK(seg.value_at(seg.t1_s) == 1e-3);
        CHECK(tr->value_at(t) == 1e-3);
      }
    }
  }
  // The same through start_offset: trace time -5 plays at simulated time 0.
  TraceOptions o;
  o.start_offset_s = -5.0;
  const auto tr = make_trace(Quantity::power_W, {0.0, 1.0}, {7.0, 8.0}, o);
  const TraceSegment seg = tr->segment_at(2.0);
  CHECK(std::isfinite(seg.t0_s));
  CHECK(seg.t1_s == 5.0);
  CHECK(seg.value_at(2.0) == 7.0);
}

TEST_CASE("trace: a value_scale that overflows a value is refused", "[trace][energy-consistency]") {
  TraceOptions o;
  o.value_scale = 1e308;
  CHECK_THROWS_AS(make_trace(Quantity::power_W, {0.0}, {10.0}, o), TraceError);
  CHECK_NOTHROW(make_trace(Quantity::power_W, {0.0}, {1.0}, o));
}

TEST_CASE("supply: harvest before the trace's first sample is the first value",
          "[supply][energy-consistency]") {
  const double C = 10e-3;  // large enough that 1 mW for 16 s stays below 3.6 V
  SECTION("hold: 1 mW from 0 s, also across the first sample") {
    SupplyCore core(basic_params(C, 3.5, 1.8), late_power_trace(), direct(Quantity::power_W));
    SupplyState s = core.initial_state();
    advance_to(core, s, 5.0);
    REQUIRE(books_finite(s));
    CHECK(rel_err(s.books.harvested_J, 1e-3 * 5.0) < 1e-12);
    CHECK(rel_err(s.v_V, std::sqrt(2.0 * 1e-3 * 5.0 / C)) < 1e-12);
    advance_to(core, s, 15.0);
    CHECK(rel_err(s.books.harvested_J, 1e-3 * 15.0) < 1e-12);
  }
  SECTION("linear: the first value holds, then the ramp starts at the first sample") {
    SupplyCore core(basic_params(C, 3.5, 1.8), late_power_trace(Interpolation::linear),
                    direct(Quantity::power_W));
    SupplyState s = core.initial_state();
    advance_to(core, s, 16.0);
    REQUIRE(books_finite(s));
    // 10 s at 1 mW, then 6 s of 1 mW + 0.1 mW/s * t: 10 + 6 + 0.05 * 36 = 17.8 mJ.
    CHECK(rel_err(s.books.harvested_J, 17.8e-3) < 1e-9);
  }
  SECTION("RF rectifier: the first RF power holds") {
    // The table's 0 dBm point is exact: 1 mW in gives 0.55 mW out.
    SupplyCore core(basic_params(C, 3.5, 1.8), late_power_trace(),
                    std::make_shared<RfHarvester>(RfHarvester::default_p2110b_table()));
    SupplyState s = core.initial_state();
    advance_to(core, s, 4.0);
    REQUIRE(books_finite(s));
    CHECK(rel_err(s.books.harvested_J, 0.55e-3 * 4.0) < 1e-12);
  }
  SECTION("solar area cell on an irradiance trace that starts at 60 s (NREL files)") {
    const auto tr = make_trace(Quantity::irradiance_W_per_m2, {60.0, 120.0}, {2.0, 0.0});
    SupplyCore core(basic_params(C, 3.5, 1.8), tr,
                    std::make_shared<SolarAreaHarvester>(5e-4, 0.15));
    SupplyState s = core.initial_state();
    advance_to(core, s, 30.0);
    REQUIRE(books_finite(s));
    CHECK(rel_err(s.books.harvested_J, 2.0 * 5e-4 * 0.15 * 30.0) < 1e-12);
  }
}

TEST_CASE("supply: the rail-voltage integral is the closed form, and delivered = I x it",
          "[supply][energy-consistency]") {
  const double C = 100e-6, V0 = 3.0, I = 2e-3;
  const auto no_harvest = make_trace(Quantity::current_A, {0.0}, {0.0});
  SECTION("no converter, with and without ESR; nothing after power-good falls") {
    for (const double R : {0.0, 5.0}) {
      INFO("ESR " << R);
      SupplyParams p = basic_params(C, 2.4, 1.8);
      p.capacitor.initial_V = V0;
      p.capacitor.esr_Ohm = R;
      SupplyCore core(p, no_harvest, direct(Quantity::current_A));
      SupplyState s = core.initial_state();
      s.load_A = I;
      const double t = 0.05;
      advance_to(core, s, t);
      // C dV/dt = -I: V = V0 - I t / C; the rail is V - I R.
      const double rail_Vs = V0 * t - I * t * t / (2.0 * C) - I * R * t;
      CHECK(rel_err(s.rail_Vs, rail_Vs) < 1e-12);
      CHECK(rel_err(s.books.delivered_J, I * rail_Vs) < 1e-12);
      // Power-good falls at C (V0 - v_off) / I; the integral stops there.
      const double t_off = C * (V0 - 1.8) / I;
      SupplyEvent ev;
      REQUIRE(core.advance(s, 1.0, &ev));
      CHECK(ev.kind == SupplyEventKind::power_good_fall);
      CHECK(rel_err(ev.t_s, t_off) < 1e-12);
      advance_to(core, s, 1.0);
      const double rail_off = V0 * t_off - I * t_off * t_off / (2.0 * C) - I * R * t_off;
      CHECK(rel_err(s.rail_Vs, rail_off) < 1e-12);
      CHECK(rel_err(s.books.delivered_J, I * rail_off) < 1e-12);
    }
  }
  SECTION("LDO: the rail is the regulated output") {
    SupplyParams p = basic_params(C, 2.4, 2.0);
    p.capacitor.initial_V = V0;
    p.converter.type = ConverterType::ldo;
    p.converter.vout_V = 1.8;
    p.converter.quiescent_A = 1e-6;
    SupplyCore core(p, no_harvest, direct(Quantity::current_A));
    SupplyState s = core.initial_state();
    s.load_A = I;
    advance_to(core, s, 0.02);
    CHECK(rel_err(s.rail_Vs, 1.8 * 0.02) < 1e-12);
    CHECK(rel_err(s.books.delivered_J, I * 1.8 * 0.02) < 1e-12);
  }
  SECTION("adaptive path (constant-power source): conservation gives the integral") {
    // C V dV/dt = P - I V has no elementary V(t); energy conservation does not need it:
    // I * int V dt = E0 + P t - C V(t)^2 / 2.
    const double P = 1e-3;
    SupplyParams p = basic_params(C, 2.4, 1.8);
    p.capacitor.initial_V = V0;
    SupplyCore core(p, constant_trace(Quantity::power_W, P), direct(Quantity::power_W));
    SupplyState s = core.initial_state();
    s.load_A = I;
    const double t = 0.03;
    advance_to(core, s, t);
    REQUIRE(s.power_good);
    const double e0 = 0.5 * C * V0 * V0, e1 = 0.5 * C * s.v_V * s.v_V;
    CHECK(rel_err(I * s.rail_Vs, e0 + P * t - e1) < 1e-9);
    CHECK(rel_err(s.books.delivered_J, I * s.rail_Vs) < 1e-12);
  }
}

TEST_CASE("supply: non-finite books are an internal error", "[supply][energy-consistency]") {
  const auto tr = make_trace(Quantity::power_W, {0.0, 1.0}, {1e-3, 2.0});
  SupplyCore core(basic_params(100e-6, 2.4, 1.8), tr, std::make_shared<BrokenHarvester>());
  SupplyState s = core.initial_state();
  advance_to(core, s, 0.5);
  CHECK(books_finite(s));
  try {
    advance_to(core, s, 2.0);
    FAIL("no exception for NaN books");
  } catch (const std::logic_error& e) {
    CHECK(std::string(e.what()).find("internal error") != std::string::npos);
  }
}

namespace {

// Changes the load every millisecond (the supply module's first prediction chunk, so load
// changes coincide with its prediction times) and samples the books every 0.5 ms.
struct Stepper : sc_core::sc_module {
  SC_HAS_PROCESS(Stepper);
  Stepper(sc_core::sc_module_name n, Supply& s) : sc_module(n), supply(s) {
    SC_THREAD(load);
    SC_THREAD(sample);
  }
  void load() {
    for (int k = 0;; ++k) {
      const double amps = (k % 3 == 0) ? 0.4e-3 : (k % 3 == 1 ? 1.1e-3 : 0.0);
      const double rail = supply.rail_integral_Vs();
      energy_J += load_A * (rail - rail_mark);
      rail_mark = rail;
      load_A = amps;
      supply.set_load_current(amps);
      wait(sc_core::sc_time(1, sc_core::SC_MS));
    }
  }
  void sample() {
    for (int k = 0;; ++k) {
      const double t = sc_core::sc_time_stamp().to_seconds();
      times.push_back(t);
      harvested.push_back(supply.books().harvested_J);
      wait(sc_core::sc_time(500, sc_core::SC_US));
    }
  }
  Supply& supply;
  double load_A = 0.0, rail_mark = 0.0, energy_J = 0.0;
  std::vector<double> times, harvested;
};

}  // namespace

TEST_CASE("supply module: a constant-power harvest is P*t at every sample under a changing load",
          "[supply][systemc][energy-consistency]") {
  if (sc_core::sc_get_status() != sc_core::SC_ELABORATION) {
    WARN("SKIPPED: SystemC already ran in this process; run this test case on its own");
    return;
  }
  const double P = 600e-6, C = 100e-6;
  SupplyParams p = basic_params(C, 2.4, 1.8);
  p.capacitor.initial_V = 2.6;
  auto core = std::make_shared<SupplyCore>(p, constant_trace(Quantity::power_W, P),
                                           direct(Quantity::power_W));
  Supply supply("supply", core);
  Stepper stepper("stepper", supply);
  sc_core::sc_start(sc_core::sc_time(0.5, sc_core::SC_SEC));
  REQUIRE(stepper.times.size() > 900);
  int wrong = 0;
  for (std::size_t i = 1; i < stepper.times.size(); ++i) {
    const double expect = P * stepper.times[i];
    if (rel_err(stepper.harvested[i], expect) > 1e-12) {
      if (++wrong <= 5) {
        UNSCOPED_INFO("t = " << stepper.times[i] << " s: harvested " << stepper.harvested[i]
                             << " J, expected " << expect << " J");
      }
    }
  }
  CHECK(wrong == 0);
  // The load's own book (its current x the rail integral) is the delivered energy, and the
  // capacitor's energy closes the balance without leakage or converter.
  const Books b = supply.books();
  const double rail = supply.rail_integral_Vs();
  const double energy_J = stepper.energy_J + stepper.load_A * (rail - stepper.rail_mark);
  const double v = supply.capacitor_V();
  const double t_end = sc_core::sc_time_stamp().to_seconds();
  CHECK(rel_err(energy_J, 0.5 * C * 2.6 * 2.6 + P * t_end - 0.5 * C * v * v - b.clipped_J) < 1e-9);
}

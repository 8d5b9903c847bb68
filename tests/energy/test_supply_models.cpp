// Harvester, charger and converter models in the supply, each against a hand-derived solution.
#include <catch2/catch.hpp>
#include <cmath>

#include "energy_test_util.h"

using namespace ehsim::energy;
using namespace ehsim::energy::testing;

namespace {
constexpr double kTol = 1e-9;
}

TEST_CASE("single-diode cell charging: crossing time equals the integral of C/I(V)", "[supply]") {
  // With Rs = 0 the cell current is explicit, so t(v_on) = integral_0^v_on C/I(V) dV can be
  // evaluated here by composite Simpson on a fine grid, independently of the supply's integrator.
  SingleDiodeParams d;
  d.isc_A = 10e-3;
  d.voc_V = 3.0;
  d.ideality = 1.5;
  d.cells_series = 5;
  d.rsh_Ohm = 20e3;
  const double G = 400.0, C = 220e-6, von = 2.0;
  const double a = 1.5 * 5 * 1.380649e-23 * 298.15 / 1.602176634e-19;
  const double i0 = (d.isc_A - d.voc_V / d.rsh_Ohm) / std::expm1(d.voc_V / a);
  const double iph = d.isc_A * G / 1000.0;
  auto I = [&](double v) { return iph - i0 * std::expm1(v / a) - v / d.rsh_Ohm; };
  const int n = 200000;
  double sum = 0.0;
  for (int k = 0; k <= n; ++k) {
    const double v = von * k / n;
    sum += (k == 0 || k == n ? 1.0 : (k % 2 ? 4.0 : 2.0)) * C / I(v);
  }
  const double t_ref = sum * (von / n) / 3.0;

  SupplyCore core(basic_params(C, von, 1.8), constant_trace(Quantity::irradiance_W_per_m2, G),
                  std::make_shared<SolarDiodeHarvester>(d));
  SupplyState s = core.initial_state();
  SupplyEvent ev;
  REQUIRE(core.advance(s, 100.0, &ev));
  CHECK(rel_err(ev.t_s, t_ref) < kTol);
  CHECK(books_imbalance(core, s) < kTol);
  // The cell's current at the capacitor voltage, checked against the explicit formula.
  SolarDiodeHarvester cell(d);
  CHECK(rel_err(cell.current_A(G, 1.234), I(1.234)) < 1e-12);
  CHECK(rel_err(cell.open_circuit_V(1000.0), d.voc_V) < 1e-12);
}

TEST_CASE("charger cold start then normal efficiency", "[supply]") {
  // Constant 1 mW source: the cold-start stage delivers eta_c*P until V reaches cold_exit, then
  // eta*P. With constant power C d(V^2/2)/dt = p, so each stage lasts C*dV^2/(2p).
  const double C = 100e-6, P = 1e-3, vx = 1.5, von = 2.0;
  SupplyParams p = basic_params(C, von, 1.8);
  ChargerParams ch;
  ch.efficiency = 0.8;
  ch.cold_exit_V = vx;
  ch.cold_reentry_V = 1.2;
  ch.cold_efficiency = 0.1;
  ch.cold_min_power_W = 0.0;
  ch.quiescent_A = 0.0;
  p.charger = ch;
  SupplyCore core(p, constant_trace(Quantity::power_W, P),
                  std::make_shared<DirectHarvester>(Quantity::power_W, 1.0, 0.0));
  SupplyState s = core.initial_state();
  SupplyEvent ev;
  REQUIRE(core.advance(s, 100.0, &ev));
  const double t_ref = C * vx * vx / (2 * 0.1 * P) + C * (von * von - vx * vx) / (2 * 0.8 * P);
  CHECK(rel_err(ev.t_s, t_ref) < kTol);
  CHECK(s.charger_warm);
  // Below the minimum cold-start power nothing is harvested.
  ch.cold_min_power_W = 2e-3;
  p.charger = ch;
  SupplyCore cold(p, constant_trace(Quantity::power_W, P),
                  std::make_shared<DirectHarvester>(Quantity::power_W, 1.0, 0.0));
  SupplyState c = cold.initial_state();
  cold.advance(c, 10.0, nullptr);
  CHECK(c.v_V == 0.0);
  CHECK(c.books.harvested_J == 0.0);
}

TEST_CASE("buck converter with constant efficiency draws constant power", "[supply]") {
  // Above its output the buck draws P_out/eta: C d(V^2/2)/dt = -vout*I/eta.
  const double C = 1e-3, I = 2e-3, vout = 1.2, eta = 0.85, v0 = 3.0, voff = 1.8;
  SupplyParams p = basic_params(C, 2.0, voff);
  p.capacitor.initial_V = v0;
  p.converter.type = ConverterType::buck;
  p.converter.vout_V = vout;
  p.converter.efficiency = Table2D({0.0}, {0.0}, {{eta}});
  SupplyCore core(p, constant_trace(Quantity::current_A, 0.0),
                  std::make_shared<DirectHarvester>(Quantity::current_A, 1.0, 0.0));
  SupplyState s = core.initial_state();
  s.load_A = I;
  SupplyEvent ev;
  REQUIRE(core.advance(s, 1e3, &ev));
  const double t = C * (v0 * v0 - voff * voff) / (2 * vout * I / eta);
  CHECK(rel_err(ev.t_s, t) < kTol);
  CHECK(rel_err(s.books.delivered_J, vout * I * t) < kTol);
  CHECK(rel_err(s.books.converter_loss_J, vout * I * t * (1 / eta - 1)) < kTol);
}

TEST_CASE("ESR: the load sees V - I*ESR and the difference is a loss", "[supply]") {
  const double C = 1e-3, I = 5e-3, R = 10.0;
  SupplyParams p = basic_params(C, 2.0, 1.8);
  p.capacitor.initial_V = 3.0;
  p.capacitor.esr_Ohm = R;
  SupplyCore core(p, constant_trace(Quantity::current_A, 0.0),
                  std::make_shared<DirectHarvester>(Quantity::current_A, 1.0, 0.0));
  SupplyState s = core.initial_state();
  s.load_A = I;
  core.advance(s, 0.1, nullptr);
  CHECK(rel_err(s.v_V, 3.0 - I * 0.1 / C) < kTol);
  CHECK(rel_err(core.terminal_V(s), s.v_V - I * R) < kTol);
  CHECK(rel_err(s.books.converter_loss_J, I * I * R * 0.1) < kTol);
  CHECK(books_imbalance(core, s) < kTol);
}

TEST_CASE("linear interpolation: a current ramp reaches v_on at sqrt(2 C v_on / k)", "[supply]") {
  // I(t) = k t gives V = k t^2 / (2C).
  const double C = 100e-6, k = 1e-3, von = 2.0;
  TraceOptions o;
  o.interpolation = Interpolation::linear;
  SupplyCore core(basic_params(C, von, 1.8),
                  make_trace(Quantity::current_A, {0.0, 100.0}, {0.0, 100.0 * k}, o),
                  std::make_shared<DirectHarvester>(Quantity::current_A, 1.0, 0.0));
  SupplyState s = core.initial_state();
  SupplyEvent ev;
  REQUIRE(core.advance(s, 100.0, &ev));
  CHECK(rel_err(ev.t_s, std::sqrt(2 * C * von / k)) < kTol);
  CHECK(books_imbalance(core, s) < kTol);
}

TEST_CASE("RF harvester follows its efficiency table in dBm", "[supply]") {
  RfHarvester rf(Table1D({-10.0, 0.0}, {0.2, 0.6}));
  CHECK(rf.power_W(1e-3, 1.0) == Approx(0.6e-3));        // 0 dBm
  CHECK(rf.power_W(std::pow(10.0, -0.5) * 1e-3, 1.0) ==  // -5 dBm: halfway
        Approx(0.4 * std::pow(10.0, -0.5) * 1e-3));
  CHECK(rf.power_W(0.0, 1.0) == 0.0);
}

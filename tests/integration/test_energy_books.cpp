// Energy books of `ehsim run` and `ehsim supply` against values this test computes itself
// (issue 17, item 3): the MCU's energy book equals what the capacitor gave up, a constant-power
// trace reads as constant power in timeseries.csv, a run that starts before a trace's first
// sample has finite books (first value holds), and non-finite books never print as balanced.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "energy/harvester.h"
#include "energy/trace.h"
#include "firmware_harness.h"
#include "run_harness.h"
#include "tests/test_support.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using runtest::RunOutput;

const std::string kDefaultScenario = std::string(EHSIM_SOURCE_DIR) + "/scenarios/default.json";

std::string trace_dir_arg() {
  return std::string(" --set trace_dir=") + EHSIM_TRACE_DIR;
}

double rel(double a, double b) {
  const double m = std::max(std::fabs(a), std::fabs(b));
  return m > 0 ? std::fabs(a - b) / m : 0.0;
}

std::string write_trace(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

fwtest::CommandResult run_supply(const std::string& scenario, const std::string& out,
                                 const std::string& extra) {
  return fwtest::run_command(fwtest::shell_quote(EHSIM_EXECUTABLE) + " supply " +
                             fwtest::shell_quote(scenario) + " --out " + fwtest::shell_quote(out) +
                             " " + extra);
}

json read_json(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

// Five-point Gauss-Legendre on [a, b].
template <class F>
double gauss5(F f, double a, double b) {
  static const double x[5] = {-0.9061798459386640, -0.5384693101056831, 0.0, 0.5384693101056831,
                              0.9061798459386640};
  static const double w[5] = {0.2369268850561891, 0.4786286704993665, 0.5688888888888889,
                              0.4786286704993665, 0.2369268850561891};
  const double h = 0.5 * (b - a), m = 0.5 * (a + b);
  double s = 0;
  for (int i = 0; i < 5; ++i) s += w[i] * f(m + h * x[i]);
  return s * h;
}

}  // namespace

TEST_CASE("run: with nothing harvested the MCU consumes exactly what the capacitor gave up",
          "[run][energy][energy-consistency]") {
  // 100 uF from 3.6 V, a trace of zero power: the MCU runs from t = 0 until the capacitor falls
  // to v_off = 1.8 V, after which the rail is off for good. Whatever the firmware did, the
  // energy it drew is C (3.6^2 - 1.8^2) / 2 and the charge C (3.6 - 1.8).
  // With boot_delay 0 the boot's charge is drawn with the first stretch instead.
  const std::string dir = runtest::scratch_dir("books_zero_harvest");
  const std::string trace = write_trace(dir, "zero.csv", "time_s,power_W\n0,0\n");
  for (const std::string extra : {"", " --set device.boot_delay=0s"}) {
    const RunOutput r = runtest::run_scenario_file(
        kDefaultScenario, dir + "/out",
        "--set harvester.trace.file=" + trace +
            " --set supply.initial_voltage=3.6V --set run.duration=5s" + extra);
    INFO(r.console);
    REQUIRE(r.status == 0);
    const json& e = r.summary["energy"];
    REQUIRE(r.summary["power"]["boots"] == 1);
    REQUIRE(r.summary["power"]["power_failures"] == 1);
    const double C = 100e-6, v0 = 3.6, v_off = 1.8;
    CHECK(e["harvested_J"].get<double>() == 0.0);
    CHECK(rel(e["mcu_consumed_J"].get<double>(), 0.5 * C * (v0 * v0 - v_off * v_off)) < 1e-9);
    CHECK(rel(e["mcu_charge_C"].get<double>(), C * (v0 - v_off)) < 1e-9);
    CHECK(rel(e["final_J"].get<double>(), 0.5 * C * v_off * v_off) < 1e-12);
    CHECK(rel(e["mcu_charge_breakdown_C"]["boot"].get<double>(), 1.04e-6) < 1e-9);
  }
}

TEST_CASE("run: a constant 600 uW trace is 600 uW in every time-series row",
          "[run][energy][energy-consistency]") {
  const std::string dir = runtest::scratch_dir("books_constant_600uW");
  const std::string trace = write_trace(dir, "c600.csv", "time_s,power_uW\n0,600\n");
  const double P = 600e-6;
  const RunOutput r = runtest::run_scenario_file(
      kDefaultScenario, dir + "/out",
      "--set harvester.type=direct --set harvester.trace.file=" + trace + " --set run.duration=3s");
  INFO(r.console);
  REQUIRE(r.status == 0);
  REQUIRE(r.summary["power"]["boots"].get<int>() >= 2);  // the MCU was on (and off again)
  const runtest::Series ts = runtest::read_timeseries(r.dir);
  const size_t col = ts.column("harvested_W"), pg = ts.column("power_good");
  REQUIRE(ts.rows.size() >= 300);  // 10 ms rows from 0 s
  int wrong = 0, on_rows = 0;
  for (size_t i = 1; i < ts.rows.size(); ++i) {
    on_rows += ts.rows[i][pg] != 0;
    // The CSV prints 9 significant digits.
    if (rel(ts.rows[i][col], P) > 1e-8) {
      if (++wrong <= 5) UNSCOPED_INFO("t = " << ts.rows[i][0] << " s: " << ts.rows[i][col] << " W");
    }
  }
  CHECK(wrong == 0);
  CHECK(on_rows > 50);
  // Energy conservation with the analytic harvest: no leakage, converter or ESR here, so the
  // MCU's energy is what came in minus what the capacitor kept or shed.
  const json& e = r.summary["energy"];
  const double T = r.summary["time"]["simulated_s"].get<double>();
  CHECK(rel(e["harvested_J"].get<double>(), P * T) < 1e-12);
  REQUIRE(e["leaked_J"].get<double>() == 0.0);
  REQUIRE(e["converter_loss_J"].get<double>() == 0.0);
  CHECK(rel(e["mcu_consumed_J"].get<double>(), e["initial_J"].get<double>() + P * T -
                                                   e["final_J"].get<double>() -
                                                   e["clipped_J"].get<double>()) < 1e-9);
}

TEST_CASE("run: the default scenario's MCU energy closes the books with the trace's own harvest",
          "[run][energy][energy-consistency][recorded]") {
  RUNTEST_REQUIRE_RECORDED_TRACES();
  const std::string dir = runtest::scratch_dir("books_default_20s");
  const RunOutput r = runtest::run_scenario_file(kDefaultScenario, dir + "/out",
                                                 "--set run.duration=20s" + trace_dir_arg());
  INFO(r.console);
  REQUIRE(r.status == 0);
  REQUIRE(r.summary["power"]["power_failures"].get<int>() > 3);
  const double T = r.summary["time"]["simulated_s"].get<double>();
  // Harvest from the trace file: each RF sample holds until the next, through the rectifier's
  // efficiency curve.
  const ehsim::energy::TraceData tr =
      ehsim::energy::read_trace_file(std::string(EHSIM_TRACE_DIR) + "/rf-cart.trace");
  const ehsim::energy::RfHarvester rf(ehsim::energy::RfHarvester::default_p2110b_table());
  REQUIRE(tr.time_s.front() == 0.0);
  double harvested = 0;
  for (size_t i = 0; i < tr.time_s.size() && tr.time_s[i] < T; ++i) {
    const double t1 = i + 1 < tr.time_s.size() ? std::min(tr.time_s[i + 1], T) : T;
    harvested += rf.power_W(tr.value[i], 0.0) * (t1 - tr.time_s[i]);
  }
  const json& e = r.summary["energy"];
  CHECK(rel(e["harvested_J"].get<double>(), harvested) < 1e-9);
  REQUIRE(e["leaked_J"].get<double>() == 0.0);
  REQUIRE(e["converter_loss_J"].get<double>() == 0.0);
  CHECK(rel(e["mcu_consumed_J"].get<double>(), e["initial_J"].get<double>() + harvested -
                                                   e["final_J"].get<double>() -
                                                   e["clipped_J"].get<double>()) < 1e-9);
}

TEST_CASE("supply: a run that starts before the NREL trace's first sample has exact books",
          "[supply][energy-consistency][recorded]") {
  RUNTEST_REQUIRE_RECORDED_TRACES();
  // The reproduction: the NREL file starts at 00:01 (60 s), so [0, 60) s lies before
  // its first sample. Books were NaN and printed as "books balance 0 relative".
  const std::string dir = runtest::scratch_dir("supply_nrel_before_first");
  const std::string out = dir + "/out";
  const fwtest::CommandResult c =
      run_supply(std::string(EHSIM_SOURCE_DIR) + "/scenarios/supply-nrel-day.json", out,
                 "--set supply.initial_voltage=2.5V --set run.duration=600s" + trace_dir_arg());
  INFO(c.output);
  REQUIRE(c.status == 0);
  const json b = read_json(out + "/books.json");
  for (const auto& [k, v] : b.items()) {
    INFO(k);
    REQUIRE(v.is_number());
    CHECK(std::isfinite(v.get<double>()));
  }
  // Irradiance is 0 W/m^2 from the first sample through 600 s (checked in the file), so nothing
  // is harvested. The load (1 mA for 0.1 s, then 2 uA for 0.9 s, each second, while power is
  // good) and the 1 MOhm leakage discharge 10 mF from 2.5 V: C dV/dt = -I - V/R, so
  // V(t) = V0 e^(-t/RC) - I R (1 - e^(-t/RC)) within each phase.
  const ehsim::energy::TraceData tr = ehsim::energy::read_trace_file(
      std::string(EHSIM_TRACE_DIR) + "/nrel-srrl-bms-2012-05-17-1min.csv");
  REQUIRE(tr.time_s.front() == 60.0);
  for (size_t i = 0; i < tr.time_s.size() && tr.time_s[i] <= 600.0; ++i) {
    REQUIRE(tr.value[i] == 0.0);
  }
  const double C = 10e-3, R = 1e6, tau = R * C, v_off = 1.8;
  double v = 2.5, t = 0, delivered = 0, leaked = 0, t_off = -1;
  auto v_at = [&](double v0, double I, double dt) {
    return v0 * std::exp(-dt / tau) + I * R * std::expm1(-dt / tau);
  };
  for (int k = 0; t_off < 0; ++k) {
    for (int phase = 0; phase < 2 && t_off < 0; ++phase) {
      const double I = phase == 0 ? 1e-3 : 2e-6;
      double len = phase == 0 ? 0.1 : 0.9;
      const double v_end = v_at(v, I, len);
      if (v_end <= v_off) {
        len = tau * std::log((v + I * R) / (v_off + I * R));
        t_off = t + len;
      }
      const double v0 = v;
      delivered += I * gauss5([&](double s) { return v_at(v0, I, s); }, 0.0, len);
      leaked += gauss5([&](double s) { return std::pow(v_at(v0, I, s), 2) / R; }, 0.0, len);
      v = t_off < 0 ? v_end : v_off;
      t += len;
    }
  }
  // Off: leakage alone to 600 s.
  const double v0 = v;
  leaked += gauss5([&](double s) { return std::pow(v_at(v0, 0.0, s), 2) / R; }, 0.0, 600 - t);
  const double v_final = v_at(v0, 0.0, 600 - t);
  CHECK(b["harvested_J"].get<double>() == 0.0);
  CHECK(rel(b["final_V"].get<double>(), v_final) < 1e-9);
  CHECK(rel(b["delivered_J"].get<double>(), delivered) < 1e-9);
  CHECK(rel(b["leaked_J"].get<double>(), leaked) < 1e-9);
  CHECK(b["power_on_count"] == 1);
  CHECK(b["power_fail_count"] == 1);
  std::ifstream iv(out + "/intervals.csv");
  std::string header, row;
  std::getline(iv, header);
  std::getline(iv, row);
  REQUIRE(row.find(',') != std::string::npos);
  const double off_s = std::stod(row.substr(row.find(',') + 1));
  CHECK(rel(off_s, t_off) < 1e-9);
}

TEST_CASE("supply: before the first sample the first value holds", "[supply][energy-consistency]") {
  // 1 mW from 10 s on: the first 5 s harvest 1 mW x 5 s (was 0 J).
  const std::string dir = runtest::scratch_dir("supply_first_value_holds");
  write_trace(dir, "late.csv", "time_s,power_mW\n10,1\n20,2\n");
  const json sc = {{"harvester", {{"type", "direct"}, {"trace", "late.csv"}}},
                   {"supply", {{"capacitance", "10mF"}, {"v_on", "3V"}, {"v_off", "1.8V"}}},
                   {"load", {{"type", "constant"}, {"current", "0A"}}},
                   {"run", {{"duration", "5s"}}}};
  std::ofstream(dir + "/s.json") << sc.dump(2);
  const fwtest::CommandResult c = run_supply(dir + "/s.json", dir + "/out", "");
  INFO(c.output);
  REQUIRE(c.status == 0);
  const json b = read_json(dir + "/out/books.json");
  CHECK(rel(b["harvested_J"].get<double>(), 1e-3 * 5.0) < 1e-12);
  CHECK(rel(b["final_V"].get<double>(), std::sqrt(2.0 * 1e-3 * 5.0 / 10e-3)) < 1e-12);
}

TEST_CASE("supply: books that would not be finite fail the run instead of printing balanced",
          "[supply][energy-consistency]") {
  // A trace value that overflows once scaled, and a capacitance so small that V = sqrt(2E/C)
  // overflows: neither may end with exit 0 and "books balance 0 relative".
  const std::string dir = runtest::scratch_dir("supply_nonfinite_books");
  write_trace(dir, "p.csv", "time_s,power_mW\n0,1\n");
  const json sc = {{"harvester", {{"type", "direct"}, {"trace", "p.csv"}}},
                   {"supply", {{"capacitance", "100uF"}, {"v_on", "2.4V"}, {"v_off", "1.8V"}}},
                   {"load", {{"type", "constant"}, {"current", "1mA"}}},
                   {"run", {{"duration", "1s"}}}};
  std::ofstream(dir + "/s.json") << sc.dump(2);
  for (const char* set : {"harvester.trace.value_scale=1e308", "supply.capacitance=1e-320F"}) {
    const std::string out = dir + "/out";
    fs::remove_all(out);
    const fwtest::CommandResult c = run_supply(dir + "/s.json", out, std::string("--set ") + set);
    INFO(set << "\n" << c.output);
    CHECK(c.status != 0);
    CHECK(c.output.find("books balance") == std::string::npos);
    CHECK(!fs::exists(out + "/books.json"));
  }
}

TEST_CASE("run: a power-good crossing the MCU's thread reaches first is published by the supply",
          "[run][energy][energy-consistency][recorded]") {
  RUNTEST_REQUIRE_RECORDED_TRACES();
  // The whole NREL day at 10 uF with a FreeML sample every 90 s: at 14.7 h the MCU's thread
  // synced the supply past a power-good fall that lay within the rounding of SystemC time, wrote
  // the supply's signal itself, and SystemC stopped the run (E115, a second driver of
  // supply.power_good). The crossing now goes to the supply's own thread, one delta later.
  const std::string dir = runtest::scratch_dir("books_solar_day_10uF");
  const RunOutput r = runtest::run_scenario_file(
      std::string(EHSIM_SOURCE_DIR) + "/scenarios/experiments/capacitor-sweep-solar.json",
      dir + "/out",
      "--set supply.capacitance=10uF --set inference.policy=none --set run.duration=24h "
      "--set harvester.trace.start_offset=0s --set inference.sampling_period=90s "
      "--set outputs.timeseries_period=0" +
          trace_dir_arg());
  INFO(r.console);
  REQUIRE(r.status == 0);
  CHECK(r.summary["end"]["reason"] == "end_time");
  CHECK(r.summary["time"]["simulated_s"].get<double>() == 86400.0);
  CHECK(r.summary["power"]["power_failures"].get<int>() > 10000);
  CHECK(r.summary["inference"]["completed"].get<int>() > 0);
  const json& e = r.summary["energy"];
  CHECK(std::abs(e["books_residual_J"].get<double>()) < 1e-9);
  CHECK(rel(e["mcu_consumed_J"].get<double>(),
            e["initial_J"].get<double>() + e["harvested_J"].get<double>() -
                e["final_J"].get<double>() - e["clipped_J"].get<double>()) < 1e-9);
}

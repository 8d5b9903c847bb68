// `ehsim run` on the project's square-wave trace (no recorded traces needed): power-failure
// semantics, low-power modes, Timer_A, Comparator_E and ADC12_B against analytic values, the
// energy books across MCU and supply, determinism and the command line's input errors.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "firmware_harness.h"
#include "run_harness.h"

namespace {

using nlohmann::json;
using runtest::RunOutput;

using runtest::square_scenario;

int marker_arg(const RunOutput& r, int id) {
  const auto m = runtest::markers(r, id);
  REQUIRE(m.size() == 1);
  return m[0]["arg"].get<int>();
}

uint16_t sram_pattern(uint16_t i) {  // mirrors tests/firmware/power_patterns.c
  return uint16_t(uint16_t(i * 0x9E37u + 0x1234u) ^ 0xFFFFu);
}

}  // namespace

TEST_CASE("power loss keeps FRAM and loses SRAM, crt0 re-initialises .data and .bss",
          "[run][power]") {
  const std::string dir = runtest::scratch_dir("power_patterns_a5");
  json sc = square_scenario("power_patterns");
  sc["device"]["sram_at_power_loss"] = "0xA5";
  const RunOutput r = runtest::run_scenario(dir, sc);
  INFO(r.console);
  REQUIRE(r.status == 0);
  REQUIRE(r.summary["end"]["reason"] == "host_exit");
  // The first boot wrote the patterns, then the supply failed while it spun.
  const auto losses = runtest::events_of(r, "power_loss");
  REQUIRE(losses.size() == 1);
  REQUIRE(runtest::markers(r, 0x31).size() == 1);
  CHECK(runtest::markers(r, 0x31)[0]["time_s"].get<double>() < losses[0]["time_s"].get<double>());
  CHECK(runtest::markers(r, 0x30).size() == 2);  // main ran again from the reset vector
  CHECK(marker_arg(r, 0x32) == 64);              // FRAM: every word kept
  int expected_sram_same = 0;                    // only words that happen to equal A5A5h
  for (uint16_t i = 0; i < 64; ++i) expected_sram_same += sram_pattern(i) == 0xA5A5;
  CHECK(marker_arg(r, 0x33) == expected_sram_same);
  CHECK(marker_arg(r, 0x34) == 0xA5A5);
  CHECK(marker_arg(r, 0x35) == 0xA5A5);
  CHECK(marker_arg(r, 0x36) == 0x5A5A);  // .data copied from FRAM again
  CHECK(marker_arg(r, 0x37) == 0);       // .bss zeroed again
  CHECK(r.summary["power"]["boots"] == 2);
  CHECK(r.summary["power"]["power_failures"] == 1);
}

TEST_CASE("SRAM after power loss: zeroed, or random from the seed", "[run][power]") {
  const std::string dir = runtest::scratch_dir("power_patterns_fill");
  json sc = square_scenario("power_patterns");
  sc["device"]["sram_at_power_loss"] = "zero";
  const RunOutput zero = runtest::run_scenario(dir + "", sc);
  INFO(zero.console);
  CHECK(marker_arg(zero, 0x34) == 0);
  CHECK(marker_arg(zero, 0x35) == 0);

  sc["device"]["sram_at_power_loss"] = "random";
  const std::string d1 = runtest::scratch_dir("power_patterns_seed1a");
  const std::string d2 = runtest::scratch_dir("power_patterns_seed1b");
  const std::string d3 = runtest::scratch_dir("power_patterns_seed2");
  const RunOutput a = runtest::run_scenario(d1, sc);
  const RunOutput b = runtest::run_scenario(d2, sc);
  sc["seed"] = 2;
  const RunOutput c = runtest::run_scenario(d3, sc);
  const auto word = [](const RunOutput& r) {
    return (marker_arg(r, 0x35) << 16) | marker_arg(r, 0x34);
  };
  CHECK(word(a) == word(b));
  CHECK(word(a) != word(c));
  CHECK(marker_arg(a, 0x32) == 64);
}

TEST_CASE("Timer_A wakes the CPU from LPM3 every 1000 VLO cycles, LPM3 charge from the datasheet",
          "[run][lpm]") {
  const std::string dir = runtest::scratch_dir("timer_lpm3");
  // Plenty of power: one boot, no failures, only the firmware's own timing.
  std::ofstream(dir + "/constant.csv") << "time_s,power_W\n0,0.01\n100,0.01\n";
  json sc = square_scenario("power_timer_lpm3");
  sc["harvester"]["trace"]["file"] = dir + "/constant.csv";
  sc["supply"]["capacitance"] = "100uF";
  sc["supply"]["rated_voltage"] = "3.3V";
  sc["run"]["duration"] = "10s";
  sc["outputs"]["timeseries_period"] = "0";
  const RunOutput r = runtest::run_scenario(dir, sc);
  INFO(r.console);
  REQUIRE(r.summary["end"]["reason"] == "host_exit");
  const auto wakes = runtest::markers(r, 0x40);
  REQUIRE(wakes.size() == 20);
  for (size_t i = 1; i < wakes.size(); ++i) {
    // 1000 ticks of the 10 kHz VLO (the model's VLO constant), to within the cycle rounding.
    CHECK(wakes[i]["time_s"].get<double>() - wakes[i - 1]["time_s"].get<double>() ==
          Approx(0.1).margin(1e-6));
  }
  CHECK(r.summary["mcu"]["wakeups"] == 20);
  const double lpm_s = r.summary["time"]["low_power_s"];
  const double on_s = r.summary["time"]["on_s"];
  CHECK(lpm_s > 0.99 * on_s);
  // Sleep charge is the datasheet's LPM3 current over the time asleep: 0.7 µA typical at 25 °C,
  // SLASE54D operating-modes table (facts §3.6).
  const double lpm3_A = 0.7e-6;
  CHECK(r.summary["energy"]["mcu_charge_breakdown_C"]["low_power"].get<double>() ==
        Approx(lpm3_A * lpm_s).epsilon(1e-9));
}

TEST_CASE("Comparator_E interrupts when the supply falls through its ladder threshold",
          "[run][comparator]") {
  const std::string dir = runtest::scratch_dir("comparator");
  const RunOutput r = runtest::run_scenario(dir, square_scenario("power_comparator"));
  INFO(r.console);
  const auto trips = runtest::markers(r, 0x50);
  REQUIRE(trips.size() == 1);
  const runtest::Series ts = runtest::read_timeseries(r.dir);
  const double threshold_V = 1.2 * 32.0 / 19.0;  // 1.2 V reference, tap 18 of the VCC ladder
  const double v_at_trip = ts.at("capacitor_V", trips[0]["time_s"].get<double>());
  // The MCU re-reads the rail every 100 us while the comparator is armed; at ~1 mA on 47 uF the
  // supply falls ~2 mV in that time.
  CHECK(v_at_trip <= threshold_V + 1e-4);
  CHECK(v_at_trip >= threshold_V - 3e-3);
  // After the trip the CPU sleeps in LPM4: no power failure within the run.
  CHECK(runtest::events_of(r, "power_loss").empty());
}

TEST_CASE("ADC12_B reads 1/2 AVCC against the 2.5 V reference: codes match the capacitor voltage",
          "[run][adc]") {
  const std::string dir = runtest::scratch_dir("adc");
  const RunOutput r = runtest::run_scenario(dir, square_scenario("power_adc"));
  INFO(r.console);
  const auto codes = runtest::markers(r, 0x60);
  REQUIRE(codes.size() > 500);
  REQUIRE(r.summary["power"]["power_failures"].get<int>() >= 2);
  const runtest::Series ts = runtest::read_timeseries(r.dir);
  const double lsb_V = 2.0 * 2.5 / 4096.0;
  double worst = 0;
  for (const auto& m : codes) {
    const double measured_V = 2.0 * m["arg"].get<double>() / 4096.0 * 2.5;
    const double v = ts.at("capacitor_V", m["time_s"].get<double>());
    worst = std::max(worst, std::fabs(measured_V - v));
    // Truncating 12-bit conversion: the code is at most one LSB below the true value.
    CHECK(measured_V <= v + 0.25 * lsb_V);
    CHECK(measured_V >= v - 1.5 * lsb_V);
  }
  INFO("worst deviation " << worst << " V");
}

TEST_CASE(
    "energy books recomputed from the trace and timeseries.csv: harvest, MCU draw, LDO loss, "
    "clipping and the capacitor's energy",
    "[run][energy]") {
  const std::string dir = runtest::scratch_dir("books_ldo");
  json sc = square_scenario("power_adc");
  // Behind an LDO the rail is exactly 1.8 V while the device is on.
  sc["supply"]["converter"] = {{"type", "ldo"}, {"output_voltage", "1.8V"}};
  sc["supply"]["v_off"] = "2.0V";
  const RunOutput r = runtest::run_scenario(dir, sc);
  INFO(r.console);
  const auto& e = r.summary["energy"];
  REQUIRE(r.summary["power"]["power_failures"].get<int>() >= 1);
  CHECK(r.summary["diagnostics"]["run_ahead_bound_overruns"] == 0);

  // The trace: 2 mW during [0, 0.5), [1, 1.5) and [2, 2.5) of the 3 s run.
  const double harvested_J = 2e-3 * 1.5;
  CHECK(e["harvested_J"].get<double>() == Approx(harvested_J).epsilon(1e-9));

  // The 0.1 ms time series, integrated sample by sample (each value held to the next sample).
  const runtest::Series ts = runtest::read_timeseries(r.dir);
  const size_t t = ts.column("time_s"), v = ts.column("capacitor_V"), rail = ts.column("rail_V"),
               h = ts.column("harvested_W"), i = ts.column("load_A");
  REQUIRE(ts.rows.size() == 30000);
  const double C_F = 47e-6, rated_V = 3.6;
  double harvested = 0, charge = 0, delivered = 0, from_capacitor = 0, clipped = 0;
  for (size_t k = 0; k + 1 < ts.rows.size(); ++k) {
    const auto &a = ts.rows[k], &b = ts.rows[k + 1];
    const double dt = b[t] - a[t];
    harvested += b[h] * dt;  // harvested_W is the mean over the period ending at its sample
    charge += a[i] * dt;
    delivered += a[i] * a[rail] * dt;
    from_capacitor += a[i] * a[v] * dt;  // an LDO draws its output current from the capacitor
    // At the rated voltage the capacitor is full: what the load does not take is clipped.
    if (a[v] >= rated_V - 1e-9 && b[v] >= rated_V - 1e-9) clipped += (b[h] - a[i] * a[v]) * dt;
  }
  const double v0 = ts.rows.front()[v], v1 = ts.rows.back()[v];
  const double stored_J = 0.5 * C_F * (v1 * v1 - v0 * v0);
  INFO("from timeseries.csv: harvested " << harvested << " J, charge " << charge << " C, delivered "
                                         << delivered << " J, from the capacitor " << from_capacitor
                                         << " J, clipped " << clipped << " J, stored " << stored_J
                                         << " J");
  // Sampling at 0.1 ms a current that changes within a sample: 0.1 % on the integrals; the
  // clipped energy is decided by the samples at both ends of each full-capacitor interval (2 %).
  CHECK(harvested == Approx(harvested_J).epsilon(1e-6));
  CHECK(e["mcu_charge_C"].get<double>() == Approx(charge).epsilon(1e-3));
  CHECK(e["delivered_J"].get<double>() == Approx(delivered).epsilon(1e-3));
  CHECK(e["mcu_consumed_J"].get<double>() == Approx(1.8 * charge).epsilon(1e-3));
  CHECK(e["converter_loss_J"].get<double>() == Approx(from_capacitor - delivered).epsilon(1e-3));
  CHECK(e["clipped_J"].get<double>() == Approx(clipped).epsilon(2e-2));
  CHECK(e["leaked_J"].get<double>() == 0);
  // Energy conservation on the capacitor, all from the time series: what came in minus what the
  // LDO drew and what was clipped is what the capacitor holds at the end (to 0.1 % of the flow).
  CHECK(std::fabs(harvested - from_capacitor - clipped - stored_J) < 1e-3 * harvested_J);
  CHECK(e["final_J"].get<double>() == Approx(stored_J).epsilon(1e-9));
}

TEST_CASE("the same scenario and seed give byte-identical result files", "[run][determinism]") {
  const std::string a = runtest::scratch_dir("determinism_a");
  const std::string b = runtest::scratch_dir("determinism_b");
  json sc = square_scenario("power_adc");
  sc["device"]["sram_at_power_loss"] = "random";
  // One scenario file, two output directories: only the output location may differ.
  const RunOutput ra = runtest::run_scenario(a, sc, "--vcd");
  const RunOutput rb = runtest::run_scenario_file(a + "/scenario-in.json", b + "/out", "--vcd");
  for (const char* f : {"summary.json", "events.jsonl", "timeseries.csv", "trace.vcd"}) {
    INFO(f);
    const std::string fa = runtest::read_file(ra.dir + "/" + f);
    CHECK(!fa.empty());
    CHECK(fa == runtest::read_file(rb.dir + "/" + f));
  }
}

TEST_CASE("run --set overrides scenario keys", "[run][cli]") {
  const std::string dir = runtest::scratch_dir("set_override");
  const json sc = square_scenario("power_adc");
  const RunOutput big = runtest::run_scenario(dir, sc);
  const RunOutput small = runtest::run_scenario(dir, sc, "--set supply.capacitance=10uF");
  INFO(small.console);
  REQUIRE(small.status == 0);
  // From empty, 2 mW lossless into C reaches v_on = 2.4 V after C v_on^2 / (2 P); the first
  // boot follows after the boot delay.
  const double boot_delay_s = 1.66e-3;  // McuConfig default (Fused boot trace, facts §3.7)
  const double big_boot_s = big.summary["time"]["first_boot_s"];
  const double small_boot_s = small.summary["time"]["first_boot_s"];
  CHECK(big_boot_s - boot_delay_s == Approx(47e-6 * 2.4 * 2.4 / (2 * 2e-3)).epsilon(1e-3));
  CHECK(small_boot_s - boot_delay_s == Approx(10e-6 * 2.4 * 2.4 / (2 * 2e-3)).epsilon(1e-3));
  // The effective scenario is kept with the results.
  const json kept = json::parse(runtest::read_file(small.dir + "/scenario.json"));
  CHECK(kept["supply"]["capacitance"] == "10uF");
}

TEST_CASE("bad scenarios are rejected with the file and JSON path", "[run][cli][errors]") {
  const std::string dir = runtest::scratch_dir("bad_input");
  struct Case {
    const char* what;
    std::function<void(json&)> edit;
    std::string extra;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {"unknown device key", [](json& s) { s["device"]["mhz"] = 8; }, "", "/device/mhz"},
      {"bad capacitance", [](json& s) { s["supply"]["capacitance"] = "lots"; }, "",
       "/supply/capacitance"},
      {"missing firmware", [](json& s) { s["firmware"] = "no_such_app.elf"; }, "", "/firmware"},
      {"missing firmware by absolute path", [](json& s) { s["firmware"] = "/no/such/dir/app.elf"; },
       "", "/firmware: \"/no/such/dir/app.elf\" does not exist"},
      {"empty firmware name", [](json& s) { s["firmware"] = ""; }, "",
       "/firmware: expected the firmware image's file name"},
      {"unreachable clock", [](json& s) { s["device"]["mclk"] = "7MHz"; }, "", "/device/mclk"},
      {"bad --set", [](json&) {}, "--set supply.v_on=high", "/supply/v_on"},
      {"v_on not above v_off", [](json& s) { s["supply"]["v_on"] = "1.8V"; }, "", "/supply/v_on"},
      {"zero capacitance", [](json& s) { s["supply"]["capacitance"] = "0uF"; }, "",
       "/supply/capacitance"},
      {"negative duration", [](json& s) { s["run"]["duration"] = "-1s"; }, "", "/run/duration"},
      {"unknown top-level key", [](json& s) { s["capacitor"] = "47uF"; }, "", "/capacitor"},
      {"bad marker id",
       [](json& s) {
         s["progress"] = {{"commit_marker", "seventeen"}};
       },
       "", "/progress/commit_marker"},
  };
  for (const auto& c : cases) {
    json sc = square_scenario("power_adc");
    c.edit(sc);
    const RunOutput r = runtest::run_scenario(dir, sc, c.extra);
    INFO(c.what << "\n" << r.console);
    CHECK(r.status == 2);
    CHECK(r.console.find(c.expect) != std::string::npos);
    CHECK(r.console.find("scenario-in.json") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(r.dir));  // nothing half-written
  }
  // Not JSON at all, and a firmware file that is not an ELF.
  std::ofstream(dir + "/broken.json") << "{\"firmware\": ";
  const RunOutput broken = runtest::run_scenario_file(dir + "/broken.json", dir + "/o1");
  CHECK(broken.status == 2);
  CHECK(broken.console.find("broken.json: invalid JSON") != std::string::npos);
  std::ofstream(dir + "/fake.elf") << "not an elf";
  json sc = square_scenario("power_adc");
  sc["firmware"] = dir + "/fake.elf";
  const RunOutput fake = runtest::run_scenario(dir, sc);
  INFO(fake.console);
  CHECK(fake.status == 2);
  CHECK(fake.console.find("fake.elf") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(fake.dir));
}

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "sim/scenario/supply_scenario.h"
#include "tests/test_support.h"

using nlohmann::json;
using namespace ehsim;

namespace {

std::string temp_dir_with_trace() {
  const std::filesystem::path dir = ehsim_test::scratch_dir("supply_scenario");
  std::ofstream(dir / "sq.csv") << "time_s,current_mA\n0,1\n1,0\n";
  return dir.string();
}

json base() {
  return json::parse(R"({
    "harvester": {"type": "direct", "trace": {"file": "sq.csv"}},
    "supply": {"capacitance": "100uF", "v_on": "2V", "v_off": "1.8V"},
    "load": {"type": "constant", "current": "1mA"}
  })");
}

std::string error_of(const json& doc, const std::string& dir) {
  try {
    const SupplyScenario s = parse_supply_scenario(doc, dir);
    build_supply_core(s.harvester, s.params);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("supply scenario: a valid document parses into SI values", "[scenario]") {
  const std::string dir = temp_dir_with_trace();
  const SupplyScenario s = parse_supply_scenario(base(), dir);
  CHECK(s.params.capacitor.capacitance_F == Approx(100e-6));
  CHECK(s.params.thresholds.v_on_V == 2.0);
  CHECK(s.run.load.active_A == Approx(1e-3));
  auto core = build_supply_core(s.harvester, s.params);
  CHECK(core->trace().value_at(0.5) == Approx(1e-3));
}

TEST_CASE("supply scenario: errors name the JSON path", "[scenario]") {
  const std::string dir = temp_dir_with_trace();
  json d = base();
  d["supply"]["capacitanse"] = "1uF";
  CHECK(error_of(d, dir).find("/supply/capacitanse: unknown key") != std::string::npos);
  d = base();
  d["supply"]["capacitance"] = "100uV";
  CHECK(error_of(d, dir).find("/supply/capacitance") != std::string::npos);
  d = base();
  d["supply"]["v_on"] = "1.7V";
  CHECK(error_of(d, dir).find("/supply/v_on") != std::string::npos);
  d = base();
  d["harvester"]["trace"]["file"] = "missing.csv";
  CHECK(error_of(d, dir).find("/harvester/trace/file") != std::string::npos);
  d = base();
  d["harvester"]["type"] = "rf";  // an RF harvester cannot use a current trace
  CHECK(error_of(d, dir).find("/harvester/type") != std::string::npos);
  d = base();
  d["harvester"]["area"] = "1cm^2";
  CHECK(error_of(d, dir).find("/harvester/area") != std::string::npos);
  d = base();
  d["supply"]["converter"] = {{"type", "buck"}, {"output_voltage", "1.8V"}};
  CHECK(error_of(d, dir).find("/supply/converter/efficiency") != std::string::npos);
  CHECK(error_of(base(), dir).empty());
}

TEST_CASE("supply scenario: --set overrides and trace_dir lookup", "[scenario]") {
  const std::string dir = temp_dir_with_trace();
  json d = base();
  apply_override(d, "supply.capacitance=47uF");
  apply_override(d, "run.duration=2");
  CHECK(d["supply"]["capacitance"] == "47uF");
  CHECK(d["run"]["duration"] == 2);
  CHECK_THROWS_AS(apply_override(d, "supply.capacitance.x=1"), InputError);
  CHECK_THROWS_AS(apply_override(d, "novalue"), InputError);
  // A trace found through trace_dir rather than next to the scenario.
  json t = base();
  t["trace_dir"] = dir;
  const SupplyScenario s = parse_supply_scenario(t, "/nonexistent");
  CHECK(s.harvester.trace_path == (std::filesystem::path(dir) / "sq.csv").string());
}

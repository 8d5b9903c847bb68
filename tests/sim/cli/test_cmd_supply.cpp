// `ehsim supply` end to end through ehsim::cmd_supply (the ehsim executable's subcommand).
// SystemC elaborates once per process: CTest runs each test case in its own process; when this
// case runs after another SystemC case in one process it skips with a message.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <systemc>

#include "sim/cli/commands.h"
#include "tests/test_support.h"

namespace fs = std::filesystem;

namespace {

int run(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return ehsim::cmd_supply(static_cast<int>(argv.size()), argv.data());
}

std::vector<std::string> lines(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  std::string l;
  while (std::getline(in, l)) out.push_back(l);
  return out;
}

}  // namespace

TEST_CASE("ehsim supply: outputs, books and bad input", "[cli][systemc]") {
  if (sc_core::sc_get_status() != sc_core::SC_ELABORATION) {
    WARN("SKIPPED: SystemC already ran in this process; run this test case on its own");
    return;
  }
  const fs::path dir = ehsim_test::scratch_dir("cmd_supply");
  // 1 mA into 100 uF with a 4 mA load: on at C*2.0/1mA = 0.2 s, off after C*0.2/3mA.
  std::ofstream(dir / "i.csv") << "time_s,current_mA\n0,1\n";
  const nlohmann::json scenario = {
      {"harvester", {{"type", "direct"}, {"trace", "i.csv"}}},
      {"supply", {{"capacitance", "100uF"}, {"v_on", "2V"}, {"v_off", "1.8V"}}},
      {"load", {{"type", "constant"}, {"current", "4mA"}}},
      {"run", {{"duration", "1s"}, {"voltage_period", "10ms"}}}};
  std::ofstream(dir / "s.json") << scenario.dump(2);
  const std::string out = (dir / "out").string();

  CHECK(run({"supply", (dir / "s.json").string(), "--out", out, "--set",
             "supply.capacitanse=1uF"}) == 2);
  CHECK(!fs::exists(out));
  CHECK(run({"supply", (dir / "nope.json").string(), "--out", out}) == 2);

  REQUIRE(run({"supply", (dir / "s.json").string(), "--out", out}) == 0);
  const auto iv = lines(fs::path(out) / "intervals.csv");
  REQUIRE(iv.size() >= 3);
  CHECK(iv[0] == "on_s,off_s,duration_s");
  double on = 0, off = 0;
  char comma;
  std::istringstream(iv[1]) >> on >> comma >> off;
  CHECK(on == Approx(0.2).epsilon(1e-9));
  CHECK(off - on == Approx(100e-6 * 0.2 / 3e-3).epsilon(1e-9));
  nlohmann::json books;
  std::ifstream(fs::path(out) / "books.json") >> books;
  CHECK(books["balance_relative"].get<double>() < 1e-9);
  CHECK(books["harvested_J"].get<double>() > 0.0);
  const auto v = lines(fs::path(out) / "voltage.csv");
  CHECK(v[0] == "time_s,voltage_V,power_good");
  CHECK(v.size() == 1 + 100);             // samples at 0, 10 ms, ..., 990 ms
  CHECK(v[11].rfind("0.1,1,0", 0) == 0);  // 1 mA * 0.1 s / 100 uF = 1 V, still off
}

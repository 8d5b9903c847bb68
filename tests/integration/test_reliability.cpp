// Issue 17's reproductions, each a regression test: output safety (nothing ehsim did not write
// is deleted or overwritten; re-runs leave no stale files; a killed run leaves the previous
// output or none), and bad input (exit 2 naming the file and JSON path, never a crash, a hang,
// a NaN result or SystemC's "E549" with exit 1).
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "firmware_harness.h"
#include "run_harness.h"
#include "tests/test_support.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A fresh directory of its own for each test, outside the build tree.
struct TempDir : ehsim_test::TempDir {
  TempDir() : ehsim_test::TempDir("ehsim-reliability") {}
};

struct Result {
  int status = -1;
  std::string output;  // stdout + stderr
};

// Runs `ehsim ARGS` in directory `cwd`, bounded to 60 s (a hang fails the test, never blocks it).
Result ehsim(const fs::path& cwd, const std::string& args) {
  const std::string cmd = "cd " + fwtest::shell_quote(cwd.string()) + " && timeout -s KILL 60 " +
                          fwtest::shell_quote(EHSIM_EXECUTABLE) + " " + args;
  const fwtest::CommandResult c = fwtest::run_command(cmd);
  return {c.status, cmd + "\n" + c.output};
}

std::string slurp(const fs::path& p) {
  return runtest::read_file(p.string());
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

std::set<std::string> entries(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

// `ehsim supply` on the project's square trace into 47 uF with a 1 mA load, 2 s.
json supply_scenario() {
  return {{"harvester",
           {{"type", "direct"},
            {"trace", {{"file", std::string(EHSIM_SOURCE_DIR) + "/traces/square-2mW-1Hz.csv"}}}}},
          {"supply", {{"capacitance", "47uF"}, {"v_on", "2.4V"}, {"v_off", "1.8V"}}},
          {"load", {{"type", "constant"}, {"current", "1mA"}}},
          {"run", {{"duration", "2s"}, {"voltage_period", "10ms"}}}};
}

// Bad input: exit 2, the message names every `expected` fragment, and nothing reached SystemC's
// own error report.
void check_rejected(const Result& r, const std::vector<std::string>& expected) {
  INFO(r.output);
  CHECK(r.status == 2);
  for (const std::string& e : expected) CHECK(r.output.find(e) != std::string::npos);
  CHECK(r.output.find("E549") == std::string::npos);
  CHECK(r.output.find("nan") == std::string::npos);
}

}  // namespace

TEST_CASE("supply --out . refuses a working directory with user files and deletes nothing",
          "[reliability]") {
  TempDir t;
  write(t.path / "s.json", supply_scenario().dump(2));
  write(t.path / "precious.txt", "keep me");
  const auto before = entries(t.path);
  check_rejected(ehsim(t.path, "supply s.json --out ."), {"--out", "precious.txt"});
  CHECK(entries(t.path) == before);
  CHECK(slurp(t.path / "precious.txt") == "keep me");
  // --force replaces only ehsim's own outputs: a user's file still blocks it.
  check_rejected(ehsim(t.path, "supply s.json --out . --force"), {"precious.txt"});
  CHECK(entries(t.path) == before);
}

TEST_CASE("supply --out into a directory holding a user's file fails and keeps the file",
          "[reliability]") {
  TempDir t;
  write(t.path / "s.json", supply_scenario().dump(2));
  fs::create_directory(t.path / "keep2");
  write(t.path / "keep2" / "precious.txt", "keep me");
  check_rejected(ehsim(t.path, "supply s.json --out keep2"), {"keep2", "precious.txt"});
  CHECK(entries(t.path / "keep2") == std::set<std::string>{"precious.txt"});
  CHECK(slurp(t.path / "keep2" / "precious.txt") == "keep me");
}

TEST_CASE("supply --out naming a regular file fails and leaves the file as it was",
          "[reliability]") {
  TempDir t;
  write(t.path / "s.json", supply_scenario().dump(2));
  write(t.path / "afile", "data");
  check_rejected(ehsim(t.path, "supply s.json --out afile"), {"afile", "not a directory"});
  CHECK(fs::is_regular_file(t.path / "afile"));
  CHECK(slurp(t.path / "afile") == "data");
}

TEST_CASE("supply re-run into its own earlier output replaces it and leaves no temporary files",
          "[reliability]") {
  TempDir t;
  write(t.path / "s.json", supply_scenario().dump(2));
  REQUIRE(ehsim(t.path, "supply s.json --out o").status == 0);
  const std::string first = slurp(t.path / "o" / "books.json");
  REQUIRE(ehsim(t.path, "supply s.json --out o --set supply.capacitance=100uF").status == 0);
  const std::string second = slurp(t.path / "o" / "books.json");
  CHECK(first != second);
  CHECK(entries(t.path / "o") ==
        std::set<std::string>{".ehsim-output.json", "books.json", "intervals.csv", "voltage.csv"});
  // Nothing beside the output either (no <out>.tmp).
  CHECK(entries(t.path) == std::set<std::string>{"o", "s.json"});
  // An output of another command is replaced only with --force.
  const json run_sc = runtest::square_scenario("power_patterns");
  write(t.path / "r.json", run_sc.dump(2));
  check_rejected(ehsim(t.path, "run r.json --no-progress --out o"), {"ehsim supply", "--force"});
  CHECK(slurp(t.path / "o" / "books.json") == second);
  const Result forced = ehsim(t.path, "run r.json --no-progress --out o --force");
  INFO(forced.output);
  REQUIRE(forced.status == 0);
  CHECK(!fs::exists(t.path / "o" / "books.json"));
  CHECK(fs::exists(t.path / "o" / "summary.json"));
}

TEST_CASE(
    "run re-run into its own earlier output keeps no stale file (trace.vcd of an earlier "
    "--vcd run)",
    "[reliability]") {
  TempDir t;
  json sc = runtest::square_scenario("power_patterns");
  sc["run"]["duration"] = "1s";
  write(t.path / "r.json", sc.dump(2));
  const Result with_vcd = ehsim(t.path, "run r.json --no-progress --out o --vcd");
  INFO(with_vcd.output);
  REQUIRE(with_vcd.status == 0);
  CHECK(fs::exists(t.path / "o" / "trace.vcd"));
  // SystemC's W713 (time not representable in VCD units) must not flood the terminal.
  CHECK(with_vcd.output.find("W713") == std::string::npos);
  REQUIRE(ehsim(t.path, "run r.json --no-progress --out o").status == 0);
  CHECK(!fs::exists(t.path / "o" / "trace.vcd"));
  for (const char* f : {"summary.json", "events.jsonl", "scenario.json", "report.html"}) {
    CHECK(fs::exists(t.path / "o" / f));
  }
}

TEST_CASE("a killed supply run leaves the previous complete output and no staging directory",
          "[reliability]") {
  TempDir t;
  json sc = supply_scenario();
  write(t.path / "s.json", sc.dump(2));
  REQUIRE(ehsim(t.path, "supply s.json --out o").status == 0);
  const std::string books = slurp(t.path / "o" / "books.json");
  // A run long enough to be caught while it writes: the test waits for its staging directory,
  // an event it observes, not for a wall-clock delay.
  sc["run"]["duration"] = "30d";
  sc["run"]["voltage_period"] = "1s";
  write(t.path / "long.json", sc.dump(2));
  for (int sig : {SIGTERM, SIGKILL}) {
    const pid_t pid = fork();
    if (pid == 0) {
      if (chdir(t.path.c_str()) != 0) _exit(126);
      execl(EHSIM_EXECUTABLE, "ehsim", "supply", "long.json", "--out", "o",
            static_cast<char*>(nullptr));
      _exit(127);
    }
    REQUIRE(pid > 0);
    bool staging = false;
    for (int i = 0; i < 6000 && !staging; ++i) {  // at most 60 s
      for (const auto& name : entries(t.path / "o")) {
        if (name.rfind(".ehsim-staging-", 0) == 0) staging = true;
      }
      if (!staging) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill(pid, sig);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status));
    CHECK(staging);
    CHECK(slurp(t.path / "o" / "books.json") == books);
    if (sig == SIGTERM) {
      CHECK(entries(t.path / "o") == std::set<std::string>{".ehsim-output.json", "books.json",
                                                           "intervals.csv", "voltage.csv"});
    }
  }
  // The staging directory a SIGKILL left is ehsim's: the next run removes it.
  REQUIRE(ehsim(t.path, "supply s.json --out o").status == 0);
  CHECK(entries(t.path / "o") ==
        std::set<std::string>{".ehsim-output.json", "books.json", "intervals.csv", "voltage.csv"});
}

TEST_CASE("a scenario whose top level is not an object is rejected, with or without --set",
          "[reliability]") {
  TempDir t;
  write(t.path / "x.json", "\"abc\"");
  check_rejected(ehsim(t.path, "run x.json --set seed=1"), {"x.json", "top level"});
  check_rejected(ehsim(t.path, "supply x.json --set seed=1 --out o"), {"x.json", "top level"});
  check_rejected(ehsim(t.path, "run x.json"), {"x.json", "top level"});
  CHECK(!fs::exists(t.path / "o"));
}

TEST_CASE("directories and devices given as scenario, firmware or trace are rejected with exit 2",
          "[reliability]") {
  TempDir t;
  fs::create_directory(t.path / "d");
  check_rejected(ehsim(t.path, "run d"), {"d", "not a regular file", "directory"});
  check_rejected(ehsim(t.path, "run /dev/zero"), {"/dev/zero", "not a regular file"});
  check_rejected(ehsim(t.path, "exec d"), {"d", "not a regular file"});
  json sc = runtest::square_scenario("power_patterns");
  sc["firmware"] = (t.path / "d").string();
  write(t.path / "fw-dir.json", sc.dump(2));
  check_rejected(ehsim(t.path, "run fw-dir.json"), {"fw-dir.json", "/firmware", "directory"});
  sc["firmware"] = "/dev/zero";
  write(t.path / "fw-dev.json", sc.dump(2));
  check_rejected(ehsim(t.path, "run fw-dev.json"), {"/firmware", "not a regular file"});
  json s = supply_scenario();
  s["harvester"]["trace"]["file"] = (t.path / "d").string();
  write(t.path / "tr-dir.json", s.dump(2));
  check_rejected(ehsim(t.path, "supply tr-dir.json --out o"), {"/harvester/trace/file"});
  s["harvester"]["trace"]["file"] = "/dev/zero";
  write(t.path / "tr-dev.json", s.dump(2));
  check_rejected(ehsim(t.path, "supply tr-dev.json --out o"), {"/harvester/trace/file"});
  CHECK(!fs::exists(t.path / "o"));
}

TEST_CASE("numbers that overflow a double are rejected, in the file and in --set",
          "[reliability]") {
  TempDir t;
  std::string text = supply_scenario().dump(2);
  text.replace(text.find("\"47uF\""), 6, "1e400");
  write(t.path / "big.json", text);
  check_rejected(ehsim(t.path, "supply big.json --out o"), {"big.json", "invalid JSON"});
  write(t.path / "s.json", supply_scenario().dump(2));
  check_rejected(ehsim(t.path, "supply s.json --out o --set supply.esr=1e400"),
                 {"s.json", "/supply/esr"});
}

TEST_CASE("huge, tiny and out-of-spec values are rejected with the JSON path and the limit",
          "[reliability]") {
  TempDir t;
  write(t.path / "s.json", supply_scenario().dump(2));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"harvester.trace.value_scale=1e308", "/harvester/trace/value_scale"},
      {"supply.capacitance=1e-320F", "/supply/capacitance"},
      {"supply.capacitance=1e-300F", "/supply/capacitance"},
      {"supply.capacitance=1e308F", "/supply/capacitance"},
      {"load.current=1e12", "/load/current"},
      {"supply.esr=1e20", "/supply/esr"},
      {"run.voltage_period=1e-323", "/run/voltage_period"},
      {"run.duration=0s", "/run/duration"},
      {"supply.v_off=0.5V", "/supply/v_off"},
      {"supply.v_on=5V", "/supply/v_on"},
      {"supply.capacitance=100", "/supply/capacitance"},
      {"supply.capacitance=47e-6", "/supply/capacitance"},
      {"description={\"a\":1}", "/description"},
  };
  for (const auto& [set, path] : cases) {
    check_rejected(ehsim(t.path, "supply s.json --out o --set '" + set + "'"), {"s.json", path});
  }
  check_rejected(ehsim(t.path, "supply s.json --out o --set supply.capacitance=100"),
                 {"100uF", "100F"});
  json looped = supply_scenario();
  looped["harvester"]["trace"]["loop"] = true;
  write(t.path / "loop.json", looped.dump(2));
  // The last one is within each range, but the 59.5 s trace at 1e-6 times its speed would repeat
  // 1.7e7 times in 1000 s.
  for (const auto& set : {"harvester.trace.start_offset=1e308", "harvester.trace.time_scale=1e-300",
                          "harvester.trace.time_scale=1e-6 --set run.duration=1000s"}) {
    check_rejected(ehsim(t.path, std::string("supply loop.json --out o --set "
                                             "run.voltage_period=0 --set ") +
                                     set),
                   {"loop.json", "/harvester/trace"});
  }
  json duty = supply_scenario();
  duty["load"] = {{"type", "duty_cycle"}, {"current", "1mA"}, {"period", "1e-323"}};
  write(t.path / "duty.json", duty.dump(2));
  check_rejected(ehsim(t.path, "supply duty.json --out o"), {"/load/period"});
  // 1e7 rows of voltage.csv is the default limit; 1e5 s every 1 ms is 1e8.
  check_rejected(ehsim(t.path,
                       "supply s.json --out o --set run.duration=1e5s "
                       "--set run.voltage_period=1ms"),
                 {"/run/voltage_period", "/run/max_output_rows"});
  CHECK(!fs::exists(t.path / "o"));
  // Outside the datasheet's supply range only where the scenario says so.
  const Result allowed = ehsim(
      t.path, "supply s.json --out o --set supply.v_off=1.0V --set device.allow_out_of_spec=true");
  INFO(allowed.output);
  CHECK(allowed.status == 0);
}

TEST_CASE("a scenario nested deeper than the limit is rejected before anything is written",
          "[reliability]") {
  TempDir t;
  json s = supply_scenario();
  std::string deep = "1";
  for (int i = 0; i < 10000; ++i) deep = "[" + deep + "]";
  std::string text = s.dump();
  text.insert(text.size() - 1, ",\"name\":" + deep);
  write(t.path / "deep.json", text);
  check_rejected(ehsim(t.path, "supply deep.json --out o"), {"deep.json", "nested deeper"});
  CHECK(!fs::exists(t.path / "o"));
}

TEST_CASE("sweep refuses a misspelt --param key or a bad value before any point runs",
          "[reliability]") {
  TempDir t;
  const json sc = runtest::square_scenario("power_patterns");
  write(t.path / "r.json", sc.dump(2));
  check_rejected(ehsim(t.path, "sweep r.json --param supply.capacitanse=10uF,47uF --out sw"),
                 {"supply.capacitanse", "unknown key"});
  CHECK(!fs::exists(t.path / "sw"));
  check_rejected(ehsim(t.path, "sweep r.json --param supply.capacitance=10uF,47 --out sw"),
                 {"/supply/capacitance", "47"});
  CHECK(!fs::exists(t.path / "sw"));
  // A sweep directory is the sweep's own: a directory with other files is refused.
  fs::create_directory(t.path / "sw");
  write(t.path / "sw" / "notes.txt", "mine");
  check_rejected(ehsim(t.path, "sweep r.json --param supply.capacitance=10uF,47uF --out sw"),
                 {"notes.txt"});
  CHECK(entries(t.path / "sw") == std::set<std::string>{"notes.txt"});
}

TEST_CASE("exec --load of an endless device or a directory is refused with exit 2",
          "[reliability]") {
  TempDir t;
  const std::string fw = fwtest::shell_quote(fwtest::firmware_path("sort"));
  check_rejected(ehsim(t.path, "exec " + fw + " --load /dev/zero@0x1c00"),
                 {"--load", "/dev/zero", "more than"});
  check_rejected(ehsim(t.path, "exec " + fw + " --load " + t.path.string() + "@0x1c00"),
                 {"--load", "cannot read"});
}

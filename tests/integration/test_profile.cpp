// `--profile` (docs/profile.md) against independent truth: a hand-counted assembly fixture whose
// per-function instructions, cycles and calls come from its source and the user guide's cycle
// tables, its DWARF lines from the source's tags; on an intermittent supply, the run's own
// summary.json (instructions, active cycles, MCU energy, cycles lost to re-execution).
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "firmware_harness.h"
#include "mcu_model/elf/firmware_image.h"
#include "mcu_model/power/current_model.h"
#include "run_harness.h"
#include "sim/run/firmware_symbols.h"

namespace fs = std::filesystem;
namespace mcu = ehsim::mcu;
using nlohmann::json;

namespace {

const std::string kFixture = std::string(EHSIM_FIRMWARE_DIR) + "/profile/profile_calls.elf";
const std::string kFixtureSource =
    std::string(EHSIM_SOURCE_DIR) + "/tests/firmware/profile/profile_calls.S";

// The source line tagged "@entry NAME" (1-based), the independent truth of DWARF's entry line.
int entry_line(const std::string& name) {
  std::ifstream in(kFixtureSource);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.find("@entry " + name + ":") != std::string::npos ||
        line.find("@entry " + name + " ") != std::string::npos) {
      return n;
    }
  }
  FAIL("no @entry tag for " << name);
  return 0;
}

fwtest::CommandResult exec_profile(const std::string& dir, const std::string& extra = "") {
  return fwtest::run_command(fwtest::shell_quote(EHSIM_EXECUTABLE) + " exec " +
                             fwtest::shell_quote(kFixture) + " --json --profile " +
                             fwtest::shell_quote(dir) + extra);
}

std::map<std::string, json> by_name(const json& profile) {
  std::map<std::string, json> m;
  for (const json& f : profile.at("functions")) m[f.at("function").get<std::string>()] = f;
  return m;
}

uint64_t folded_sum(const std::string& text) {
  uint64_t sum = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) sum += std::stoull(line.substr(line.rfind(' ')));
  return sum;
}

}  // namespace

TEST_CASE("exec --profile counts the hand-counted fixture per function", "[profile]") {
  const std::string dir = runtest::scratch_dir("profile_exec") + "/prof";
  const fwtest::CommandResult c = exec_profile(dir);
  INFO(c.output);
  REQUIRE(c.status == 0);
  const json exec = json::parse(c.output);
  const json profile = json::parse(runtest::read_file(dir + "/profile.json"));
  CHECK(profile["schema"] == "ehsim-profile-1");
  CHECK(profile["firmware"] == kFixture);

  // Hand counts (profile_calls.S's header): instructions, cycles, calls.
  struct Expect {
    uint64_t instructions, cycles, calls;
  };
  const std::map<std::string, Expect> expect = {
      {"_reset", {4, 13, 0}}, {"main", {12, 31, 1}}, {"leaf", {12, 24, 4}}, {"middle", {3, 12, 1}}};
  const auto functions = by_name(profile);
  REQUIRE(functions.size() == expect.size());  // nothing else ran: no pseudo-functions
  for (const auto& [name, e] : expect) {
    INFO(name);
    const json& f = functions.at(name);
    CHECK(f["instructions"] == e.instructions);
    CHECK(f["cycles"] == e.cycles);
    CHECK(f["calls"] == e.calls);
    CHECK(f["reexecuted_cycles"] == 0);  // continuous power: nothing is lost
    CHECK(f["file"] == "profile_calls.S");
    CHECK(f["line"] == entry_line(name));
    CHECK(f["energy_J"].get<double>() > 0);
  }
  // Sorted by cycles, descending.
  const json& list = profile["functions"];
  CHECK(list[0]["function"] == "main");
  CHECK(list[1]["function"] == "leaf");
  CHECK(list[2]["function"] == "_reset");
  CHECK(list[3]["function"] == "middle");

  // Totals: the hand counts, and exec's own report of the same run.
  const json& t = profile["totals"];
  CHECK(t["instructions"] == 31);
  CHECK(t["cycles"] == 80);
  CHECK(exec["instructions"] == t["instructions"]);
  // exec's cycles also count the power-on reset's 4 cycles before the first instruction
  // (mcu.cpp kResetCycles), which belong to no function.
  CHECK(exec["cycles"] == t["cycles"].get<uint64_t>() + 4);
  CHECK(t["reexecuted_cycles"] == 0);
  uint64_t misses = 0;
  for (const json& f : list) misses += f["fram_cache_misses"].get<uint64_t>();
  CHECK(t["fram_cache_misses"] == misses);
  // The code spans several 8-byte FRAM cache lines, each executed, so each missed at least once.
  const fwtest::Symbol first = fwtest::elf_symbol(kFixture, "_reset");
  const fwtest::Symbol last = fwtest::elf_symbol(kFixture, "middle");
  const unsigned lines = ((last.address + last.size - 1u) >> 3) - (first.address >> 3) + 1u;
  CHECK(lines >= 6);
  CHECK(misses >= lines);

  // Energy on continuous power: the current model's active current at 1 MHz and 3.0 V, between
  // the datasheet's all-hit and no-hit rows, times the 80 cycles.
  using mcu::power::CurrentModel;
  const double lo = CurrentModel::active_fram_current_A(1e6, 1.0) * 80e-6 * 3.0;
  const double hi = CurrentModel::active_fram_current_A(1e6, 0.0) * 80e-6 * 3.0;
  CHECK(t["energy_J"].get<double>() >= lo * (1 - 1e-12));
  CHECK(t["energy_J"].get<double>() <= hi * (1 + 1e-12));

  // Folded stacks: the call paths of the source, cycles per path.
  const std::string folded = runtest::read_file(dir + "/profile.folded");
  CHECK(folded ==
        "_reset 13\n"
        "_reset;main 31\n"
        "_reset;main;leaf 18\n"
        "_reset;main;middle 12\n"
        "_reset;main;middle;leaf 6\n");
  CHECK(folded_sum(folded) == 80);
}

TEST_CASE("exec --profile counts every wait state and leaves the run alone", "[profile]") {
  // recursion.c: recursive calls of a function to itself (which the CPU's fast loop, running on
  // inside one function, must still stop at). At 16 MHz FRAM has a wait state, so misses of
  // opcode fetches add cycles too; the profile must still add up to exec's own cycles.
  const std::string elf = fwtest::firmware_path("recursion");
  const std::string base = runtest::scratch_dir("profile_wait_states");
  const auto exec = [&elf](const std::string& extra) {
    const fwtest::CommandResult c =
        fwtest::run_command(fwtest::shell_quote(EHSIM_EXECUTABLE) + " exec " +
                            fwtest::shell_quote(elf) + " --json" + extra);
    INFO(c.output);
    REQUIRE(c.status == 0);
    return json::parse(c.output);
  };
  const json plain = exec(" --mclk 16MHz");
  const json profiled = exec(" --mclk 16MHz --profile " + fwtest::shell_quote(base + "/16"));
  exec(" --profile " + fwtest::shell_quote(base + "/1"));
  CHECK(profiled["instructions"] == plain["instructions"]);
  CHECK(profiled["cycles"] == plain["cycles"]);
  const json profile = json::parse(runtest::read_file(base + "/16/profile.json"));
  const json& t = profile["totals"];
  CHECK(t["instructions"] == plain["instructions"]);
  CHECK(t["cycles"].get<uint64_t>() + 4 == plain["cycles"].get<uint64_t>());  // one reset
  CHECK(folded_sum(runtest::read_file(base + "/16/profile.folded")) == t["cycles"]);

  // The same program at 1 MHz (no wait states): the same calls and instructions per function,
  // fewer cycles.
  const auto at16 = by_name(profile);
  const auto at1 = by_name(json::parse(runtest::read_file(base + "/1/profile.json")));
  REQUIRE(at16.size() == at1.size());
  for (const auto& [name, f] : at1) {
    INFO(name);
    REQUIRE(at16.count(name));
    const json& g = at16.at(name);
    CHECK(g["calls"] == f["calls"]);
    CHECK(g["instructions"] == f["instructions"]);
    CHECK(g["cycles"].get<uint64_t>() >= f["cycles"].get<uint64_t>());
  }
  CHECK(at16.at("fib")["calls"].get<uint64_t>() > 100);
}

TEST_CASE("exec --profile is deterministic and keeps other files", "[profile]") {
  const std::string base = runtest::scratch_dir("profile_determinism");
  REQUIRE(exec_profile(base + "/a").status == 0);
  REQUIRE(exec_profile(base + "/b").status == 0);
  CHECK(runtest::read_file(base + "/a/profile.json") ==
        runtest::read_file(base + "/b/profile.json"));
  CHECK(runtest::read_file(base + "/a/profile.folded") ==
        runtest::read_file(base + "/b/profile.folded"));
  // Again into the same directory: its own earlier output is replaced.
  REQUIRE(exec_profile(base + "/a").status == 0);
  // A directory holding a file ehsim did not write is refused, the file untouched.
  fs::create_directories(base + "/mine");
  std::ofstream(base + "/mine/notes.txt") << "keep";
  const fwtest::CommandResult c = exec_profile(base + "/mine");
  CHECK(c.status == 2);
  CHECK(c.output.find("notes.txt") != std::string::npos);
  CHECK(runtest::read_file(base + "/mine/notes.txt") == "keep");
  CHECK_FALSE(fs::exists(base + "/mine/profile.json"));
}

TEST_CASE("PCs read function+0xOFF (file:line) with DWARF", "[profile]") {
  mcu::FirmwareImage image;
  std::string error;
  REQUIRE(mcu::read_firmware_file(kFixture, &image, &error));
  ehsim::FirmwareSymbols symbols(image, {});
  const uint32_t leaf = image.symbols.at("leaf").address;
  CHECK(symbols.symbolize(leaf + 2) == "leaf+0x2");  // no lines read yet
  symbols.read_lines(kFixture);
  const int line = entry_line("leaf");
  // `add r12, r13` is one word: the second add is the next line.
  CHECK(symbols.symbolize(leaf) == "leaf (profile_calls.S:" + std::to_string(line) + ")");
  CHECK(symbols.symbolize(leaf + 2) ==
        "leaf+0x2 (profile_calls.S:" + std::to_string(line + 1) + ")");
  // An ELF without DWARF (the project's C firmware builds without -g) keeps the bare form.
  mcu::FirmwareImage plain;
  REQUIRE(mcu::read_firmware_file(fwtest::firmware_path("recursion"), &plain, &error));
  ehsim::FirmwareSymbols plain_symbols(plain, {});
  plain_symbols.read_lines(fwtest::firmware_path("recursion"));
  CHECK(plain_symbols.lines().empty());
  CHECK(plain_symbols.symbolize(plain.symbols.at("main").address + 4) == "main+0x4");
}

TEST_CASE("run --profile on an intermittent supply adds up to the run's summary", "[profile]") {
  const std::string dir = runtest::scratch_dir("profile_run");
  // checksum_ckpt commits each chunk with marker 0x11 (freeml/firmware/apps/checksum_common.h);
  // the square trace's dark half-seconds make it fail.
  json sc = runtest::square_scenario("checksum_ckpt");
  sc["progress"] = {{"commit_marker", "0x11"}};
  sc["run"]["duration"] = "2s";
  const runtest::RunOutput r = runtest::run_scenario(dir, sc, "--profile");
  INFO(r.console);
  REQUIRE(r.status == 0);
  const json profile = json::parse(runtest::read_file(r.dir + "/profile.json"));
  const json& t = profile["totals"];
  const json& s = r.summary;
  REQUIRE(s["power"]["power_failures"].get<int>() > 0);

  CHECK(t["instructions"] == s["mcu"]["instructions"]);
  CHECK(t["cycles"] == s["mcu"]["active_cycles"]);
  const double mcu_J = s["energy"]["mcu_consumed_J"].get<double>();
  CHECK(std::abs(t["energy_J"].get<double>() - mcu_J) <= 1e-9 * mcu_J);
  double sum_J = 0;
  uint64_t sum_cycles = 0, sum_reexec = 0;
  for (const json& f : profile["functions"]) {
    sum_J += f["energy_J"].get<double>();
    sum_cycles += f["cycles"].get<uint64_t>();
    sum_reexec += f["reexecuted_cycles"].get<uint64_t>();
  }
  CHECK(std::abs(sum_J - mcu_J) <= 1e-9 * mcu_J);
  CHECK(sum_cycles == t["cycles"]);
  CHECK(sum_reexec == t["reexecuted_cycles"]);
  const auto functions = by_name(profile);
  REQUIRE(functions.count("[boot]"));
  CHECK(functions.at("[boot]")["energy_J"].get<double>() > 0);
  // Re-execution: work since the last commit marker was lost at every failure. The firmware
  // never sleeps, so the summary's cycles since the last commit (MCU cycles) are all executed.
  CHECK(t["reexecuted_cycles"].get<uint64_t>() > 0);
  CHECK(t["reexecuted_cycles"] == s["progress"]["cycles_lost_to_reexecution"]);

  CHECK(folded_sum(runtest::read_file(r.dir + "/profile.folded")) == t["cycles"]);
  const std::string html = runtest::read_file(r.dir + "/report.html");
  CHECK(html.find("<h2>Profile</h2>") != std::string::npos);
  CHECK(html.find("<svg class=\"flame\"") != std::string::npos);
  CHECK(html.find(profile["functions"][0]["function"].get<std::string>()) != std::string::npos);
}

TEST_CASE("without --profile a run writes no profile", "[profile]") {
  const std::string dir = runtest::scratch_dir("profile_off");
  json sc = runtest::square_scenario("checksum_ckpt");
  sc["run"]["duration"] = "0.7s";
  const runtest::RunOutput r = runtest::run_scenario(dir, sc);
  REQUIRE(r.status == 0);
  CHECK_FALSE(fs::exists(r.dir + "/profile.json"));
  CHECK_FALSE(fs::exists(r.dir + "/profile.folded"));
  CHECK(runtest::read_file(r.dir + "/report.html").find("<h2>Profile</h2>") == std::string::npos);
}

TEST_CASE("interrupts are calls of their handler, and sleep energy goes to [sleep]", "[profile]") {
  // power_timer_lpm3.c: main sleeps in LPM3; Timer_A0's ISR runs 20 times, the last one exits.
  const std::string elf = fwtest::firmware_path("power_timer_lpm3");
  const std::string base = runtest::scratch_dir("profile_interrupts");
  const fwtest::CommandResult c = fwtest::run_command(
      fwtest::shell_quote(EHSIM_EXECUTABLE) + " exec " + fwtest::shell_quote(elf) + " --profile " +
      fwtest::shell_quote(base + "/exec"));
  INFO(c.output);
  REQUIRE(c.status == 0);
  const json profile = json::parse(runtest::read_file(base + "/exec/profile.json"));
  const auto functions = by_name(profile);
  REQUIRE(functions.count("timer0_a0_isr"));
  const json& isr = functions.at("timer0_a0_isr");
  CHECK(isr["calls"] == 20);
  // At least the 20 entries (6 cycles each, SLAU367 Table 4-8) and 19 RETIs (5 each).
  CHECK(isr["cycles"].get<uint64_t>() >= 20 * 6 + 19 * 5);
  const std::string folded = runtest::read_file(base + "/exec/profile.folded");
  CHECK(folded.find("main;timer0_a0_isr ") != std::string::npos);
  CHECK(folded_sum(folded) == profile["totals"]["cycles"]);

  // On a supply, the time asleep is charged to [sleep]; everything adds up to the MCU's energy.
  json sc = runtest::square_scenario("power_timer_lpm3");
  const runtest::RunOutput r =
      runtest::run_scenario(runtest::scratch_dir("profile_interrupts_run"), sc, "--profile");
  INFO(r.console);
  REQUIRE(r.status == 0);
  const json run_profile = json::parse(runtest::read_file(r.dir + "/profile.json"));
  const auto run_functions = by_name(run_profile);
  REQUIRE(run_functions.count("[sleep]"));
  CHECK(run_functions.at("[sleep]")["energy_J"].get<double>() > 0);
  CHECK(run_functions.at("timer0_a0_isr")["calls"] == 20);
  const double mcu_J = r.summary["energy"]["mcu_consumed_J"].get<double>();
  CHECK(std::abs(run_profile["totals"]["energy_J"].get<double>() - mcu_J) <= 1e-9 * mcu_J);
  CHECK(run_profile["totals"]["cycles"] == r.summary["mcu"]["active_cycles"]);
}

// `ehsim compare` end to end: two real firmware builds (checksum_ckpt.elf, which commits its
// progress to FRAM, and checksum_restart.elf, which starts over after every power failure) on one
// scenario, compared by the executable; every change it reports is checked against the two
// summary.json files read here, and its --fail-if gates on both sides of the real changes. Also
// the exit status 2 for each kind of bad input, and that compare never touches a file it did not
// write.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "firmware_harness.h"
#include "run_harness.h"
#include "tests/sim/compare/compare_fixtures.h"
#include "tests/test_support.h"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

using fwtest::shell_quote;

fwtest::CommandResult compare(const std::string& args) {
  return fwtest::run_command(shell_quote(EHSIM_EXECUTABLE) + " compare " + args);
}

json read_json(const fs::path& p) {
  return json::parse(ehsim_test::read_text(p));
}

// The test's own walk of a summary: every number under its object path (arrays left out: their
// keying is compare's own rule, checked by the unit tests).
void numbers(const json& j, const std::string& prefix, std::map<std::string, json>* out) {
  if (j.is_number()) {
    (*out)[prefix] = j;
  } else if (j.is_object()) {
    for (const auto& [k, v] : j.items()) numbers(v, prefix.empty() ? k : prefix + "." + k, out);
  }
}

const json* figure(const json& compare_json, const std::string& path) {
  for (const json& f : compare_json["figures"]) {
    if (f["path"] == path) return &f;
  }
  return nullptr;
}

// A 3 s scenario on the square trace (2 mW for 0.5 s, nothing for 0.5 s) into 47 uF: both
// firmware builds lose power mid-work, so their progress figures differ.
std::string write_scenario(const std::string& dir) {
  json s = runtest::square_scenario("checksum_ckpt.elf");
  s["name"] = "compare-square";
  s["progress"] = {{"commit_marker", "0x11"}, {"done_marker", "0x13"}};
  s["outputs"] = {{"timeseries_period", "10ms"}};
  const std::string file = dir + "/scenario.json";
  std::ofstream(file) << s.dump(2);
  return file;
}

std::string g17(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

TEST_CASE(
    "compare: two firmware builds on one scenario, changes equal the summaries' "
    "differences",
    "[integration][compare]") {
  const std::string dir = ehsim_test::scratch_dir("fw");
  const std::string scenario = write_scenario(dir);
  const std::string out = dir + "/cmp";
  const auto r = compare("checksum_ckpt.elf checksum_restart.elf --scenario " +
                         shell_quote(scenario) + " --out " + shell_quote(out));
  INFO(r.output);
  REQUIRE(r.status == 0);
  std::set<std::string> entries;
  for (const auto& e : fs::directory_iterator(out)) entries.insert(e.path().filename().string());
  CHECK(entries ==
        std::set<std::string>{".ehsim-output.json", "a", "b", "compare.html", "compare.json"});
  const json sa = read_json(fs::path(out) / "a" / "summary.json");
  const json sb = read_json(fs::path(out) / "b" / "summary.json");
  CHECK(sa["scenario"]["firmware"] == "checksum_ckpt.elf");
  CHECK(sb["scenario"]["firmware"] == "checksum_restart.elf");
  const json cj = read_json(fs::path(out) / "compare.json");
  CHECK(cj["a"]["dir"] == out + "/a");
  CHECK(cj["b"]["firmware_given"] == "checksum_restart.elf");

  std::map<std::string, json> na, nb;
  numbers(sa, "", &na);
  numbers(sb, "", &nb);
  REQUIRE(na.size() > 40);
  size_t changed = 0;
  for (const auto& [path, a] : na) {
    INFO(path);
    const auto ib = nb.find(path);
    REQUIRE(ib != nb.end());
    const json& b = ib->second;
    const json* f = figure(cj, path);
    REQUIRE(f != nullptr);
    CHECK((*f)["a"] == a);
    CHECK((*f)["b"] == b);
    if (a.is_number_integer() && b.is_number_integer()) {
      const int64_t d = b.get<int64_t>() - a.get<int64_t>();
      CHECK((*f)["absolute"].get<int64_t>() == d);
      changed += d != 0;
    } else {
      const double d = b.get<double>() - a.get<double>();
      CHECK((*f)["absolute"].get<double>() == d);
      changed += d != 0;
    }
    const double av = a.get<double>(), bv = b.get<double>();
    if (av != 0) {
      CHECK((*f)["relative"].get<double>() == (bv - av) / std::fabs(av));
    } else if (bv == av) {
      CHECK((*f)["relative"] == 0.0);
    } else {
      CHECK((*f)["relative"] == (bv > 0 ? "+inf" : "-inf"));
    }
  }
  // The builds differ where they should: restart commits nothing and re-executes far more.
  CHECK(changed > 5);
  CHECK(sa["progress"]["commits"].get<int64_t>() > 0);
  CHECK(sb["progress"]["commits"] == 0);
  CHECK(sb["progress"]["cycles_lost_to_reexecution"].get<int64_t>() >
        sa["progress"]["cycles_lost_to_reexecution"].get<int64_t>());
  // The terminal table shows the same figure with both values.
  const std::string lost_a = sa["progress"]["cycles_lost_to_reexecution"].dump(),
                    lost_b = sb["progress"]["cycles_lost_to_reexecution"].dump();
  CHECK_THAT(r.output, Contains("progress.cycles_lost_to_reexecution"));
  CHECK_THAT(r.output, Contains(lost_a + "  ") && Contains(lost_b + "  "));
  CHECK_THAT(r.output, Contains("compare.json and compare.html in " + out));
  const std::string html = ehsim_test::read_text(fs::path(out) / "compare.html");
  CHECK_THAT(html, Contains("data-key=\"progress.cycles_lost_to_reexecution\""));

  SECTION("the same inputs give byte-identical compare.json and compare.html") {
    const std::string json1 = ehsim_test::read_text(fs::path(out) / "compare.json");
    const auto again = compare("checksum_ckpt.elf checksum_restart.elf --scenario " +
                               shell_quote(scenario) + " --out " + shell_quote(out));
    REQUIRE(again.status == 0);
    CHECK(ehsim_test::read_text(fs::path(out) / "compare.json") == json1);
    CHECK(ehsim_test::read_text(fs::path(out) / "compare.html") == html);
    // Comparing the run directories directly, twice, into two directories.
    for (const char* name : {"d1", "d2"}) {
      const auto d = compare(shell_quote(out + "/a") + " " + shell_quote(out + "/b") + " --out " +
                             shell_quote(dir + "/" + name));
      REQUIRE(d.status == 0);
    }
    CHECK(ehsim_test::read_text(dir + "/d1/compare.json") ==
          ehsim_test::read_text(dir + "/d2/compare.json"));
    CHECK(ehsim_test::read_text(dir + "/d1/compare.html") ==
          ehsim_test::read_text(dir + "/d2/compare.html"));
  }

  SECTION("--fail-if gates on both sides of the real changes") {
    const std::string runs = shell_quote(out + "/a") + " " + shell_quote(out + "/b");
    const double la = sa["progress"]["cycles_lost_to_reexecution"].get<double>(),
                 lb = sb["progress"]["cycles_lost_to_reexecution"].get<double>();
    const double percent = (lb - la) / la * 100;
    const std::string below =
        "progress.cycles_lost_to_reexecution > +" + g17(percent * 0.999) + "%";
    const std::string above =
        "progress.cycles_lost_to_reexecution > +" + g17(percent * 1.001) + "%";
    auto hit = compare(runs + " --out " + shell_quote(dir + "/g1") + " --fail-if " +
                       shell_quote(below) + " --fail-if " + shell_quote(above));
    INFO(hit.output);
    CHECK(hit.status == 1);
    CHECK_THAT(hit.output,
               Contains("ehsim compare: 1 of 2 --fail-if thresholds hit:\n  " + below + "\n"));
    CHECK(hit.output.find("hit:\n  " + below + "\n  " + above) == std::string::npos);
    CHECK(read_json(dir + "/g1/compare.json")["result"] == "fail");
    auto pass =
        compare(runs + " --out " + shell_quote(dir + "/g2") + " --fail-if " + shell_quote(above));
    CHECK(pass.status == 0);
    CHECK(read_json(dir + "/g2/compare.json")["result"] == "pass");
    // Absolute: the commits fell by exactly A's count.
    const std::string commits = sa["progress"]["commits"].dump();
    CHECK(compare(runs + " --out " + shell_quote(dir + "/g3") + " --fail-if " +
                  shell_quote("progress.commits <= -" + commits))
              .status == 1);
    CHECK(compare(runs + " --out " + shell_quote(dir + "/g3") + " --fail-if " +
                  shell_quote("progress.commits < -" + commits))
              .status == 0);
  }
}

TEST_CASE("compare: per-function figures of hand-written profiles gate through the CLI",
          "[integration][compare]") {
  const std::string dir = comparetest::write_runs("runs", true);
  const std::string runs = shell_quote(dir + "/a") + " " + shell_quote(dir + "/b");
  // f: 1000 -> 1250 cycles (+25 %); main: 2000 -> 1500 (-25 %).
  auto r = compare(runs + " --out " + shell_quote(dir + "/c") +
                   " --fail-if 'function.f.cycles > +20%' --fail-if 'function.main.cycles > +0%'");
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Contains("thresholds hit:\n  function.f.cycles > +20%\n"));
  CHECK_THAT(r.output, Contains("functions (profile.json): 2 in both runs, 1 added, 1 removed"));
  const json cj = read_json(dir + "/c/compare.json");
  CHECK((*figure(cj, "function.f.cycles"))["absolute"] == 250);
  CHECK((*figure(cj, "function.main.energy_J"))["relative"] == 0.5);
  r = compare(runs + " --out " + shell_quote(dir + "/c") +
              " --fail-if 'function.f.cycles > +25%' --fail-if 'function.main.cycles < -26%'");
  CHECK(r.status == 0);
}

TEST_CASE("compare: bad input exits 2 naming the argument, file or JSON path",
          "[integration][compare]") {
  const std::string dir = comparetest::write_runs("runs", false);
  const std::string a = shell_quote(dir + "/a"), b = shell_quote(dir + "/b");
  const std::string out = dir + "/out";
  const auto expect_2 = [&](const std::string& args, const std::string& message) {
    const auto r = compare(args);
    INFO(args << "\n" << r.output);
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Contains(message));
    CHECK(!fs::exists(out));  // bad input leaves no output behind
  };
  const std::string to_out = " --out " + shell_quote(out);
  expect_2(a + " " + shell_quote(dir + "/nope") + to_out, dir + "/nope: no such run directory");
  fs::create_directories(dir + "/empty");
  expect_2(a + " " + shell_quote(dir + "/empty") + to_out,
           dir + "/empty: not a run directory (no summary.json");
  expect_2(a + to_out,
           "expected A and B: two run directories, or two firmware files with "
           "--scenario S.json (got 1)");
  expect_2(a + " " + b + to_out + " --fail-if 'energy.mcu_consumed > +5%'",
           "energy.mcu_consumed names no figure of the two runs; the valid names:\n  "
           "schema_version\n");
  expect_2(a + " " + b + to_out + " --fail-if 'energy.mcu_consumed_J > +5%'" +
               " --fail-if 'function.main.cycles > 0'",
           "function.main.cycles is a per-function figure, and there are none");
  expect_2(a + " " + b + to_out + " --fail-if 'energy.mcu_consumed_J >> 5%'",
           "--fail-if 'energy.mcu_consumed_J >> 5%': '> 5' is not a number or percentage");
  expect_2(a + " " + b + to_out + " --fail-if 'energy.mcu_consumed_J ~ 5%'",
           "no comparison operator");
  expect_2(shell_quote(dir + "/a/summary.json") + " " + b + to_out,
           "a/summary.json: a file; two firmware files need --scenario S.json");
  expect_2(a + " " + b + to_out + " --set supply.capacitance=1uF", "--set needs --scenario");
  expect_2(a + " " + b + to_out + " --bogus", "unrecognised option '--bogus'");
  json s = comparetest::summary_b();
  s["schema_version"] = 99;
  comparetest::write_json(dir + "/b/summary.json", s);
  expect_2(a + " " + b + to_out, dir + "/b/summary.json /schema_version: expected 1");
  std::ofstream(dir + "/b/summary.json") << "{";
  expect_2(a + " " + b + to_out, dir + "/b/summary.json: not valid JSON");
  comparetest::write_json(dir + "/b/summary.json", comparetest::summary_b());

  // Firmware mode: checked as `ehsim run` checks it, before anything runs.
  const std::string scenario = write_scenario(dir);
  expect_2("checksum_ckpt.elf no_such.elf --scenario " + shell_quote(scenario) + to_out,
           "/firmware: ");
  expect_2("checksum_ckpt.elf checksum_restart.elf --scenario " + shell_quote(scenario) + to_out +
               " --set firmware=hello.elf",
           "--set firmware=hello.elf: A and B are the firmware");
  expect_2(a + " " + b + " --scenario " + shell_quote(scenario) + to_out,
           dir + "/a: a directory; with --scenario, A and B are firmware files");
  expect_2("checksum_ckpt.elf checksum_restart.elf --scenario " + shell_quote(scenario) + to_out +
               " --set supply.capacitance=zero",
           "/supply/capacitance: zero has no unit");
}

TEST_CASE("compare: with --scenario, a --fail-if path found unknown after the runs keeps them",
          "[integration][compare]") {
  const std::string dir = ehsim_test::scratch_dir("unknown");
  const std::string scenario = write_scenario(dir);
  const auto r =
      compare("checksum_ckpt.elf checksum_restart.elf --scenario " + shell_quote(scenario) +
              " --out " + shell_quote(dir + "/cmp") + " --fail-if 'progress.cycles_lost > +5%'");
  INFO(r.output);
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Contains("progress.cycles_lost names no figure of the two runs; the valid "
                                "names:") &&
                           Contains("\n  progress.cycles_lost_to_reexecution\n") &&
                           Contains("(the runs are in " + dir + "/cmp)"));
  CHECK(fs::exists(dir + "/cmp/a/summary.json"));
  CHECK(fs::exists(dir + "/cmp/b/summary.json"));
  const json cj = read_json(dir + "/cmp/compare.json");
  CHECK(cj["thresholds"].empty());
  CHECK(cj["result"] == "error");
  CHECK_THAT(cj["error"].get<std::string>(), Contains("progress.cycles_lost names no figure"));
}

TEST_CASE("compare: never writes into a directory holding files it did not write",
          "[integration][compare]") {
  const std::string dir = comparetest::write_runs("runs", false);
  const std::string runs = shell_quote(dir + "/a") + " " + shell_quote(dir + "/b");
  fs::create_directories(dir + "/mine");
  std::ofstream(dir + "/mine/compare.json") << "my own notes\n";
  const auto r = compare(runs + " --out " + shell_quote(dir + "/mine"));
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Contains("holds \"compare.json\", which ehsim did not write"));
  CHECK(ehsim_test::read_text(dir + "/mine/compare.json") == "my own notes\n");
  // Nor into a run directory (these hand-written ones have no manifest: all foreign files).
  const auto into_run = compare(runs + " --out " + shell_quote(dir + "/a"));
  CHECK(into_run.status == 2);
  CHECK(fs::exists(dir + "/a/summary.json"));
}

TEST_CASE("compare: --profile runs both firmware builds with --profile and compares functions",
          "[integration][compare]") {
  const std::string dir = ehsim_test::scratch_dir("profile");
  const std::string scenario = write_scenario(dir);
  const auto r = compare("checksum_ckpt.elf checksum_restart.elf --profile --scenario " +
                         shell_quote(scenario) + " --out " + shell_quote(dir + "/cmp"));
  INFO(r.output);
  REQUIRE(r.status == 0);
  const json pa = read_json(dir + "/cmp/a/profile.json"),
             pb = read_json(dir + "/cmp/b/profile.json");
  const json cj = read_json(dir + "/cmp/compare.json");
  CHECK(cj["profile_note"].is_null());
  CHECK(!cj["functions"].empty());
  // main's cycle change equals the difference of the two profiles read independently.
  auto cycles_of = [](const json& profile, const std::string& name) {
    for (const auto& f : profile["functions"]) {
      if (f["function"] == name) return f["cycles"].get<double>();
    }
    return -1.0;
  };
  const json* main_cycles = figure(cj, "function.main.cycles");
  REQUIRE(main_cycles != nullptr);
  REQUIRE(cycles_of(pa, "main") >= 0);
  REQUIRE(cycles_of(pb, "main") >= 0);
  CHECK((*main_cycles)["absolute"].get<double>() == cycles_of(pb, "main") - cycles_of(pa, "main"));
}

// README "Comparing firmware builds": the command between the compare-gate markers, as written,
// from a directory that holds the repository's scenarios and traces (links), with build/sim/ehsim
// being the built ehsim. Its gates are hit with the figures the README quotes; with A and B
// swapped they pass.
TEST_CASE("compare: README's CI gate command blocks the change and passes it reversed",
          "[integration][compare]") {
  const std::string readme = ehsim_test::read_text(fs::path(EHSIM_SOURCE_DIR) / "README.md");
  const std::string begin = "<!-- compare-gate:begin -->", end = "<!-- compare-gate:end -->";
  const size_t b = readme.find(begin), e = readme.find(end);
  REQUIRE(b != std::string::npos);
  REQUIRE(e > b);
  const std::string section = readme.substr(b + begin.size(), e - b - begin.size());
  const size_t open = section.find("```sh\n"), close = section.rfind("```");
  REQUIRE(open != std::string::npos);
  REQUIRE(close > open);
  std::string command = section.substr(open + 6, close - open - 6);
  while (!command.empty() && command.back() == '\n') command.pop_back();  // run_command appends
  INFO("README command:\n" << command);
  const std::string exe_text = "build/sim/ehsim ";
  const size_t at = command.find(exe_text);
  REQUIRE(at != std::string::npos);
  command.replace(at, exe_text.size(), shell_quote(EHSIM_EXECUTABLE) + " ");

  const fs::path dir = ehsim_test::scratch_dir("readme");
  fs::create_directory_symlink(fs::path(EHSIM_SOURCE_DIR) / "scenarios", dir / "scenarios");
  fs::create_directory_symlink(fs::path(EHSIM_SOURCE_DIR) / "traces", dir / "traces");
  const auto run_in_dir = [&](const std::string& cmd) {
    return fwtest::run_command("cd " + shell_quote(dir.string()) + " && " + cmd);
  };
  const auto blocked = run_in_dir(command);
  INFO(blocked.output);
  CHECK(blocked.status == 1);
  CHECK_THAT(blocked.output, Contains("ehsim compare: 2 of 2 --fail-if thresholds hit:"));
  CHECK_THAT(blocked.output, Contains("HIT  energy.mcu_consumed_J > +5%  (+147%)"));
  CHECK_THAT(blocked.output, Contains("HIT  progress.work_units_per_hour < -5%  (-35%)"));
  CHECK(read_json(dir / "out" / "gate" / "compare.json")["result"] == "fail");
  CHECK(fs::exists(dir / "out" / "gate" / "compare.html"));

  const std::string pair = "checksum_ckpt.elf checksum_restart.elf";
  const size_t p = command.find(pair);
  REQUIRE(p != std::string::npos);
  command.replace(p, pair.size(), "checksum_restart.elf checksum_ckpt.elf");
  const auto passed = run_in_dir(command);
  INFO(passed.output);
  CHECK(passed.status == 0);
  CHECK(read_json(dir / "out" / "gate" / "compare.json")["result"] == "pass");
}

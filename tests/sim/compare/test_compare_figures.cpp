// The figures compare reads from a run directory and the changes it computes, against changes
// computed by hand from the fixtures (compare_fixtures.h).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <functional>

#include "sim/compare/comparison.h"
#include "sim/compare/run_figures.h"
#include "sim/scenario/units.h"
#include "tests/sim/compare/compare_fixtures.h"

using namespace ehsim::compare;
using comparetest::ordered_json;
namespace fs = std::filesystem;

namespace {

Comparison fixture_comparison(bool profiles) {
  const std::string dir = comparetest::write_runs("runs", profiles);
  return compare_runs(load_run_figures(dir + "/a"), load_run_figures(dir + "/b"));
}

const FigureChange& change(const Comparison& cmp, const std::string& path) {
  const FigureChange* c = cmp.find(path);
  INFO(path);
  REQUIRE(c != nullptr);
  return *c;
}

}  // namespace

TEST_CASE("compare: summary.json flattens to dotted paths of its numbers and nulls", "[compare]") {
  const std::vector<Figure> f = flatten_figures(comparetest::summary_a());
  std::vector<std::string> paths;
  for (const Figure& x : f) paths.push_back(x.path);
  // Document order; strings (names, reasons) are no figures; arrays of objects with an "id" or
  // "pc" are keyed by it, other arrays by index.
  const std::vector<std::string> expected = {"schema_version",
                                             "scenario.seed",
                                             "end.exit_code",
                                             "end.fault",
                                             "time.simulated_s",
                                             "time.first_boot_s",
                                             "mcu.instructions",
                                             "mcu.cycles",
                                             "mcu.wakeups",
                                             "mcu.resets",
                                             "mcu.drops",
                                             "energy.mcu_consumed_J",
                                             "energy.books_residual_J",
                                             "power.power_failure_pcs.pc=17000.count",
                                             "progress.markers.id=33.count",
                                             "counts.0",
                                             "counts.1"};
  CHECK(paths == expected);
  CHECK(f[7].value == 4000);
  CHECK(f[5].value.is_null());
}

TEST_CASE("compare: absolute and relative changes equal the hand-computed ones", "[compare]") {
  const Comparison cmp = fixture_comparison(false);
  const FigureChange& instr = change(cmp, "mcu.instructions");
  CHECK(instr.absolute.is_number_integer());
  CHECK(instr.absolute.get<int64_t>() == 100);
  CHECK(*instr.relative == 0.1);
  const FigureChange& cycles = change(cmp, "mcu.cycles");
  CHECK(cycles.absolute.get<int64_t>() == -1000);
  CHECK(*cycles.relative == -0.25);
  const FigureChange& energy = change(cmp, "energy.mcu_consumed_J");
  CHECK(energy.absolute.get<double>() == 0.125);
  CHECK(*energy.relative == 0.25);
  // Negative baseline: relative to |A|, so a rise is positive.
  const FigureChange& residual = change(cmp, "energy.books_residual_J");
  CHECK(residual.absolute.get<double>() == 0.25);
  CHECK(*residual.relative == 0.5);
  // Zero baselines: 0 -> 4 is +inf, 0 -> 0 is 0, 0 -> -2 is -inf; never NaN.
  CHECK(change(cmp, "mcu.wakeups").absolute.get<int64_t>() == 4);
  CHECK(*change(cmp, "mcu.wakeups").relative == INFINITY);
  CHECK(*change(cmp, "mcu.resets").relative == 0.0);
  CHECK(change(cmp, "mcu.resets").absolute.get<int64_t>() == 0);
  CHECK(*change(cmp, "mcu.drops").relative == -INFINITY);
  // A null on one side: no change.
  const FigureChange& boot = change(cmp, "time.first_boot_s");
  CHECK(boot.presence == Presence::kBoth);
  CHECK(boot.a.is_null());
  CHECK(boot.b.get<double>() == 0.25);
  CHECK(boot.absolute.is_null());
  CHECK(!boot.relative);
  // Keyed array elements match by key, not position (B lists pc 18000 first).
  CHECK(change(cmp, "power.power_failure_pcs.pc=17000.count").absolute.get<int64_t>() == 2);
  CHECK(change(cmp, "progress.markers.id=33.count").absolute.get<int64_t>() == 2);
  CHECK(change(cmp, "power.power_failure_pcs.pc=18000.count").presence == Presence::kOnlyB);
  CHECK(change(cmp, "counts.1").presence == Presence::kOnlyA);
  CHECK(change(cmp, "counts.1").absolute.is_null());
  // Order: A's figures in A's order; B's new ones after the figure that precedes them in B.
  std::vector<std::string> order;
  for (const FigureChange& c : cmp.figures) order.push_back(c.path);
  const auto at = std::find(order.begin(), order.end(), "energy.books_residual_J");
  REQUIRE(at + 2 < order.end());
  CHECK(at[1] == "power.power_failure_pcs.pc=18000.count");
  CHECK(at[2] == "power.power_failure_pcs.pc=17000.count");
  CHECK(order.back() == "counts.1");
  CHECK(order.size() == 18);
  CHECK(cmp.functions.empty());
  CHECK(cmp.profile_note.find("neither run has profile.json") != std::string::npos);
}

TEST_CASE("compare: per-function figures match functions by name", "[compare]") {
  const Comparison cmp = fixture_comparison(true);
  CHECK(change(cmp, "function.main.cycles").absolute.get<int64_t>() == -500);
  CHECK(*change(cmp, "function.main.cycles").relative == -0.25);
  CHECK(change(cmp, "function.main.energy_J").absolute.get<double>() == 0.125);
  CHECK(*change(cmp, "function.main.energy_J").relative == 0.5);
  CHECK(change(cmp, "function.f.cycles").absolute.get<int64_t>() == 250);
  CHECK(*change(cmp, "function.f.cycles").relative == 0.25);
  CHECK(change(cmp, "function.f.reexecuted_cycles").absolute.get<int64_t>() == -8);
  CHECK(*change(cmp, "function.f.reexecuted_cycles").relative == -1.0);
  CHECK(change(cmp, "function.old_fn.calls").presence == Presence::kOnlyA);
  CHECK(change(cmp, "function.new_fn.energy_J").presence == Presence::kOnlyB);
  CHECK(change(cmp, "function.new_fn.energy_J").b.get<double>() == 0.03125);
  // new_fn follows main, which precedes it in B.
  REQUIRE(cmp.functions.size() == 4);
  CHECK(cmp.functions[0].key == "main");
  CHECK(cmp.functions[0].presence == Presence::kBoth);
  CHECK(cmp.functions[1].key == "new_fn");
  CHECK(cmp.functions[1].presence == Presence::kOnlyB);
  CHECK(cmp.functions[1].file.is_null());
  CHECK(cmp.functions[2].key == "f");
  CHECK(cmp.functions[3].key == "old_fn");
  CHECK(cmp.functions[3].presence == Presence::kOnlyA);
  CHECK(cmp.figures[cmp.figures.size() - 24 + 6].path == "function.new_fn.calls");
  CHECK(cmp.profile_note.empty());
}

TEST_CASE("compare: a profile.json on one side only gives no per-function figures", "[compare]") {
  const std::string dir = comparetest::write_runs("runs", false);
  comparetest::write_json(fs::path(dir) / "b" / "profile.json", comparetest::profile_b());
  const Comparison cmp = compare_runs(load_run_figures(dir + "/a"), load_run_figures(dir + "/b"));
  CHECK(cmp.functions.empty());
  CHECK(cmp.find("function.main.cycles") == nullptr);
  CHECK(cmp.profile_note.find("only " + dir + "/b has profile.json") != std::string::npos);
}

TEST_CASE("compare: functions sharing a name in one profile get their file", "[compare]") {
  ordered_json p = comparetest::profile_a();
  p["functions"][1]["function"] = "main";
  p["functions"][1]["file"] = "other.c";
  std::vector<Figure> figures;
  std::vector<ProfiledFunction> functions;
  add_profile_figures(p, "profile.json", &figures, &functions);
  REQUIRE(functions.size() == 3);
  CHECK(functions[0].key == "main@src.c");
  CHECK(functions[1].key == "main@other.c");
  CHECK(functions[2].key == "old_fn");
  CHECK(figures.size() == 18);
  CHECK(figures[6].path == "function.main@other.c.calls");
}

TEST_CASE("compare: bad run directories and files are refused, naming file and JSON path",
          "[compare]") {
  const std::string dir = comparetest::write_runs("runs", true);
  const auto message = [](const std::function<void()>& f) {
    try {
      f();
    } catch (const ehsim::InputError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  using Catch::Matchers::Contains;
  CHECK_THAT(message([&] { load_run_figures(dir + "/missing"); }),
             Contains(dir + "/missing: no such run directory"));
  fs::create_directories(dir + "/empty");
  CHECK_THAT(message([&] { load_run_figures(dir + "/empty"); }),
             Contains(dir + "/empty: not a run directory (no summary.json"));
  CHECK_THAT(message([&] { load_run_figures(dir + "/a/summary.json"); }),
             Contains("a/summary.json: not a directory"));
  std::ofstream(dir + "/a/summary.json") << "{\"schema\": ";
  CHECK_THAT(message([&] { load_run_figures(dir + "/a"); }),
             Contains(dir + "/a/summary.json: not valid JSON"));
  ordered_json s = comparetest::summary_a();
  s["schema"] = "ehsim-sweep";
  comparetest::write_json(dir + "/a/summary.json", s);
  CHECK_THAT(message([&] { load_run_figures(dir + "/a"); }),
             Contains(dir + "/a/summary.json /schema: expected \"ehsim-summary\""));
  s = comparetest::summary_a();
  s["schema_version"] = 2;
  comparetest::write_json(dir + "/a/summary.json", s);
  CHECK_THAT(
      message([&] { compare_runs(load_run_figures(dir + "/a"), load_run_figures(dir + "/b")); }),
      Contains(dir + "/b/summary.json /schema_version: expected 2") && Contains("found 1"));
  comparetest::write_json(dir + "/a/summary.json", comparetest::summary_a());
  ordered_json p = comparetest::profile_a();
  p["schema"] = "ehsim-profile-0";
  comparetest::write_json(dir + "/a/profile.json", p);
  CHECK_THAT(message([&] { load_run_figures(dir + "/a"); }),
             Contains(dir + "/a/profile.json /schema: expected \"ehsim-profile-1\""));
  p = comparetest::profile_a();
  p["functions"][1].erase("cycles");
  comparetest::write_json(dir + "/a/profile.json", p);
  CHECK_THAT(message([&] { load_run_figures(dir + "/a"); }),
             Contains(dir + "/a/profile.json /functions/1/cycles: expected a number"));
  p = comparetest::profile_a();
  p["functions"][2]["function"] = 7;
  comparetest::write_json(dir + "/a/profile.json", p);
  CHECK_THAT(message([&] { load_run_figures(dir + "/a"); }),
             Contains("/functions/2/function: expected the function's name"));
  p["functions"] = "none";
  comparetest::write_json(dir + "/a/profile.json", p);
  CHECK_THAT(message([&] { load_run_figures(dir + "/a"); }),
             Contains("/functions: expected an array"));
}

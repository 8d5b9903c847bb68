// --fail-if thresholds: their syntax, and which changes of the fixtures (compare_fixtures.h) hit
// them, on both sides of each boundary.
#include <catch2/catch.hpp>
#include <cmath>

#include "sim/compare/threshold.h"
#include "sim/scenario/units.h"
#include "tests/sim/compare/compare_fixtures.h"

using namespace ehsim::compare;
using Catch::Matchers::Contains;

namespace {

Comparison fixture_comparison(bool profiles) {
  const std::string dir = comparetest::write_runs("runs", profiles);
  return compare_runs(load_run_figures(dir + "/a"), load_run_figures(dir + "/b"));
}

ThresholdResult evaluate(const std::string& text, const Comparison& cmp) {
  const std::vector<Threshold> t = {parse_threshold(text)};
  check_threshold_paths(t, cmp);
  return evaluate_thresholds(t, cmp).at(0);
}

std::string parse_error(const std::string& text) {
  try {
    parse_threshold(text);
  } catch (const ehsim::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("compare: --fail-if parses relative and absolute thresholds", "[compare]") {
  Threshold t = parse_threshold("energy.mcu_consumed_J > +5%");
  CHECK(t.path == "energy.mcu_consumed_J");
  CHECK(t.op == ThresholdOp::kGreater);
  CHECK(t.relative);
  CHECK(t.limit == 0.05);
  t = parse_threshold("mcu.cycles<=-3");
  CHECK(t.path == "mcu.cycles");
  CHECK(t.op == ThresholdOp::kLessEqual);
  CHECK(!t.relative);
  CHECK(t.limit == -3);
  t = parse_threshold("  progress.markers.id=33.count >= 1e-3 ");
  CHECK(t.path == "progress.markers.id=33.count");
  CHECK(t.op == ThresholdOp::kGreaterEqual);
  CHECK(t.limit == 0.001);
  t = parse_threshold("function.main.cycles < -10 %");
  CHECK(t.op == ThresholdOp::kLess);
  CHECK(t.relative);
  CHECK(t.limit == -0.1);
  CHECK(parse_threshold("x > 5%").limit == 0.05);  // the sign is optional
  // The profiler's pseudo-functions keep their brackets.
  CHECK(parse_threshold("function.[sleep].energy_J > +5%").path == "function.[sleep].energy_J");
}

TEST_CASE("compare: unparsable --fail-if thresholds are refused, naming the argument",
          "[compare]") {
  CHECK_THAT(parse_error("energy.mcu_consumed_J"),
             Contains("--fail-if 'energy.mcu_consumed_J': no comparison operator") &&
                 Contains("expected PATH OP CHANGE"));
  CHECK_THAT(parse_error("> 5%"), Contains("no figure path before the operator"));
  CHECK_THAT(parse_error("a.b >"), Contains("no change after the operator"));
  CHECK_THAT(parse_error("a.b > five"), Contains("'five' is not a number or percentage"));
  CHECK_THAT(parse_error("a.b > 5%%"), Contains("is not a number"));
  CHECK_THAT(parse_error("a.b > inf"), Contains("is not a number"));
  CHECK_THAT(parse_error("a.b > nan%"), Contains("is not a number"));
  CHECK_THAT(parse_error("a.b >> 5"), Contains("is not a number"));
  CHECK_THAT(parse_error("a.b > 1e999"), Contains("is not a number"));
  CHECK_THAT(parse_error("a b > 5"), Contains("'a b' is not a figure path"));
}

TEST_CASE("compare: --fail-if is hit exactly past its limit", "[compare]") {
  const Comparison cmp = fixture_comparison(true);
  // mcu_consumed_J: +25 % (0.5 -> 0.625), +0.125.
  CHECK(evaluate("energy.mcu_consumed_J > +5%", cmp).hit);
  CHECK(!evaluate("energy.mcu_consumed_J > +25%", cmp).hit);
  CHECK(evaluate("energy.mcu_consumed_J >= +25%", cmp).hit);
  CHECK(!evaluate("energy.mcu_consumed_J < -5%", cmp).hit);
  CHECK(evaluate("energy.mcu_consumed_J > +0.1", cmp).hit);
  CHECK(!evaluate("energy.mcu_consumed_J > +0.125", cmp).hit);
  // cycles: -25 %, -1000.
  CHECK(evaluate("mcu.cycles < -10%", cmp).hit);
  CHECK(!evaluate("mcu.cycles < -25%", cmp).hit);
  CHECK(evaluate("mcu.cycles <= -25%", cmp).hit);
  CHECK(!evaluate("mcu.cycles < -1000", cmp).hit);
  CHECK(evaluate("mcu.cycles <= -1000", cmp).hit);
  CHECK(!evaluate("mcu.cycles > +0%", cmp).hit);
  const ThresholdResult r = evaluate("mcu.cycles <= -1000", cmp);
  CHECK(r.evaluated);
  CHECK(*r.change == -1000);
  // From zero: +inf passes any rise, -inf any fall.
  CHECK(evaluate("mcu.wakeups > +1000000%", cmp).hit);
  CHECK(!evaluate("mcu.wakeups < -1%", cmp).hit);
  CHECK(evaluate("mcu.drops < -1000000%", cmp).hit);
  CHECK(!evaluate("mcu.resets > +0%", cmp).hit);
  CHECK(evaluate("mcu.resets >= +0%", cmp).hit);
  // Per function.
  CHECK(evaluate("function.f.cycles > +20%", cmp).hit);
  CHECK(!evaluate("function.main.cycles > +20%", cmp).hit);
  CHECK(evaluate("function.main.cycles <= -500", cmp).hit);
  // Figures without a change are not evaluated and never hit.
  for (const char* text : {"function.old_fn.cycles > -100%", "function.new_fn.cycles > -100%",
                           "time.first_boot_s > -100%", "counts.0 < +100%"}) {
    const ThresholdResult n = evaluate(text, cmp);
    INFO(text);
    CHECK(!n.evaluated);
    CHECK(!n.hit);
    CHECK(!n.note.empty());
  }
}

TEST_CASE("compare: a --fail-if path that names no figure lists the valid names", "[compare]") {
  const Comparison cmp = fixture_comparison(true);
  std::string message;
  try {
    check_threshold_paths({parse_threshold("energy.consumed_J > +5%")}, cmp);
  } catch (const ehsim::InputError& e) {
    message = e.what();
  }
  CHECK_THAT(message, Contains("--fail-if 'energy.consumed_J > +5%': energy.consumed_J names no "
                               "figure of the two runs; the valid names:"));
  CHECK_THAT(message, Contains("\n  energy.mcu_consumed_J\n"));
  CHECK_THAT(message, Contains("\n  progress.markers.id=33.count\n"));
  CHECK_THAT(message, Contains("function.NAME.FIELD with NAME one of: main new_fn f old_fn"));
  CHECK_THAT(message, Contains("calls instructions cycles energy_J fram_cache_misses "
                               "reexecuted_cycles"));
  const Comparison no_profiles = fixture_comparison(false);
  message.clear();
  try {
    check_threshold_paths({parse_threshold("function.main.cycles > +5%")}, no_profiles);
  } catch (const ehsim::InputError& e) {
    message = e.what();
  }
  CHECK_THAT(message, Contains("function.main.cycles is a per-function figure, and there are "
                               "none: no per-function comparison: neither run has profile.json"));
}

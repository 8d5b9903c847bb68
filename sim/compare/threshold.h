// `--fail-if` thresholds of `ehsim compare`: "PATH OP CHANGE", e.g. "energy.mcu_consumed_J > +5%"
// or "function.main.cycles >= +1000". PATH is a figure's dotted path (run_figures.h), OP one of
// > >= < <=, and CHANGE a signed number, relative to A's value when it ends in '%' (+5% is
// +0.05 * |A|) and absolute (in the figure's unit) otherwise. A threshold is hit when B's change
// from A satisfies the comparison: "> +5%" is hit by a rise of more than 5 %, "< -10%" by a fall
// of more than 10 %. Zero baselines follow comparison.h (a rise from 0 is +inf %).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/compare/comparison.h"

namespace ehsim::compare {

enum class ThresholdOp { kGreater, kGreaterEqual, kLess, kLessEqual };

struct Threshold {
  std::string text;  // as given
  std::string path;
  ThresholdOp op = ThresholdOp::kGreater;
  double limit = 0;  // a fraction (0.05 for 5 %) when relative
  bool relative = false;
};

// Throws InputError naming the --fail-if argument and the expected form.
Threshold parse_threshold(const std::string& text);

struct ThresholdResult {
  Threshold threshold;
  bool evaluated = false;  // false: the figure has no change (null or only in one run)
  bool hit = false;
  std::optional<double> change;  // the change tested (a fraction when relative)
  std::string note;              // why it was not evaluated
};

// Throws InputError for the first threshold whose path names no figure of `cmp`, listing the
// valid names.
void check_threshold_paths(const std::vector<Threshold>& thresholds, const Comparison& cmp);

// Each threshold against `cmp` (its path must name a figure: check_threshold_paths).
std::vector<ThresholdResult> evaluate_thresholds(const std::vector<Threshold>& thresholds,
                                                 const Comparison& cmp);

// ">", ">=", "<", "<=".
const char* to_string(ThresholdOp op);

}  // namespace ehsim::compare

// The changes from run A (the baseline) to run B, figure by figure: what `ehsim compare` shows
// and what its --fail-if thresholds test.
//
// For a figure with a number on both sides:
//   absolute = B - A (exact for integer figures: computed in integers when both are integers)
//   relative = (B - A) / |A|, so that its sign is the sign of the change even for a negative
//              baseline; with A = 0 it is 0 when B = 0, +inf when B > 0 and -inf when B < 0.
// A figure that is null on either side (the run could not measure it) has neither change, and a
// figure present in only one run is "added" (only in B) or "removed" (only in A).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/compare/run_figures.h"

namespace ehsim::compare {

enum class Presence { kBoth, kOnlyA, kOnlyB };
// "both", "removed" (only in A), "added" (only in B).
const char* to_string(Presence p);

struct FigureChange {
  std::string path;
  Presence presence = Presence::kBoth;
  nlohmann::ordered_json a, b;      // the values; null when absent or null
  nlohmann::ordered_json absolute;  // B - A as a JSON number (integer when both are), or null
  std::optional<double> relative;   // may be +-inf, never NaN; empty when absolute is null
  bool is_function = false;         // a profile.json figure (function.NAME.FIELD)
};

struct FunctionRow {
  std::string key;                    // as in function.KEY.FIELD
  nlohmann::ordered_json file, line;  // from B's profile when present there, else A's
  Presence presence = Presence::kBoth;
};

struct Comparison {
  RunFigures a, b;
  // Summary figures (A's order, then those only in B in B's order), then the functions' (same
  // rule).
  std::vector<FigureChange> figures;
  // Only when both runs have profile.json; otherwise `profile_note` says why there are none.
  std::vector<FunctionRow> functions;
  std::string profile_note;

  // The figure at `path`, or nullptr.
  const FigureChange* find(const std::string& path) const;
};

// Throws InputError when the two summaries have different schema versions (their figures would
// not mean the same).
Comparison compare_runs(RunFigures a, RunFigures b);

// The change of one figure from `a` to `b` (numbers or null), as described above.
FigureChange figure_change(const std::string& path, const nlohmann::ordered_json& a,
                           const nlohmann::ordered_json& b);

}  // namespace ehsim::compare

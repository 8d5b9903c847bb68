// What `ehsim compare` shows: the comparison of two runs and the --fail-if results as a terminal
// table, as compare.json (exact values, for scripts) and as compare.html (self-contained, the
// style of report.html). The same inputs give the same bytes: nothing depends on the time, the
// host or the order of a hash.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/compare/comparison.h"
#include "sim/compare/threshold.h"

namespace ehsim::compare {

constexpr const char* kCompareSchema = "ehsim-compare-1";

// A figure's value as text: integers in full, other numbers to 6 significant digits, null "n/a".
std::string value_text(const nlohmann::ordered_json& v);
// A change as text: "+12", "-3.5e-05", "0".
std::string absolute_text(const nlohmann::ordered_json& absolute);
// A relative change as text: "+5.69%", "-inf", "0%"; "n/a" when there is none.
std::string relative_text(const std::optional<double>& relative);

std::string compare_text(const Comparison& cmp, const std::vector<ThresholdResult>& results);

// compare.json: {"schema": "ehsim-compare-1", "a": {...}, "b": {...}, "figures": [...],
// "functions": [...], "profile_note", "thresholds": [...], "result": "pass"|"fail"}.
// docs/compare.md describes every member. A relative change is a fraction, the string "+inf" or
// "-inf" for a change from 0, or null when there is no change.
nlohmann::ordered_json compare_json(const Comparison& cmp,
                                    const std::vector<ThresholdResult>& results);

std::string compare_html(const Comparison& cmp, const std::vector<ThresholdResult>& results);

}  // namespace ehsim::compare

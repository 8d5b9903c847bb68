// What `ehsim sweep` runs (docs/sweep.md): swept parameters parsed from `--param key=spec`, the
// points they expand to (cartesian product or zip), and the plan file that lets `--point I`,
// `--emit slurm` and `--collect DIR` agree on the same points.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ehsim {

// One `--param key=spec`. spec is a comma-separated list of items; an item is a value as `--set`
// takes it ("47uF", "rf-cart.trace", "3") or a range "FROM..TO:log:N" / "FROM..TO:lin:N".
struct SweepParam {
  std::string key;                  // scenario path as --set takes it, e.g. supply.capacitance
  std::string spec;                 // as written after '='
  std::vector<std::string> values;  // expanded, in order
};

// Parses "key=spec". Throws InputError naming the argument and what was expected.
SweepParam parse_sweep_param(const std::string& argument);

// Expands "FROM..TO:MODE:N" (MODE log or lin, N >= 2 points including both ends) into value texts
// carrying the ends' unit with an SI prefix, e.g. 10uF..1mF:log:3 -> 10uF, 100uF, 1mF.
// `what` names the argument in errors.
std::vector<std::string> expand_range(const std::string& item, const std::string& what);

// Value text -> SI number when it is a quantity ("10uF" -> 1e-5, "3" -> 3); nullopt otherwise
// (file names, words). The unit is inferred: an optional SI prefix followed by any unit symbol.
std::optional<double> numeric_value(const std::string& text);

// The unit symbol numeric_value reads `text` with ("10uF" -> "F", "8MHz" -> "Hz", "2min" -> "s",
// "3" -> ""); nullopt when the text is not a quantity.
std::optional<std::string> quantity_unit(const std::string& text);

// Formats an SI number with an SI prefix so that parse_quantity reads it back: (2.2e-5, "F") ->
// "22uF". Six significant digits.
std::string format_quantity(double si, const std::string& unit);

struct SweepPoint {
  std::size_t index = 0;
  std::string name;                                       // points/<name>
  std::vector<std::pair<std::string, std::string>> sets;  // key, value in parameter order
};

struct SweepPlan {
  std::string scenario;  // absolute path
  std::vector<SweepParam> params;
  bool zip = false;
  std::vector<std::string> metrics;  // summary.json paths, "a.b.c"; empty: the defaults
  bool profile = false;              // every point runs with `ehsim run --profile`
  std::vector<SweepPoint> points;

  nlohmann::ordered_json to_json() const;
  static SweepPlan from_json(const nlohmann::json& j, const std::string& file);
};

// Builds the points: the cartesian product (last parameter varies fastest) or, with zip, the
// i-th value of every list (all lists must have the same length). Throws InputError.
SweepPlan make_plan(const std::string& scenario_abs, const std::vector<SweepParam>& params,
                    bool zip, const std::vector<std::string>& metrics);

// Summary figures reported when no --metric is given (those present in at least one point).
const std::vector<std::string>& default_sweep_metrics();

// The `ehsim run` arguments of one point (after the executable): run SCENARIO --out DIR --set ...
// [--profile]
std::vector<std::string> point_run_args(const SweepPlan& plan, const SweepPoint& point,
                                        const std::string& point_dir);

}  // namespace ehsim

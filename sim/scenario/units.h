// Parsing of human-written physical quantities ("47uF", "3.3V", "16MHz", "1mA", "20ms") into SI
// doubles. Shared by every command that reads scenario JSON, so errors always name the JSON path.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>

namespace ehsim {

// Thrown for malformed input; what() already names the location (file, JSON path) and what was
// expected, so callers print it verbatim and exit with status 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses `text` as a number followed by an optional SI prefix and the unit symbol `unit`
// (e.g. unit "F": "47uF", "0.1 mF", "1e-6F", "4.7e-5"). A bare number is taken as already in SI.
// Accepted prefixes: p n u µ m k M G (and none). `path` names the value in errors.
double parse_quantity(const std::string& text, const std::string& unit, const std::string& path);

// Reads a JSON value that is either a number (already SI) or a string parsed by parse_quantity.
double json_quantity(const nlohmann::json& value, const std::string& unit, const std::string& path);

// Joins a JSON path and a key the way errors print them: "/supply" + "capacitance" →
// "/supply/capacitance".
std::string json_path(const std::string& parent, const std::string& key);
std::string json_path(const std::string& parent, std::size_t index);

// Optional and required members of a JSON object holding quantities or strings.
double quantity(const nlohmann::json& obj, const std::string& path, const char* key,
                const char* unit, double fallback);
double required_quantity(const nlohmann::json& obj, const std::string& path, const char* key,
                         const char* unit);
std::string string_value(const nlohmann::json& obj, const std::string& path, const char* key,
                         const std::string& fallback);
// Throws InputError("path: expected a value in [lo, hi] <unit>") unless lo <= v <= hi (and v is
// not NaN). The bounds are where the models stay meaningful and every loop stays bounded.
void require_range(double v, double lo, double hi, const std::string& path, const char* unit);
// A quantity that must be written with its unit symbol ("100uF" or "100F", never 100 or "100"):
// for quantities whose bare numbers users get wrong.
double required_quantity_with_unit(const nlohmann::json& obj, const std::string& path,
                                   const char* key, const char* unit);
// Throws InputError("path: what") unless ok.
void require(bool ok, const std::string& path, const std::string& what);

// The file a scenario names at JSON `path`: an absolute name as given (it must exist), else the
// first of scenario_dir, the working directory and fallback_dir (described to the user as
// fallback_what) that holds it. Throws InputError("path: ...") naming every place searched.
std::string find_scenario_file(const std::string& name, const std::string& path,
                               const std::string& scenario_dir, const std::string& fallback_dir,
                               const std::string& fallback_what);

// Throws unless j is an object (path names it in the error).
void require_object(const nlohmann::json& j, const std::string& path);
// Throws for the first key of object j not in `allowed`, listing the allowed keys.
void check_keys(const nlohmann::json& j, const std::string& path,
                const std::set<std::string>& allowed);

}  // namespace ehsim

// The figures `ehsim compare` compares, read from one run output directory: every numeric value
// of summary.json under its dotted path (e.g. "energy.mcu_consumed_J"), and, when the directory
// holds a profile.json (`ehsim run --profile`), every per-function figure under
// "function.NAME.FIELD" (e.g. "function.main.cycles"). docs/compare.md describes the paths.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace ehsim::compare {

// One figure: its dotted path and its value, a JSON number or null (a figure the run could not
// measure, like time.first_boot_s of a run that never booted).
struct Figure {
  std::string path;
  nlohmann::ordered_json value;
};

// A function of profile.json, under the name its figures use (the function's name; a name that
// several functions share in one profile gets "@FILE" appended, and "#2", "#3"... if that
// is still not unique).
struct ProfiledFunction {
  std::string key;
  nlohmann::ordered_json file, line;  // as in profile.json: string / integer, or null
};

// The per-function figures of profile.json, in this order.
extern const char* const kProfileFields[6];
constexpr const char* kProfileSchema = "ehsim-profile-1";

struct RunFigures {
  std::string dir;
  std::string firmware_given;      // the firmware file `compare A.elf B.elf` ran, else empty
  nlohmann::ordered_json summary;  // the whole summary.json, for the runs' descriptions
  std::vector<Figure> figures;     // summary.json's, in file order
  bool has_profile = false;
  std::vector<Figure> function_figures;     // profile.json's, function by function
  std::vector<ProfiledFunction> functions;  // in profile.json order
};

// Reads DIR/summary.json and DIR/profile.json (if present). Throws InputError naming the
// directory, file or JSON path when DIR is missing, is not a run directory (no summary.json),
// or a file is not valid JSON of the expected schema.
RunFigures load_run_figures(const std::string& dir);

// The numeric and null leaves of a JSON document as dotted paths, in document order. Objects
// contribute their keys; an array of objects that each carry a distinct identifying member
// ("id", "pc", "layer" or "address", the first that all elements have) contributes "MEMBER=VALUE"
// (e.g. progress.markers.id=33.count), so a figure keeps its path when the arrays of two runs
// hold different elements; the identifying member itself is no figure. Other arrays contribute
// their indices. Strings and booleans are descriptions, not figures.
std::vector<Figure> flatten_figures(const nlohmann::ordered_json& document);

// The figures of a profile.json document (already parsed; `file` names it in errors), appended
// to `figures`, and its functions appended to `functions`. Throws InputError naming the JSON path
// of a value that does not have the schema ehsim-profile-1.
void add_profile_figures(const nlohmann::ordered_json& profile, const std::string& file,
                         std::vector<Figure>* figures, std::vector<ProfiledFunction>* functions);

}  // namespace ehsim::compare

#include "sim/scenario/scenario_document.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/scenario/supply_scenario.h"
#include "sim/scenario/units.h"

namespace ehsim {

namespace fs = std::filesystem;
using nlohmann::json;

std::string read_input_file(const std::string& file, std::size_t max_bytes, const char* what) {
  std::error_code ec;
  const fs::file_status st = fs::status(file, ec);
  if (ec || !fs::exists(st)) throw InputError(file + ": " + what + " does not exist");
  if (!fs::is_regular_file(st)) {
    throw InputError(file + ": not a regular file (" +
                     (fs::is_directory(st) ? "a directory" : "a device or other special file") +
                     "); expected a " + what);
  }
  const auto size = fs::file_size(file, ec);
  if (ec) throw InputError(file + ": cannot read the " + what + ": " + ec.message());
  if (size > max_bytes) {
    throw InputError(file + ": " + std::to_string(size) + " bytes; a " + what +
                     " may have at most " + std::to_string(max_bytes) + " bytes");
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) throw InputError(file + ": cannot read the " + what);
  return text.str();
}

namespace {

// The deepest nesting of objects and arrays below (and including) j.
int nesting_depth(const json& j) {
  if (!j.is_structured()) return 0;
  int deepest = 0;
  for (const json& child : j) deepest = std::max(deepest, nesting_depth(child));
  return deepest + 1;
}

void check_limits(const json& doc) {
  if (!doc.is_object()) {
    throw InputError(std::string("/: expected a JSON object at the top level, found ") +
                     doc.type_name());
  }
  if (nesting_depth(doc) > kMaxScenarioDepth) {
    throw InputError("/: nested deeper than " + std::to_string(kMaxScenarioDepth) + " levels");
  }
  if (doc.contains("description")) {
    const json& d = doc.at("description");
    require(d.is_string(), "/description", "expected a string");
    require(d.get_ref<const std::string&>().size() <= kMaxDescriptionChars, "/description",
            "longer than " + std::to_string(kMaxDescriptionChars) + " characters");
  }
}

}  // namespace

json load_scenario_document(const std::string& file, const std::vector<std::string>& overrides) {
  const std::string text = read_input_file(file, kMaxScenarioBytes, "scenario file");
  json doc;
  try {
    // The depth callback rejects deep nesting while parsing, before the document is built.
    doc = json::parse(text, [](int depth, json::parse_event_t, json&) {
      if (depth > kMaxScenarioDepth) {
        throw InputError("nested deeper than " + std::to_string(kMaxScenarioDepth) + " levels");
      }
      return true;
    });
  } catch (const json::exception& e) {
    throw InputError(file + ": invalid JSON: " + e.what());
  } catch (const InputError& e) {
    throw InputError(file + ": " + e.what());
  }
  try {
    if (!doc.is_object()) check_limits(doc);  // names the top-level type before --set is tried
    for (const auto& s : overrides) apply_override(doc, s);
    check_limits(doc);
  } catch (const InputError& e) {
    throw InputError(file + ": " + e.what());
  }
  return doc;
}

}  // namespace ehsim

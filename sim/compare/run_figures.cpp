#include "sim/compare/run_figures.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "sim/scenario/units.h"

namespace ehsim::compare {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

const char* const kProfileFields[6] = {"calls",    "instructions",      "cycles",
                                       "energy_J", "fram_cache_misses", "reexecuted_cycles"};

namespace {

// Members that identify an element of an array of objects, in the order they are tried.
const char* const kIdentifyingMembers[] = {"id", "pc", "layer", "address"};

// The member that identifies every element of `array` (all objects, each holding it as a scalar,
// no two equal), or "" when there is none.
std::string identifying_member(const json& array) {
  if (array.empty()) return "";
  for (const char* member : kIdentifyingMembers) {
    std::set<std::string> seen;
    bool ok = true;
    for (const auto& e : array) {
      if (!e.is_object() || !e.contains(member) || e[member].is_structured() ||
          !seen.insert(e[member].dump()).second) {
        ok = false;
        break;
      }
    }
    if (ok) return member;
  }
  return "";
}

std::string join(const std::string& prefix, const std::string& part) {
  return prefix.empty() ? part : prefix + "." + part;
}

void flatten_into(const json& j, const std::string& prefix, std::vector<Figure>* out) {
  if (j.is_number() || j.is_null()) {
    if (!prefix.empty()) out->push_back({prefix, j});
  } else if (j.is_object()) {
    for (const auto& [key, value] : j.items()) flatten_into(value, join(prefix, key), out);
  } else if (j.is_array()) {
    const std::string member = identifying_member(j);
    for (size_t i = 0; i < j.size(); ++i) {
      if (member.empty()) {
        flatten_into(j[i], join(prefix, std::to_string(i)), out);
        continue;
      }
      const json& id = j[i][member];
      const std::string part = member + "=" + (id.is_string() ? id.get<std::string>() : id.dump());
      for (const auto& [key, value] : j[i].items()) {
        if (key != member) flatten_into(value, join(join(prefix, part), key), out);
      }
    }
  }
}

json read_json(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string() + ": cannot read");
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    throw InputError(path.string() + ": not valid JSON: " + e.what());
  }
}

std::string where(const std::string& file, const std::string& pointer) {
  return file + " " + pointer;
}

}  // namespace

std::vector<Figure> flatten_figures(const json& document) {
  std::vector<Figure> out;
  flatten_into(document, "", &out);
  return out;
}

void add_profile_figures(const json& profile, const std::string& file, std::vector<Figure>* figures,
                         std::vector<ProfiledFunction>* functions) {
  if (!profile.is_object())
    throw InputError(file + ": expected a JSON object (" + std::string(kProfileSchema) + ")");
  const json schema = profile.value("schema", json());
  if (schema != kProfileSchema) {
    throw InputError(where(file, "/schema") + ": expected \"" + kProfileSchema + "\", found " +
                     schema.dump());
  }
  if (!profile.contains("functions") || !profile["functions"].is_array()) {
    throw InputError(where(file, "/functions") + ": expected an array of functions");
  }
  const json& list = profile["functions"];
  // Names that several functions share (static functions of different files) get their file.
  std::map<std::string, int> uses;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string at = "/functions/" + std::to_string(i);
    if (!list[i].is_object()) throw InputError(where(file, at) + ": expected an object");
    const json& name = list[i].value("function", json());
    if (!name.is_string() || name.get<std::string>().empty()) {
      throw InputError(where(file, at + "/function") + ": expected the function's name");
    }
    ++uses[name.get<std::string>()];
  }
  std::set<std::string> keys;
  for (size_t i = 0; i < list.size(); ++i) {
    const json& f = list[i];
    const std::string at = "/functions/" + std::to_string(i);
    const json file_name = f.value("file", json()), line = f.value("line", json());
    if (!file_name.is_null() && !file_name.is_string()) {
      throw InputError(where(file, at + "/file") + ": expected a file name or null");
    }
    if (!line.is_null() && !line.is_number_integer()) {
      throw InputError(where(file, at + "/line") + ": expected a line number or null");
    }
    std::string key = f["function"].get<std::string>();
    if (uses[key] > 1) key += "@" + (file_name.is_string() ? file_name.get<std::string>() : "?");
    const std::string base = key;
    for (int n = 2; !keys.insert(key).second; ++n) key = base + "#" + std::to_string(n);
    functions->push_back({key, file_name, line});
    for (const char* field : kProfileFields) {
      const json v = f.value(field, json());
      if (!v.is_number()) {
        throw InputError(where(file, at + "/" + field) + ": expected a number, found " + v.dump());
      }
      figures->push_back({"function." + key + "." + field, v});
    }
  }
}

RunFigures load_run_figures(const std::string& dir) {
  RunFigures run;
  run.dir = dir;
  const fs::path d(dir);
  std::error_code ec;
  if (!fs::exists(d, ec)) throw InputError(dir + ": no such run directory");
  if (!fs::is_directory(d, ec)) {
    throw InputError(dir +
                     ": not a directory (expected a run output directory of `ehsim run`, "
                     "or two firmware files with --scenario)");
  }
  if (!fs::exists(d / "summary.json", ec)) {
    std::string hint = "`ehsim run` writes one";
    if (fs::exists(d / "sweep.json", ec) || fs::exists(d / "plan.json", ec)) {
      hint = "this is a sweep directory: compare two of its points/NNNN directories";
    }
    throw InputError(dir + ": not a run directory (no summary.json; " + hint + ")");
  }
  const fs::path summary_file = d / "summary.json";
  run.summary = read_json(summary_file);
  if (!run.summary.is_object() || run.summary.value("schema", json()) != "ehsim-summary") {
    throw InputError(summary_file.string() + " /schema: expected \"ehsim-summary\"");
  }
  if (!run.summary.value("schema_version", json()).is_number_integer()) {
    throw InputError(summary_file.string() + " /schema_version: expected an integer");
  }
  run.figures = flatten_figures(run.summary);
  const fs::path profile_file = d / "profile.json";
  if (fs::exists(profile_file, ec)) {
    run.has_profile = true;
    add_profile_figures(read_json(profile_file), profile_file.string(), &run.function_figures,
                        &run.functions);
  }
  return run;
}

}  // namespace ehsim::compare

#include "sim/scenario/units.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace ehsim {

namespace {

// Returns the multiplier of an SI prefix, or 0 when `p` is not one.
double prefix_multiplier(const std::string& p) {
  if (p.empty()) return 1.0;
  if (p == "p") return 1e-12;
  if (p == "n") return 1e-9;
  if (p == "u" || p == "\xC2\xB5" || p == "\xCE\xBC") return 1e-6;  // u, micro sign, Greek mu
  if (p == "c") return 1e-2;  // only sensible for lengths and areas ("cm^2")
  if (p == "m") return 1e-3;
  if (p == "k") return 1e3;
  if (p == "M") return 1e6;
  if (p == "G") return 1e9;
  return 0.0;
}

}  // namespace

double parse_quantity(const std::string& text, const std::string& unit, const std::string& path) {
  const std::string expected = "expected a number with optional SI prefix and unit '" + unit +
                               "' (e.g. \"4.7m" + unit + "\")";
  const char* begin = text.c_str();
  char* end = nullptr;
  const double number = std::strtod(begin, &end);
  if (end == begin) throw InputError(path + ": cannot parse \"" + text + "\": " + expected);
  std::string rest(end);
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.front()))) rest.erase(0, 1);
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.back()))) rest.pop_back();
  if (!std::isfinite(number)) throw InputError(path + ": \"" + text + "\" is not finite");
  if (rest.empty()) return number;
  if (unit == "s") {
    // Durations are often written in minutes, hours or days.
    if (rest == "min") return number * 60.0;
    if (rest == "h") return number * 3600.0;
    if (rest == "d") return number * 86400.0;
  }
  // The unit symbol is optional so "4.7u" works, but when present it must match.
  std::string prefix = rest;
  if (rest.size() >= unit.size() && !unit.empty() &&
      rest.compare(rest.size() - unit.size(), unit.size(), unit) == 0) {
    prefix = rest.substr(0, rest.size() - unit.size());
  }
  double mult = prefix_multiplier(prefix);
  // A prefix on a squared unit scales twice: 1 cm^2 = 1e-4 m^2.
  if (unit == "m^2") mult *= mult;
  if (mult == 0.0) {
    throw InputError(path + ": unknown unit \"" + rest + "\" in \"" + text + "\": " + expected);
  }
  return number * mult;
}

double json_quantity(const nlohmann::json& value, const std::string& unit,
                     const std::string& path) {
  if (value.is_number()) {
    const double v = value.get<double>();
    if (!std::isfinite(v)) throw InputError(path + ": value is not finite");
    return v;
  }
  if (value.is_string()) return parse_quantity(value.get<std::string>(), unit, path);
  throw InputError(path + ": expected a number or a string with unit '" + unit + "', got " +
                   value.type_name());
}

std::string json_path(const std::string& parent, const std::string& key) {
  return parent + "/" + key;
}

std::string json_path(const std::string& parent, std::size_t index) {
  return parent + "/" + std::to_string(index);
}

void require_object(const nlohmann::json& j, const std::string& path) {
  if (!j.is_object()) throw InputError(path + ": expected an object, got " + j.type_name());
}

void check_keys(const nlohmann::json& j, const std::string& path,
                const std::set<std::string>& allowed) {
  require_object(j, path);
  for (const auto& item : j.items()) {
    if (!allowed.count(item.key())) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      throw InputError(json_path(path, item.key()) + ": unknown key (expected one of: " + list +
                       ")");
    }
  }
}

double quantity(const nlohmann::json& obj, const std::string& path, const char* key,
                const char* unit, double fallback) {
  if (!obj.contains(key)) return fallback;
  return json_quantity(obj.at(key), unit, json_path(path, key));
}

double required_quantity(const nlohmann::json& obj, const std::string& path, const char* key,
                         const char* unit) {
  if (!obj.contains(key)) throw InputError(json_path(path, key) + ": required key is missing");
  return json_quantity(obj.at(key), unit, json_path(path, key));
}

void require_range(double v, double lo, double hi, const std::string& path, const char* unit) {
  if (v >= lo && v <= hi) return;
  char text[160];
  std::snprintf(text, sizeof text, "expected a value in [%g, %g]%s%s", lo, hi, *unit ? " " : "",
                unit);
  throw InputError(path + ": " + text);
}

double required_quantity_with_unit(const nlohmann::json& obj, const std::string& path,
                                   const char* key, const char* unit) {
  const std::string p = json_path(path, key);
  if (!obj.contains(key)) throw InputError(p + ": required key is missing");
  const nlohmann::json& v = obj.at(key);
  const std::string u(unit);
  const bool has_unit = v.is_string() && [&] {
    std::string text = v.get<std::string>();
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    return text.size() > u.size() && text.compare(text.size() - u.size(), u.size(), u) == 0;
  }();
  if (!has_unit) {
    const std::string shown = v.is_string() ? v.get<std::string>() : v.dump();
    throw InputError(p + ": " + shown + " has no unit; write e.g. \"" + shown + "u" + u +
                     "\" or \"" + shown + u + "\"");
  }
  return json_quantity(v, unit, p);
}

void require(bool ok, const std::string& path, const std::string& what) {
  if (!ok) throw InputError(path + ": " + what);
}

std::string find_scenario_file(const std::string& name, const std::string& path,
                               const std::string& scenario_dir, const std::string& fallback_dir,
                               const std::string& fallback_what) {
  namespace fs = std::filesystem;
  require(!name.empty(), path, "expected a file name");
  const fs::path p(name);
  // A directory or a device (/dev/zero) is refused here, before anything tries to read it.
  auto regular = [&](const fs::path& found) {
    require(fs::is_regular_file(found), path,
            "\"" + found.string() + "\" is " +
                (fs::is_directory(found) ? "a directory" : "not a regular file") +
                "; expected a file");
    return found.lexically_normal().string();
  };
  if (p.is_absolute()) {
    require(fs::exists(p), path, "\"" + name + "\" does not exist");
    return regular(p);
  }
  for (const fs::path& base :
       {fs::path(scenario_dir), fs::current_path(), fs::path(fallback_dir)}) {
    if (base.empty()) continue;
    const fs::path candidate = base / p;
    if (fs::exists(candidate)) return regular(candidate);
  }
  throw InputError(path + ": \"" + name + "\" not found next to the scenario (" + scenario_dir +
                   "), in the working directory, nor in " + fallback_what + " (" + fallback_dir +
                   ")");
}

std::string string_value(const nlohmann::json& obj, const std::string& path, const char* key,
                         const std::string& fallback) {
  if (!obj.contains(key)) return fallback;
  const auto& v = obj.at(key);
  if (!v.is_string()) throw InputError(json_path(path, key) + ": expected a string");
  return v.get<std::string>();
}

}  // namespace ehsim

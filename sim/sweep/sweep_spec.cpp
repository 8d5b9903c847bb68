#include "sim/sweep/sweep_spec.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "sim/scenario/units.h"

namespace ehsim {

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t at = text.find(sep, start);
    out.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

std::string trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) --b;
  return s.substr(a, b - a);
}

bool is_prefix_start(const std::string& s) {
  if (s.empty()) return false;
  if (s.compare(0, 2, "\xC2\xB5") == 0 || s.compare(0, 2, "\xCE\xBC") == 0) return true;
  return std::string("pnumkMGc").find(s[0]) != std::string::npos;
}

size_t prefix_length(const std::string& s) {
  return (static_cast<unsigned char>(s[0]) >= 0x80) ? 2 : 1;
}

// The text after the leading number, or nullopt when the text does not start with a number.
std::optional<std::string> unit_suffix(const std::string& text) {
  const char* begin = text.c_str();
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  if (end == begin || !std::isfinite(v)) return std::nullopt;
  return trim(std::string(end));
}

// Candidate unit symbols of a value text, most specific reading first ("mF" -> F, then mF).
std::vector<std::string> candidate_units(const std::string& suffix) {
  if (suffix.empty()) return {""};
  if (suffix == "min" || suffix == "h" || suffix == "d") return {"s"};
  std::vector<std::string> out;
  if (is_prefix_start(suffix) && suffix.size() > prefix_length(suffix)) {
    out.push_back(suffix.substr(prefix_length(suffix)));
  }
  out.push_back(suffix);
  return out;
}

std::string num6(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

std::optional<double> numeric_value(const std::string& text) {
  const auto suffix = unit_suffix(text);
  if (!suffix) return std::nullopt;
  for (const std::string& unit : candidate_units(*suffix)) {
    try {
      return parse_quantity(text, unit, "");
    } catch (const InputError&) {
    }
  }
  return std::nullopt;
}

std::optional<std::string> quantity_unit(const std::string& text) {
  const auto suffix = unit_suffix(text);
  if (!suffix) return std::nullopt;
  for (const std::string& unit : candidate_units(*suffix)) {
    try {
      parse_quantity(text, unit, "");
      return unit;
    } catch (const InputError&) {
    }
  }
  return std::nullopt;
}

std::string format_quantity(double si, const std::string& unit) {
  if (unit.empty() || si == 0.0 || !std::isfinite(si)) return num6(si) + unit;
  struct Prefix {
    double scale;
    const char* text;
  };
  static const Prefix kPrefixes[] = {{1e9, "G"},  {1e6, "M"},  {1e3, "k"},  {1.0, ""},
                                     {1e-3, "m"}, {1e-6, "u"}, {1e-9, "n"}, {1e-12, "p"}};
  const double mag = std::fabs(si);
  for (const Prefix& p : kPrefixes) {
    // Durations keep seconds for large values (parse_quantity reads "1800s", not "1.8ks").
    if (unit == "s" && p.scale > 1.0) continue;
    // Round first so 999.9999e-6 prints as 1m, not 1000u.
    const double mantissa = std::stod(num6(mag / p.scale));
    if (mantissa >= 1.0 || p.scale == 1e-12) return num6(si / p.scale) + p.text + unit;
  }
  return num6(si) + unit;
}

std::vector<std::string> expand_range(const std::string& item, const std::string& what) {
  const std::string expected = what +
                               ": expected FROM..TO:log:N or FROM..TO:lin:N (N >= 2 points, "
                               "e.g. 10uF..1mF:log:12), got \"" +
                               item + "\"";
  const size_t dots = item.find("..");
  if (dots == std::string::npos) throw InputError(expected);
  const std::string from = trim(item.substr(0, dots));
  const std::vector<std::string> rest = split(item.substr(dots + 2), ':');
  if (rest.size() != 3) throw InputError(expected);
  const std::string to = trim(rest[0]), mode = trim(rest[1]), count_text = trim(rest[2]);
  if (mode != "log" && mode != "lin") {
    throw InputError(what + ": range mode \"" + mode + "\" is neither log nor lin in \"" + item +
                     "\"");
  }
  char* end = nullptr;
  const long count = std::strtol(count_text.c_str(), &end, 10);
  if (count_text.empty() || *end != '\0' || count < 2 || count > 100000) {
    throw InputError(what + ": range point count \"" + count_text +
                     "\" must be an integer from 2 to 100000 in \"" + item + "\"");
  }
  const auto from_suffix = unit_suffix(from), to_suffix = unit_suffix(to);
  if (!from_suffix || !to_suffix) throw InputError(expected + ": the ends must be quantities");
  // The unit both ends read with.
  std::string unit;
  bool found = false;
  double a = 0, b = 0;
  for (const std::string& u : candidate_units(*from_suffix)) {
    for (const std::string& v : candidate_units(*to_suffix)) {
      if (u != v || found) continue;
      try {
        a = parse_quantity(from, u, what);
        b = parse_quantity(to, u, what);
        unit = u;
        found = true;
      } catch (const InputError&) {
      }
    }
  }
  if (!found) {
    throw InputError(what + ": the range ends \"" + from + "\" and \"" + to +
                     "\" do not have the same unit");
  }
  if (mode == "log" && !(a > 0 && b > 0)) {
    throw InputError(what + ": a log range needs positive ends, got \"" + item + "\"");
  }
  std::vector<std::string> values;
  for (long i = 0; i < count; ++i) {
    const double f = double(i) / double(count - 1);
    double v = mode == "log" ? a * std::pow(b / a, f) : a + (b - a) * f;
    if (i == 0) v = a;
    if (i == count - 1) v = b;
    values.push_back(format_quantity(v, unit));
  }
  return values;
}

SweepParam parse_sweep_param(const std::string& argument) {
  const size_t eq = argument.find('=');
  const std::string shown = "--param " + argument;
  if (eq == std::string::npos) {
    throw InputError(shown +
                     ": expected key=value,value,... or key=FROM..TO:log|lin:N (e.g. "
                     "supply.capacitance=10uF,22uF)");
  }
  SweepParam p;
  p.key = trim(argument.substr(0, eq));
  p.spec = argument.substr(eq + 1);
  if (p.key.empty()) throw InputError(shown + ": the scenario key before '=' is empty");
  for (const std::string& part : split(p.key, '.')) {
    if (part.empty()) {
      throw InputError(shown + ": scenario key \"" + p.key + "\" has an empty path component");
    }
  }
  const std::string what = "--param " + p.key;
  for (const std::string& raw : split(p.spec, ',')) {
    const std::string item = trim(raw);
    if (item.empty()) {
      throw InputError(what + ": empty value in \"" + p.spec +
                       "\" (expected comma-separated values)");
    }
    if (item.find("..") != std::string::npos) {
      for (std::string& v : expand_range(item, what)) p.values.push_back(std::move(v));
    } else {
      p.values.push_back(item);
    }
  }
  std::set<std::string> seen;
  for (const std::string& v : p.values) {
    if (!seen.insert(v).second) throw InputError(what + ": value \"" + v + "\" appears twice");
  }
  return p;
}

const std::vector<std::string>& default_sweep_metrics() {
  static const std::vector<std::string> kMetrics = {
      "end.reason",
      "time.simulated_s",
      "time.on_time_fraction",
      "power.boots",
      "power.power_failures",
      "energy.harvested_J",
      "energy.mcu_consumed_J",
      "energy.clipped_J",
      "mcu.cycles",
      "progress.commits",
      "progress.cycles_lost_to_reexecution",
      "progress.work_units_done",
      "progress.work_units_per_hour",
      "inference.completed",
      "inference.missed",
      "inference.accuracy",
      "inference.mean_latency_s",
      "inference.inferences_per_hour",
  };
  return kMetrics;
}

SweepPlan make_plan(const std::string& scenario_abs, const std::vector<SweepParam>& params,
                    bool zip, const std::vector<std::string>& metrics) {
  SweepPlan plan;
  plan.scenario = scenario_abs;
  plan.params = params;
  plan.zip = zip;
  plan.metrics = metrics;
  if (params.empty()) throw InputError("ehsim sweep: no --param given (expected at least one)");
  std::set<std::string> keys;
  for (const SweepParam& p : params) {
    if (!keys.insert(p.key).second) {
      throw InputError("--param " + p.key + ": given twice (list all its values in one --param)");
    }
  }
  std::vector<std::vector<size_t>> combos;
  if (zip) {
    for (const SweepParam& p : params) {
      if (p.values.size() != params[0].values.size()) {
        throw InputError("--zip: --param " + p.key + " has " + std::to_string(p.values.size()) +
                         " values but --param " + params[0].key + " has " +
                         std::to_string(params[0].values.size()) + " (zipped lists must match)");
      }
    }
    for (size_t i = 0; i < params[0].values.size(); ++i) {
      combos.push_back(std::vector<size_t>(params.size(), i));
    }
  } else {
    size_t total = 1;
    for (const SweepParam& p : params) {
      total *= p.values.size();
      if (total > 1000000) throw InputError("ehsim sweep: more than 1000000 points");
    }
    for (size_t n = 0; n < total; ++n) {
      std::vector<size_t> idx(params.size());
      size_t rest = n;
      for (size_t k = params.size(); k-- > 0;) {
        idx[k] = rest % params[k].values.size();
        rest /= params[k].values.size();
      }
      combos.push_back(idx);
    }
  }
  const int width = std::max<int>(4, int(std::to_string(combos.size() - 1).size()));
  for (size_t n = 0; n < combos.size(); ++n) {
    SweepPoint pt;
    pt.index = n;
    pt.name = std::to_string(n);
    if (pt.name.size() < size_t(width)) pt.name.insert(0, size_t(width) - pt.name.size(), '0');
    for (size_t k = 0; k < params.size(); ++k) {
      pt.sets.emplace_back(params[k].key, params[k].values[combos[n][k]]);
    }
    plan.points.push_back(pt);
  }
  return plan;
}

nlohmann::ordered_json SweepPlan::to_json() const {
  nlohmann::ordered_json j;
  j["schema"] = "ehsim-sweep-plan";
  j["schema_version"] = 1;
  j["scenario"] = scenario;
  j["zip"] = zip;
  j["params"] = nlohmann::ordered_json::array();
  for (const SweepParam& p : params) {
    j["params"].push_back({{"key", p.key}, {"spec", p.spec}, {"values", p.values}});
  }
  j["metrics"] = metrics;
  if (profile) j["profile"] = true;  // absent when false: older plans read the same
  j["points"] = nlohmann::ordered_json::array();
  for (const SweepPoint& pt : points) {
    nlohmann::ordered_json sets = nlohmann::ordered_json::object();
    for (const auto& [k, v] : pt.sets) sets[k] = v;
    j["points"].push_back({{"index", pt.index}, {"name", pt.name}, {"params", sets}});
  }
  return j;
}

SweepPlan SweepPlan::from_json(const nlohmann::json& j, const std::string& file) {
  SweepPlan plan;
  try {
    if (j.value("schema", "") != "ehsim-sweep-plan") {
      throw InputError(file + ": not an ehsim sweep plan (schema \"ehsim-sweep-plan\" expected)");
    }
    plan.scenario = j.at("scenario").get<std::string>();
    plan.zip = j.at("zip").get<bool>();
    for (const auto& p : j.at("params")) {
      plan.params.push_back({p.at("key").get<std::string>(), p.at("spec").get<std::string>(),
                             p.at("values").get<std::vector<std::string>>()});
    }
    plan.metrics = j.at("metrics").get<std::vector<std::string>>();
    plan.profile = j.value("profile", false);
    for (const auto& p : j.at("points")) {
      SweepPoint pt;
      pt.index = p.at("index").get<size_t>();
      pt.name = p.at("name").get<std::string>();
      for (const SweepParam& sp : plan.params) {
        pt.sets.emplace_back(sp.key, p.at("params").at(sp.key).get<std::string>());
      }
      plan.points.push_back(pt);
    }
  } catch (const nlohmann::json::exception& e) {
    throw InputError(file + ": malformed sweep plan: " + e.what());
  }
  return plan;
}

std::vector<std::string> point_run_args(const SweepPlan& plan, const SweepPoint& point,
                                        const std::string& point_dir) {
  std::vector<std::string> args = {"run", plan.scenario, "--out", point_dir, "--no-progress"};
  for (const auto& [k, v] : point.sets) {
    args.push_back("--set");
    args.push_back(k + "=" + v);
  }
  if (plan.profile) args.push_back("--profile");
  return args;
}

}  // namespace ehsim

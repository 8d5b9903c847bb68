#include "sim/report/report_sweep.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/report/report_svg.h"
#include "sim/scenario/units.h"
#include "sim/sweep/sweep_spec.h"

namespace ehsim {

namespace fs = std::filesystem;
using nlohmann::json;
using report::esc;
using report::num;

namespace {

constexpr size_t kMaxLines = 10;

struct ParamInfo {
  std::string key;
  std::vector<std::string> values;
  std::vector<double> numeric;  // empty when a value is not a quantity
  std::string unit;             // the values' unit symbol ("F", "V", "Hz", "s"; "" for numbers)
  bool log = false;
};

// Scenario and summary paths in words, for axis titles, plot titles and legends (a reader of
// the report need not know the JSON layout). Unknown paths: the components in words.
const std::map<std::string, std::string>& known_words() {
  static const std::map<std::string, std::string> kWords = {
      {"supply.capacitance", "supply capacitance"},
      {"supply.v_on", "turn-on voltage"},
      {"supply.v_off", "turn-off voltage"},
      {"supply.rated_voltage", "rated voltage"},
      {"supply.leakage", "capacitor leakage"},
      {"device.mclk", "MCLK frequency"},
      {"harvester.trace.file", "harvester trace"},
      {"harvester.scale", "harvester scale"},
      {"run.duration", "run duration"},
      {"firmware", "firmware"},
      {"seed", "seed"},
      {"end.reason", "end reason"},
      {"time.simulated_s", "simulated time (s)"},
      {"time.on_s", "powered time (s)"},
      {"time.on_time_fraction", "on-time fraction"},
      {"power.boots", "boots"},
      {"power.power_failures", "power failures"},
      {"energy.harvested_J", "harvested energy (J)"},
      {"energy.mcu_consumed_J", "energy consumed by the MCU (J)"},
      {"energy.clipped_J", "clipped energy (J)"},
      {"energy.delivered_J", "energy delivered (J)"},
      {"mcu.cycles", "MCU cycles"},
      {"mcu.instructions", "instructions"},
      {"progress.commits", "commits"},
      {"progress.cycles_lost_to_reexecution", "cycles lost to re-execution"},
      {"progress.work_units_done", "work units done"},
      {"progress.work_units_per_hour", "work units per hour"},
      {"inference.completed", "inferences completed"},
      {"inference.missed", "inferences missed"},
      {"inference.accuracy", "inference accuracy"},
      {"inference.mean_latency_s", "mean inference latency (s)"},
      {"inference.inferences_per_hour", "inferences per hour"},
  };
  return kWords;
}

std::string in_words(const std::string& path) {
  const auto it = known_words().find(path);
  if (it != known_words().end()) return it->second;
  std::string words = path, unit;
  // A summary figure's unit suffix (harvested_J) becomes "(J)".
  for (const char* u : {"_s", "_J", "_W", "_V", "_A", "_F", "_C", "_Hz"}) {
    const size_t n = std::strlen(u);
    if (words.size() > n && words.compare(words.size() - n, n, u) == 0) {
      unit = std::string(" (") + (u + 1) + ")";
      words.resize(words.size() - n);
      break;
    }
  }
  for (char& c : words) {
    if (c == '.' || c == '_') c = ' ';
  }
  return words + unit;
}

// A parameter value as the report shows it: a quantity with a space and its unit ("47 µF"), a
// file path as its file name.
std::string shown_value(const ParamInfo& p, const std::string& v) {
  if (!p.numeric.empty()) {
    const auto n = numeric_value(v);
    if (n && !p.unit.empty()) return report::si_unit(*n, p.unit);
    return v;
  }
  return v.find('/') != std::string::npos ? fs::path(v).filename().string() : v;
}

ParamInfo param_info(const json& p) {
  ParamInfo info;
  info.key = p.at("key").get<std::string>();
  info.values = p.at("values").get<std::vector<std::string>>();
  for (const std::string& v : info.values) {
    const auto n = numeric_value(v);
    if (!n) {
      info.numeric.clear();
      break;
    }
    info.numeric.push_back(*n);
    // Values of one parameter share a unit ("10uF..1mF" expands to F values); the first names it.
    if (info.numeric.size() == 1) info.unit = quantity_unit(v).value_or("");
  }
  if (!info.numeric.empty()) {
    const auto [lo, hi] = std::minmax_element(info.numeric.begin(), info.numeric.end());
    const bool positive = *lo > 0;
    const bool capacitance =
        info.key.size() >= 11 && info.key.compare(info.key.size() - 11, 11, "capacitance") == 0;
    info.log = positive && (capacitance || *hi / *lo >= 20);
  }
  return info;
}

// A parameter value in a table: a file path shows its file name, the whole path in the title.
std::string param_cell(const std::string& v) {
  if (v.find('/') == std::string::npos) return "<td class=\"wrap\">" + esc(v) + "</td>";
  return "<td class=\"wrap\" title=\"" + esc(v) + "\">" + esc(fs::path(v).filename().string()) +
         "</td>";
}

std::string value_cell(const json& v, const std::string& key) {
  std::string text = v.is_number()   ? num(v.get<double>())
                     : v.is_string() ? v.get<std::string>()
                     : v.is_null()   ? ""
                                     : v.dump();
  return "<td class=\"num\" data-key=\"" + esc(key) + "\" data-value=\"" + esc(v.dump()) + "\">" +
         esc(text) + "</td>";
}

// A point's summary.json, or null when it is missing or unreadable.
json point_summary(const fs::path& sweep_dir, const std::string& name) {
  return report::read_json_file(sweep_dir / "points" / name / "summary.json", false);
}

double number_or_nan(const json& v) {
  return v.is_number() ? v.get<double>() : NAN;
}

// Exit distribution of FreeML runs: per completed point, the mean harvested power
// (energy.harvested_J / time.simulated_s), the completed inferences, and each exit layer's count,
// share and accuracy from the point's summary.json (inference.exits), as a table and as plots
// against the mean harvested power. Empty when no point has inference exits.
std::string exits_section(const fs::path& sweep_dir, const json& points,
                          const std::vector<ParamInfo>& params) {
  struct Row {
    std::string name;
    const json* point;
    double power_W;
    json inference;
  };
  std::vector<Row> rows;
  std::vector<int64_t> layers;
  for (const json& pt : points) {
    if (pt.value("status", "") != "ok") continue;
    const std::string name = pt.value("name", "");
    const json s = point_summary(sweep_dir, name);
    if (!s.is_object() || !s.contains("inference") || !s["inference"].is_object()) continue;
    const json& inf = s["inference"];
    if (!inf.contains("exits") || !inf["exits"].is_array()) continue;
    for (const json& e : inf["exits"]) {
      const int64_t l = e.value("layer", int64_t(-1));
      if (std::find(layers.begin(), layers.end(), l) == layers.end()) layers.push_back(l);
    }
    double sim_s = NAN, harvested = NAN;
    if (s.contains("time")) sim_s = number_or_nan(s["time"].value("simulated_s", json()));
    if (s.contains("energy")) harvested = number_or_nan(s["energy"].value("harvested_J", json()));
    rows.push_back({name, &pt, sim_s > 0 ? harvested / sim_s : NAN, inf});
  }
  if (rows.empty()) return "";
  std::sort(layers.begin(), layers.end());
  // One exit layer of one point: its count (0 when the layer never answered), its share of the
  // completed inferences and its accuracy (null / NaN when undefined).
  struct LayerExits {
    json count;
    double share;
    json accuracy;
  };
  const auto layer_exits = [](const json& inf, int64_t layer) {
    const double done = number_or_nan(inf.value("completed", json()));
    for (const json& e : inf["exits"]) {
      if (e.value("layer", int64_t(-1)) != layer) continue;
      const json count = e.value("count", json());
      return LayerExits{count, done > 0 ? number_or_nan(count) / done : NAN,
                        e.value("accuracy", json())};
    }
    return LayerExits{json(0), done > 0 ? 0.0 : NAN, json()};
  };
  const auto cell = [](const std::string& key, const json& v) { return value_cell(v, key); };

  std::ostringstream out;
  out << "<h2>Exit distribution</h2>\n<p class=\"sub\">From each completed point's summary.json "
         "(inference.exits); mean harvested power = energy.harvested_J / time.simulated_s. "
         "Share: the layer's exits over the completed inferences.</p>\n"
         "<div class=\"table-box\"><table class=\"exits-by-point\"><tr><th>#</th>";
  for (const ParamInfo& p : params) out << "<th class=\"wrap\">" << esc(p.key) << "</th>";
  out << "<th>mean harvested power (W)</th><th>completed</th><th>accuracy</th>";
  for (int64_t l : layers) out << "<th>layer " << l << " count</th>";
  for (int64_t l : layers) out << "<th>layer " << l << " share</th>";
  for (int64_t l : layers) out << "<th>layer " << l << " accuracy</th>";
  out << "</tr>\n";
  std::vector<double> powers;
  for (const Row& r : rows) {
    const std::string base = "exits." + r.name + ".";
    out << "<tr><td><a href=\"points/" << esc(r.name) << "/report.html\">" << esc(r.name)
        << "</a></td>";
    for (const ParamInfo& p : params) out << param_cell(r.point->at("params").value(p.key, ""));
    const json completed = r.inference.value("completed", json());
    out << cell(base + "mean_harvested_W", std::isfinite(r.power_W) ? json(r.power_W) : json())
        << cell(base + "completed", completed)
        << cell(base + "accuracy", r.inference.value("accuracy", json()));
    std::vector<LayerExits> per_layer;
    for (int64_t l : layers) per_layer.push_back(layer_exits(r.inference, l));
    for (size_t k = 0; k < layers.size(); ++k)
      out << cell(base + "layer" + std::to_string(layers[k]) + ".count", per_layer[k].count);
    for (size_t k = 0; k < layers.size(); ++k) {
      const double share = per_layer[k].share;
      out << cell(base + "layer" + std::to_string(layers[k]) + ".share",
                  std::isfinite(share) ? json(share) : json());
    }
    for (size_t k = 0; k < layers.size(); ++k)
      out << cell(base + "layer" + std::to_string(layers[k]) + ".accuracy", per_layer[k].accuracy);
    out << "</tr>\n";
    if (std::isfinite(r.power_W)) powers.push_back(r.power_W);
  }
  out << "</table></div>\n";

  // Share and accuracy of each exit layer against the mean harvested power.
  if (powers.size() >= 2) {
    std::vector<size_t> order(rows.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return rows[a].power_W < rows[b].power_W; });
    const auto [lo, hi] = std::minmax_element(powers.begin(), powers.end());
    for (const bool accuracy : {false, true}) {
      report::Plot plot;
      plot.id = accuracy ? "exits-accuracy-vs-power" : "exits-share-vs-power";
      plot.title = accuracy ? "accuracy per exit layer vs mean harvested power"
                            : "share of inferences per exit layer vs mean harvested power";
      plot.x.log = *lo > 0 && *hi / *lo >= 20;
      plot.x.label = std::string("mean harvested power (W") + (plot.x.log ? ", log)" : ")");
      plot.y.label = accuracy ? "accuracy" : "share of completed";
      plot.height = 300;
      std::vector<double> ys;
      for (int64_t l : layers) {
        report::Series s;
        s.name = "layer " + std::to_string(l);
        s.dots = true;
        for (size_t i : order) {
          const Row& r = rows[i];
          if (!std::isfinite(r.power_W)) continue;
          const LayerExits x = layer_exits(r.inference, l);
          const double y = accuracy ? number_or_nan(x.accuracy) : x.share;
          s.x.push_back(r.power_W);
          s.y.push_back(y);
          if (std::isfinite(y)) ys.push_back(y);
        }
        plot.series.push_back(s);
      }
      report::fit_axis(plot.x, powers, false);
      report::fit_axis(plot.y, ys, true);
      out << report::render_plot(plot);
    }
  }
  return out.str();
}
}  // namespace

std::string sweep_report_html(const std::string& sweep_dir) {
  const fs::path file = fs::path(sweep_dir) / "sweep.json";
  json sweep;
  {
    std::ifstream in(file);
    if (!in) throw InputError(file.string() + ": cannot read");
    try {
      sweep = json::parse(in);
    } catch (const json::exception& e) {
      throw InputError(file.string() + ": not valid JSON: " + e.what());
    }
  }
  std::vector<ParamInfo> params;
  for (const json& p : sweep.at("params")) params.push_back(param_info(p));
  const json& points = sweep.at("points");
  const std::vector<std::string> metrics = sweep.at("metrics").get<std::vector<std::string>>();
  // Plotted: metrics with a number in some point that is not the same in every point.
  std::vector<std::string> numeric_metrics, constant_metrics;
  for (const std::string& m : metrics) {
    std::vector<double> values;
    for (const json& pt : points) {
      const json& v = pt["metrics"].value(m, json());
      if (v.is_number()) values.push_back(v.get<double>());
    }
    if (values.empty()) continue;
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    (*lo == *hi && values.size() > 1 ? constant_metrics : numeric_metrics).push_back(m);
  }
  const json& counts = sweep.at("counts");

  std::ostringstream body;
  body << "<h1>ehsim sweep: " << esc(fs::path(sweep.value("scenario", "")).filename().string())
       << "</h1>\n<p class=\"sub\">" << esc(sweep.value("scenario", "")) << "; "
       << counts.value("points", 0) << " points ("
       << (sweep.value("zip", false) ? "zip" : "product") << " of";
  for (const ParamInfo& p : params) body << ' ' << esc(p.key) << " [" << p.values.size() << "]";
  body << "): <span data-key=\"counts.ok\">" << counts.value("ok", 0)
       << "</span> ok, <span data-key=\"counts.failed\">" << counts.value("failed", 0)
       << "</span> failed, <span data-key=\"counts.missing\">" << counts.value("missing", 0)
       << "</span> missing</p>\n";

  // One plot per metric and swept parameter; lines are the combinations of the other parameters.
  body << "<h2>Metrics against parameters</h2>\n";
  if (numeric_metrics.empty()) body << "<p>No metric varies across the completed points.</p>\n";
  if (!constant_metrics.empty()) {
    body << "<p class=\"sub\">The same in every completed point (not plotted):";
    for (const std::string& m : constant_metrics) body << ' ' << esc(m);
    body << "</p>\n";
  }
  for (const std::string& m : numeric_metrics) {
    for (size_t pi = 0; pi < params.size(); ++pi) {
      const ParamInfo& xp = params[pi];
      if (xp.values.size() < 2) continue;  // one value: nothing to plot against
      report::Plot plot;
      plot.id = "sweep-" + m + "-" + xp.key;
      plot.title = in_words(m) + " vs " + in_words(xp.key);
      plot.x.label = in_words(xp.key) + (xp.log ? " (log scale)" : "");
      plot.x.unit = xp.unit;
      plot.y.label = in_words(m);
      plot.height = 300;
      plot.x.log = xp.log;
      const bool categorical = xp.numeric.empty();
      if (categorical) {
        for (const std::string& v : xp.values) plot.x.categories.push_back(shown_value(xp, v));
      }
      std::map<std::string, report::Series> lines;  // keyed by the other parameters' values
      std::map<std::string, std::string> legends;   // the same in words
      std::vector<std::string> order;
      std::vector<double> xs, ys;
      for (const json& pt : points) {
        const json& pp = pt.at("params");
        std::string label, legend;
        for (size_t k = 0; k < params.size(); ++k) {
          if (k == pi) continue;
          std::string v = pp.value(params[k].key, std::string());
          const std::string shown = shown_value(params[k], v);
          // File paths: the file name is what tells lines apart.
          if (v.find('/') != std::string::npos) v = fs::path(v).filename().string();
          label += (label.empty() ? "" : ", ") + params[k].key + "=" + v;
          legend += (legend.empty() ? "" : ", ") + in_words(params[k].key) + " " + shown;
        }
        const std::string xv = pp.value(xp.key, std::string());
        const auto at = std::find(xp.values.begin(), xp.values.end(), xv);
        if (at == xp.values.end()) continue;
        const size_t vi = size_t(at - xp.values.begin());
        const double x = xp.numeric.empty() ? double(vi) : xp.numeric[vi];
        const json& yv = pt.at("metrics").value(m, json());
        const double y = yv.is_number() ? yv.get<double>() : NAN;
        if (!lines.count(label)) {
          order.push_back(label);
          lines[label].name = label;
          lines[label].legend = legend;
          lines[label].dots = true;
          // A categorical parameter has no order between its values: points, no line.
          lines[label].line = !categorical;
        }
        lines[label].x.push_back(x);
        lines[label].y.push_back(y);
        xs.push_back(x);
        if (std::isfinite(y)) ys.push_back(y);
      }
      const size_t drawn = std::min(order.size(), kMaxLines);
      for (size_t i = 0; i < drawn; ++i) {
        report::Series s = lines[order[i]];
        // Categories: the groups side by side within each category's slot.
        if (categorical && drawn > 1) {
          for (double& x : s.x) x += (double(i) - double(drawn - 1) / 2) * 0.4 / double(drawn);
        }
        // Sort by x so lines run left to right whatever the point order.
        std::vector<size_t> idx(s.x.size());
        for (size_t k = 0; k < idx.size(); ++k) idx[k] = k;
        std::stable_sort(idx.begin(), idx.end(),
                         [&](size_t a, size_t b) { return s.x[a] < s.x[b]; });
        report::Series sorted = s;
        for (size_t k = 0; k < idx.size(); ++k) {
          sorted.x[k] = s.x[idx[k]];
          sorted.y[k] = s.y[idx[k]];
        }
        if (sorted.name.empty()) sorted.name = "";
        plot.series.push_back(sorted);
      }
      report::fit_axis(plot.x, xs, false);
      report::fit_axis(plot.y, ys, true);
      body << report::render_plot(plot);
      if (order.size() > kMaxLines) {
        body << "<p class=\"sub\">(" << order.size() - kMaxLines
             << " more lines not drawn; see sweep.csv)</p>\n";
      }
    }
  }

  // The table of points.
  // In its own scrolling box (a sweep with many metrics is wider than the window), headers
  // wrapping anywhere (summary paths have no spaces), file paths as their file name.
  body << "<h2>Points</h2>\n<div class=\"table-box\"><table class=\"points\"><tr><th>#</th>";
  for (const ParamInfo& p : params) body << "<th class=\"wrap\">" << esc(p.key) << "</th>";
  body << "<th>status</th>";
  for (const std::string& m : metrics) body << "<th class=\"wrap\">" << esc(m) << "</th>";
  body << "</tr>\n";
  std::string failures;
  for (const json& pt : points) {
    const std::string status = pt.value("status", "");
    const std::string name = pt.value("name", "");
    body << "<tr class=\"" << esc(status) << "\"><td><a href=\"points/" << esc(name)
         << "/report.html\">" << esc(name) << "</a></td>";
    for (const ParamInfo& p : params) body << param_cell(pt.at("params").value(p.key, ""));
    body << "<td>" << esc(status) << "</td>";
    for (const std::string& m : metrics) {
      body << value_cell(pt.at("metrics").value(m, json()), "points." + name + "." + m);
    }
    body << "</tr>\n";
    if (pt.value("error", json()).is_string()) {
      failures += "<h3>point " + esc(name) + "</h3><pre>" + esc(pt["error"].get<std::string>()) +
                  "</pre>\n";
    }
  }
  body << "</table></div>\n";
  body << exits_section(fs::path(sweep_dir), points, params);
  if (!failures.empty()) body << "<h2>Failures</h2>\n" << failures;
  body << "<p class=\"sub\">Generated by ehsim sweep from sweep.json.</p>\n";
  return report::html_page("ehsim sweep", body.str());
}

bool write_sweep_report(const std::string& sweep_dir) {
  return report::write_report_html(sweep_dir, "ehsim sweep",
                                   [&] { return sweep_report_html(sweep_dir); });
}

}  // namespace ehsim

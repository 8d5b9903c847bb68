#include "sim/report/report_run.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "sim/report/report_profile.h"
#include "sim/report/report_svg.h"
#include "sim/scenario/units.h"

namespace ehsim {

namespace fs = std::filesystem;
using nlohmann::json;
using report::esc;
using report::num;

namespace {

// Time bins of the plots: more than the ~850 pixel columns of a plot's data area, so the voltage
// envelope (min/max per bin) is at least per-pixel.
constexpr size_t kBins = 1200;
constexpr size_t kMaxMarkerSeries = 6;
constexpr size_t kMaxUartLines = 200;
constexpr size_t kMaxGpioLanes = 16;

// The value at a dotted summary path, or nullptr when a component is absent (a present null is
// a value: "accuracy": null shows as n/a).
const json* find_path(const json& j, const std::string& dotted) {
  const json* cur = &j;
  std::stringstream ss(dotted);
  for (std::string part; std::getline(ss, part, '.');) {
    if (cur->is_object() && cur->contains(part)) {
      cur = &(*cur)[part];
    } else if (cur->is_array() && !part.empty() &&
               part.find_first_not_of("0123456789") == std::string::npos &&
               std::stoul(part) < cur->size()) {
      cur = &(*cur)[std::stoul(part)];
    } else {
      return nullptr;
    }
  }
  return cur;
}

const json& at_path(const json& j, const std::string& dotted) {
  static const json kNull;
  const json* v = find_path(j, dotted);
  return v ? *v : kNull;
}

// One table cell holding a summary figure: data-key is its summary.json path, data-value the
// exact JSON text, and the visible text the %.6g rounding (report::num) of a number.
std::string value_cell(const json& v, const std::string& key) {
  std::string text;
  if (v.is_number()) {
    text = num(v.get<double>());
  } else if (v.is_string()) {
    text = v.get<std::string>();
  } else if (v.is_null()) {
    text = "n/a";
  } else {
    text = v.dump();
  }
  return "<td class=\"num\" data-key=\"" + esc(key) + "\" data-value=\"" + esc(v.dump()) + "\">" +
         esc(text) + "</td>";
}

std::string figures_table(const json& summary,
                          const std::vector<std::pair<std::string, std::string>>& rows) {
  std::string s = "<table class=\"figures\">";
  for (const auto& [key, label] : rows) {
    const json* v = find_path(summary, key);
    if (!v) continue;  // older summaries or runs without that section
    s += "<tr><th>" + esc(label) + "</th>" + value_cell(*v, key) + "<td class=\"key\">" + esc(key) +
         "</td></tr>";
  }
  return s + "</table>\n";
}

double threshold(const json& scenario, const char* key, double fallback) {
  try {
    if (scenario.is_object() && scenario.contains("supply") && scenario["supply"].contains(key)) {
      return json_quantity(scenario["supply"][key], "V", std::string("/supply/") + key);
    }
  } catch (const InputError&) {
  }
  return fallback;
}

std::optional<uint16_t> marker_id(const json& v) {
  if (v.is_number_integer()) return uint16_t(v.get<int>());
  return std::nullopt;
}

std::string hex_id(uint16_t id) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%02x", id);
  return buf;
}

report::Series series(const std::string& name, const std::string& col) {
  report::Series s;
  s.name = name;
  s.color = col;
  return s;
}

// A plot against simulated time; `right` lines its time axis up with the voltage plot's.
report::Plot time_plot(const std::string& id, const std::string& title, const std::string& y_label,
                       const report::Axis& time_axis, double right) {
  report::Plot p;
  p.id = id;
  p.title = title;
  p.x = time_axis;
  p.y.label = y_label;
  p.min_right = right;
  return p;
}

// How the report names a marker everywhere: the firmware-given name with its id, else the id.
std::string marker_label(uint16_t id, const std::map<uint16_t, std::string>& names) {
  const auto it = names.find(id);
  if (it != names.end() && !it->second.empty()) return it->second + " (" + hex_id(id) + ")";
  return "marker " + hex_id(id);
}

// The "GPIO" section: one lane per port bit that changes, from the gpio events (port output
// values). Each lane is drawn as the min/max of the bit's level per time bin, so a bin holding
// many changes shows as a filled block and the SVG stays bounded however often a pin toggles.
struct GpioPort {
  std::vector<std::pair<double, uint32_t>> changes;  // time, value (in event order)
  uint64_t events = 0;
};

std::string gpio_section(const std::map<std::string, GpioPort>& ports, double end_s,
                         const report::Axis& time_axis, double right) {
  std::string out = "<h2>GPIO</h2>\n";
  if (ports.empty()) return out + "<p>No GPIO output changes were recorded.</p>\n";
  out += "<table class=\"gpio\"><tr><th>port</th><th>events</th><th>last value</th></tr>";
  struct Lane {
    std::string name;
    const GpioPort* port;
    unsigned bit;
  };
  std::vector<Lane> lanes;
  size_t hidden = 0;
  for (const auto& [name, port] : ports) {
    char last[16];
    std::snprintf(last, sizeof last, "0x%02x",
                  unsigned(port.changes.empty() ? 0 : port.changes.back().second));
    out += "<tr><th>" + esc(name) + "</th><td class=\"num\">" + std::to_string(port.events) +
           "</td><td class=\"num\">" + last + "</td></tr>";
    uint32_t ever_changed = 0;
    for (size_t k = 1; k < port.changes.size(); ++k) {
      ever_changed |= port.changes[k].second ^ port.changes[k - 1].second;
    }
    // A port that never changes still gets a lane (bit 0) so it shows on the timeline.
    if (!ever_changed && !port.changes.empty()) ever_changed = port.changes.front().second & 1u;
    for (unsigned bit = 0; bit < 32; ++bit) {
      if (!(ever_changed >> bit & 1u)) continue;
      if (lanes.size() >= kMaxGpioLanes) {
        ++hidden;
        continue;
      }
      lanes.push_back({name + "." + std::to_string(bit), &port, bit});
    }
  }
  out += "</table>\n";
  if (lanes.empty()) return out;
  report::Plot pg = time_plot(
      "gpio", "GPIO outputs (one lane per pin that changes; filled: several changes per column)",
      "pin", time_axis, right);
  pg.height = int(std::max<size_t>(160, 90 + 28 * lanes.size()));
  // Lane 0 at the top.
  for (size_t i = lanes.size(); i-- > 0;) pg.y.categories.push_back(lanes[i].name);
  report::fit_axis(pg.y, {}, false);
  for (size_t i = 0; i < lanes.size(); ++i) {
    const Lane& lane = lanes[i];
    const double base = double(lanes.size() - 1 - i) - 0.3;
    std::vector<double> lo(kBins, NAN), hi(kBins, NAN);
    int level = -1;  // unknown before the first event
    size_t next = 0;
    const auto& ch = lane.port->changes;
    for (size_t b = 0; b < kBins; ++b) {
      const double t1 = (double(b) + 1) * end_s / double(kBins);
      int mn = level, mx = level;
      for (; next < ch.size() && (ch[next].first < t1 || b + 1 == kBins); ++next) {
        level = int(ch[next].second >> lane.bit & 1u);
        mn = mn < 0 ? level : std::min(mn, level);
        mx = std::max(mx, level);
      }
      if (mn < 0) continue;
      lo[b] = base + 0.6 * mn;
      hi[b] = base + 0.6 * mx;
    }
    report::Series s = series(lane.name, report::color(i));
    // Each run of bins with the same range as its two ends: level edges are vertical, and a pin
    // held for long costs two points.
    const auto same = [&](size_t a, size_t b) {
      return !std::isnan(lo[a]) && !std::isnan(lo[b]) && lo[a] == lo[b] && hi[a] == hi[b];
    };
    for (size_t b = 0; b < kBins; ++b) {
      if (std::isnan(lo[b])) continue;
      const bool first = b == 0 || !same(b - 1, b), last = b + 1 == kBins || !same(b, b + 1);
      for (const auto& [edge, keep] : {std::pair{0.0, first}, std::pair{1.0, last}}) {
        if (!keep) continue;
        s.x.push_back((double(b) + edge) * end_s / double(kBins));
        s.y.push_back(lo[b]);
        s.y_hi.push_back(hi[b]);
      }
    }
    pg.series.push_back(s);
  }
  out += report::render_plot(pg);
  if (hidden) {
    out += "<p class=\"sub\">(" + std::to_string(hidden) + " more changing pins not drawn)</p>\n";
  }
  return out;
}

// The "UART output" section: the firmware's UART text lines, HTML-escaped, the first
// kMaxUartLines of them.
std::string uart_section(const std::vector<std::string>& first, uint64_t total) {
  std::string out = "<h2>UART output</h2>\n";
  if (total == 0) return out + "<p>The firmware wrote no UART text.</p>\n";
  out += "<pre class=\"uart\">";
  for (const std::string& line : first) out += esc(line) + "\n";
  out += "</pre>\n";
  if (total > first.size()) {
    out += "<p class=\"sub uart-more\">\u2026 " + std::to_string(total - first.size()) +
           " more lines (events.jsonl has them all)</p>\n";
  }
  return out;
}

}  // namespace

std::string run_report_html(const std::string& out_dir) {
  const fs::path dir(out_dir);
  const json summary = report::read_json_file(dir / "summary.json", true);
  const json scenario = report::read_json_file(dir / "scenario.json", false);
  double end_s = at_path(summary, "time.simulated_s").is_number()
                     ? at_path(summary, "time.simulated_s").get<double>()
                     : 0.0;
  const double v_on = threshold(scenario, "v_on", 1.9), v_off = threshold(scenario, "v_off", 1.8);

  // --- timeseries.csv, streamed into bins (a day-long run has millions of rows). The voltage
  // envelope's resolution: every row (one per outputs.timeseries_period, default 10 ms; a row is
  // an instantaneous sample, the run records no min/max within a row's interval) plus every
  // event that records the capacitor voltage (boot: the voltage the MCU turned on at, i.e. the
  // top of a charge peak), so a peak that reaches v_on between two rows still reaches v_on.
  struct Bin {
    double vmin = INFINITY, vmax = -INFINITY, vsum = 0, hsum = 0;
    size_t n = 0;   // timeseries rows
    size_t en = 0;  // envelope samples: rows and events with capacitor_V
  };
  std::vector<Bin> bins(kBins);
  size_t samples = 0;
  bool have_series = false;
  double last_t = 0;
  {
    std::ifstream in(dir / "timeseries.csv");
    std::string line;
    if (in && std::getline(in, line)) {
      std::vector<std::string> header;
      std::stringstream hs(line);
      for (std::string c; std::getline(hs, c, ',');) header.push_back(c);
      const auto col = [&](const char* name) {
        const auto it = std::find(header.begin(), header.end(), name);
        return it == header.end() ? -1 : int(it - header.begin());
      };
      const int ct = col("time_s"), cv = col("capacitor_V"), ch = col("harvested_W");
      have_series = ct >= 0 && cv >= 0;
      if (!(end_s > 0)) end_s = 1;  // bins need a span; fixed below if the series is longer
      std::vector<double> cells;
      while (have_series && std::getline(in, line)) {
        cells.clear();
        const char* p = line.c_str();
        while (*p) {
          char* e = nullptr;
          cells.push_back(std::strtod(p, &e));
          p = e;
          while (*p && *p != ',') ++p;
          if (*p == ',') ++p;
        }
        if (int(cells.size()) <= std::max({ct, cv, ch})) continue;
        const double t = cells[size_t(ct)];
        last_t = t;
        const size_t b = std::min(kBins - 1, size_t(std::max(0.0, t / end_s * double(kBins))));
        Bin& bin = bins[b];
        const double v = cells[size_t(cv)];
        bin.vmin = std::min(bin.vmin, v);
        bin.vmax = std::max(bin.vmax, v);
        bin.vsum += v;
        if (ch >= 0) bin.hsum += cells[size_t(ch)];
        ++bin.n;
        ++bin.en;
        ++samples;
      }
    }
  }
  if (!(end_s > 0)) end_s = last_t > 0 ? last_t : 1;

  // --- events.jsonl: powered intervals, markers and other event kinds, binned.
  std::vector<report::Band> on;
  double on_since = -1;
  std::map<uint16_t, std::vector<uint64_t>> marker_bins;
  std::map<uint16_t, std::string> marker_names;  // firmware-given, first seen
  std::map<std::string, std::vector<uint64_t>> kind_bins;
  std::vector<std::string> uart_lines;
  uint64_t uart_total = 0;
  std::map<std::string, GpioPort> gpio;
  static const std::set<std::string> kPlain = {"boot", "power_loss",  "end",   "marker",
                                               "uart", "host_log",    "reset", "fault",
                                               "gpio", "boot_aborted"};
  const auto bin_of = [&](double t) {
    return std::min(kBins - 1, size_t(std::max(0.0, t / end_s * double(kBins))));
  };
  const double merge_gap = end_s / 2000.0;
  const auto add_on = [&](double t0, double t1) {
    if (!on.empty() && t0 - on.back().x1 < merge_gap) {
      on.back().x1 = t1;
    } else {
      on.push_back({t0, t1});
    }
  };
  {
    std::ifstream in(dir / "events.jsonl");
    for (std::string line; std::getline(in, line);) {
      json e;
      try {
        e = json::parse(line);
      } catch (const json::exception&) {
        continue;
      }
      if (!e.is_object() || !e.contains("event") || !e["time_s"].is_number()) continue;
      if (!e["event"].is_string()) continue;
      const std::string kind = e["event"].get<std::string>();
      const double t = e["time_s"].get<double>();
      // A boot without capacitor_V (older events.jsonl) happened at v_on all the same.
      const bool has_v = e.contains("capacitor_V") && e["capacitor_V"].is_number();
      if ((has_v || kind == "boot") && have_series) {
        Bin& bin = bins[bin_of(t)];
        const double v = has_v ? e["capacitor_V"].get<double>() : v_on;
        bin.vmin = std::min(bin.vmin, v);
        bin.vmax = std::max(bin.vmax, v);
        ++bin.en;
      }
      if (kind == "uart") {
        ++uart_total;
        if (uart_lines.size() < kMaxUartLines && e.contains("text") && e["text"].is_string()) {
          uart_lines.push_back(e["text"].get<std::string>());
        }
        continue;
      }
      if (kind == "gpio") {
        if (!e.contains("port") || !e["port"].is_string() || !e.contains("value") ||
            !e["value"].is_number_integer()) {
          continue;
        }
        GpioPort& port = gpio[e["port"].get<std::string>()];
        ++port.events;
        port.changes.emplace_back(t, uint32_t(e["value"].get<int64_t>()));
        continue;
      }
      if (kind == "boot") {
        if (on_since < 0) on_since = t;
      } else if (kind == "power_loss" || kind == "end") {
        if (on_since >= 0) add_on(on_since, t);
        on_since = -1;
      } else if (kind == "marker") {
        const auto id = marker_id(e.value("id", json()));
        if (!id) continue;
        if (e.contains("name") && e["name"].is_string() && !marker_names.count(*id)) {
          marker_names[*id] = e["name"].get<std::string>();
        }
        auto& v = marker_bins[*id];
        if (v.empty()) v.assign(kBins, 0);
        ++v[bin_of(t)];
      } else if (!kPlain.count(kind)) {
        auto& v = kind_bins[kind];
        if (v.empty()) v.assign(kBins, 0);
        ++v[bin_of(t)];
      }
    }
    if (on_since >= 0) add_on(on_since, end_s);
  }
  const json& summary_markers = at_path(summary, "progress.markers");
  if (summary_markers.is_array()) {
    for (const json& m : summary_markers) {
      const auto id = m.is_object() ? marker_id(m.value("id", json())) : std::nullopt;
      if (id && m.contains("name") && m["name"].is_string()) {
        marker_names[*id] = m["name"].get<std::string>();
      }
    }
  }

  std::ostringstream body;
  const std::string name = at_path(summary, "scenario.name").is_string()
                               ? at_path(summary, "scenario.name").get<std::string>()
                               : out_dir;
  body << "<h1>ehsim run: " << esc(name) << "</h1>\n<p class=\"sub\">firmware "
       << esc(at_path(summary, "scenario.firmware").dump()) << ", trace "
       << esc(at_path(summary, "scenario.trace").dump()) << ", seed "
       << esc(at_path(summary, "scenario.seed").dump())
       << "; ended: " << esc(at_path(summary, "end.reason").dump()) << "</p>\n";

  body << "<h2>Run</h2>\n"
       << figures_table(summary, {{"end.reason", "end"},
                                  {"time.simulated_s", "simulated time (s)"},
                                  {"time.on_s", "powered time (s)"},
                                  {"time.on_time_fraction", "on-time fraction"},
                                  {"time.first_boot_s", "first boot (s)"},
                                  {"power.boots", "boots"},
                                  {"power.power_failures", "power failures"},
                                  {"mcu.instructions", "instructions"},
                                  {"mcu.cycles", "cycles"},
                                  {"mcu.fram_writes", "FRAM writes"},
                                  {"progress.commits", "commits"},
                                  {"progress.cycles_lost_to_reexecution", "cycles re-executed"},
                                  {"progress.work_units_done", "work units done"},
                                  {"progress.work_units_per_hour", "work units per hour"}});

  const double x_max = end_s;
  report::Axis time_axis;
  time_axis.label = "simulated time (s)";
  time_axis.lo = 0;
  time_axis.hi = x_max;

  // The time plots share the voltage plot's right margin (its threshold labels), so their time
  // axes line up.
  const std::string on_label = "v_on " + num(v_on) + " V", off_label = "v_off " + num(v_off) + " V";
  const double right = 14 + std::max(report::text_width(on_label), report::text_width(off_label));
  body << "<h2>Supply</h2>\n";
  if (have_series && samples > 0) {
    report::Plot pv = time_plot("voltage", "capacitor voltage (shaded: MCU powered)",
                                "capacitor voltage (V)", time_axis, 0);
    // The envelope (every sample, min/max per bin) and the mean per bin in distinct colours.
    report::Series env = series("min/max", "#9467bd");
    env.legend = "min/max per column (all samples)";
    report::Series mean = series("capacitor V", report::color(0));
    mean.legend = "capacitor voltage (mean per column)";
    std::vector<double> ys = {v_on, v_off, 0.0};
    for (size_t b = 0; b < kBins; ++b) {
      if (!bins[b].en) continue;
      const double t = (double(b) + 0.5) * end_s / double(kBins);
      env.x.push_back(t);
      env.y.push_back(bins[b].vmin);
      env.y_hi.push_back(bins[b].vmax);
      ys.push_back(bins[b].vmax);
      if (!bins[b].n) continue;
      mean.x.push_back(t);
      mean.y.push_back(bins[b].vsum / double(bins[b].n));
    }
    report::fit_axis(pv.y, ys, true);
    pv.series.push_back(env);
    pv.series.push_back(mean);
    pv.bands = on;
    pv.band_label = "powered";
    pv.hlines = {{v_on, on_label, "#d62728"}, {v_off, off_label, "#ff7f0e"}};
    body << report::render_plot(pv);

    report::Plot ph = time_plot("harvested", "harvested power (mean per bin)",
                                "harvested power (W)", time_axis, right);
    report::Series hs = series("harvested W", report::color(2));
    for (size_t b = 0; b < kBins; ++b) {
      if (!bins[b].n) continue;
      hs.x.push_back((double(b) + 0.5) * end_s / double(kBins));
      hs.y.push_back(bins[b].hsum / double(bins[b].n));
    }
    report::fit_axis(ph.y, hs.y, true);
    ph.series.push_back(hs);
    ph.bands = on;
    ph.band_label = "powered";
    body << report::render_plot(ph);
  } else {
    body << "<p>No timeseries.csv (outputs.timeseries_period is 0): no voltage plot.</p>\n";
  }

  // Progress: cumulative markers (done/commit first, then the most frequent) and other events.
  {
    std::vector<std::pair<std::string, const std::vector<uint64_t>*>> lines;
    std::set<uint16_t> used;
    const auto named = [&](const char* key, const char* what) {
      const json& id = at_path(summary, std::string("progress.") + key);
      if (!id.is_number_integer()) return;
      const auto it = marker_bins.find(uint16_t(id.get<int>()));
      if (it == marker_bins.end() || used.count(it->first)) return;
      used.insert(it->first);
      lines.emplace_back(marker_label(it->first, marker_names) + " (" + what + ")", &it->second);
    };
    named("done_marker", "done");
    named("commit_marker", "commit");
    std::vector<std::pair<uint64_t, uint16_t>> by_count;
    for (const auto& [id, v] : marker_bins) {
      uint64_t n = 0;
      for (uint64_t c : v) n += c;
      by_count.emplace_back(n, id);
    }
    std::sort(by_count.begin(), by_count.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    // Event kinds such as "inference" (one per completed inference) come before the other
    // markers.
    for (const auto& [kind, v] : kind_bins) lines.emplace_back(kind, &v);
    for (const auto& [n, id] : by_count) {
      if (lines.size() >= kMaxMarkerSeries) break;
      if (used.insert(id).second)
        lines.emplace_back(marker_label(id, marker_names), &marker_bins[id]);
    }
    body << "<h2>Progress</h2>\n";
    if (lines.empty()) {
      body << "<p>No progress markers were reported.</p>\n";
    } else {
      report::Plot pp = time_plot("progress", "progress markers and events (cumulative count)",
                                  "count", time_axis, right);
      std::vector<double> ys = {0.0};
      for (const auto& [label, v] : lines) {
        report::Series s = series(label, "");
        s.x = {0.0};
        s.y = {0.0};
        s.step = true;
        uint64_t total = 0;
        for (size_t b = 0; b < kBins; ++b) {
          if (!(*v)[b]) continue;
          total += (*v)[b];
          s.x.push_back((double(b) + 1) * end_s / double(kBins));
          s.y.push_back(double(total));
        }
        s.x.push_back(end_s);
        s.y.push_back(double(total));
        ys.push_back(double(total));
        pp.series.push_back(s);
      }
      report::fit_axis(pp.y, ys, true);
      pp.bands = on;
      pp.band_label = "powered";
      body << report::render_plot(pp);
    }
    // Every marker id the firmware reported, from summary.progress.markers.
    if (summary_markers.is_array() && !summary_markers.empty()) {
      std::string t =
          "<div class=\"table-box\"><table class=\"markers\"><tr><th>marker</th><th>count</th>"
          "<th>first (s)</th><th>last (s)</th><th>last arg</th></tr>";
      for (size_t i = 0; i < summary_markers.size(); ++i) {
        const json& m = summary_markers[i];
        const auto id = m.is_object() ? marker_id(m.value("id", json())) : std::nullopt;
        if (!id) continue;
        const std::string base = "progress.markers." + std::to_string(i) + ".";
        t += "<tr><th>" + esc(marker_label(*id, marker_names)) + "</th>" +
             value_cell(m.value("count", json()), base + "count") +
             value_cell(m.value("first_time_s", json()), base + "first_time_s") +
             value_cell(m.value("last_time_s", json()), base + "last_time_s") +
             value_cell(m.value("last_arg", json()), base + "last_arg") + "</tr>";
      }
      body << t << "</table></div>\n";
    }
  }

  body << uart_section(uart_lines, uart_total);
  body << gpio_section(gpio, end_s, time_axis, right);

  // Energy books.
  body << "<h2>Energy books</h2>\n"
       << figures_table(summary, {{"energy.initial_J", "initial (J)"},
                                  {"energy.harvested_J", "harvested (J)"},
                                  {"energy.delivered_J", "delivered to the MCU rail (J)"},
                                  {"energy.converter_loss_J", "converter loss (J)"},
                                  {"energy.leaked_J", "leaked (J)"},
                                  {"energy.clipped_J", "clipped (J)"},
                                  {"energy.final_J", "final (J)"},
                                  {"energy.books_residual_J", "balance residual (J)"},
                                  {"energy.mcu_consumed_J", "MCU consumed (J)"}});
  {
    std::vector<report::Bar> bars;
    for (const auto& [key, label] :
         std::vector<std::pair<const char*, const char*>>{{"energy.initial_J", "initial"},
                                                          {"energy.harvested_J", "harvested"},
                                                          {"energy.delivered_J", "delivered"},
                                                          {"energy.converter_loss_J", "converter"},
                                                          {"energy.leaked_J", "leaked"},
                                                          {"energy.clipped_J", "clipped"},
                                                          {"energy.final_J", "final"}}) {
      const json& v = at_path(summary, key);
      if (v.is_number()) bars.push_back({label, v.get<double>()});
    }
    if (!bars.empty()) body << report::render_bars("energy", "energy books (J)", "J", bars);
  }

  // Inference (present when the firmware runs the FreeML engine).
  const json& inf = at_path(summary, "inference");
  if (inf.is_object()) {
    body << "<h2>Inference</h2>\n"
         << figures_table(summary, {{"inference.policy", "exit policy"},
                                    {"inference.sampling_period_s", "sampling period (s)"},
                                    {"inference.samples_offered", "samples offered"},
                                    {"inference.handed", "samples taken by the firmware"},
                                    {"inference.completed", "completed"},
                                    {"inference.missed", "missed"},
                                    {"inference.in_progress_at_end", "in progress at the end"},
                                    {"inference.correct", "correct"},
                                    {"inference.accuracy", "accuracy"},
                                    {"inference.mean_latency_s", "mean latency (s)"},
                                    {"inference.inferences_per_hour", "inferences per hour"}});
    const json& exits = at_path(summary, "inference.exits");
    if (exits.is_array() && !exits.empty()) {
      std::string t =
          "<table class=\"exits\"><tr><th>exit layer</th><th>count</th><th>correct</th>"
          "<th>accuracy</th></tr>";
      std::vector<report::Bar> counts, accuracy;
      for (size_t i = 0; i < exits.size(); ++i) {
        const json& e = exits[i];
        const std::string base = "inference.exits." + std::to_string(i) + ".";
        const std::string layer = "layer " + e.value("layer", json()).dump();
        t += "<tr><th>" + esc(layer) + "</th>" +
             value_cell(e.value("count", json()), base + "count") +
             value_cell(e.value("correct", json()), base + "correct") +
             value_cell(e.value("accuracy", json()), base + "accuracy") + "</tr>";
        const json c = e.value("count", json()), a = e.value("accuracy", json());
        counts.push_back({layer, c.is_number() ? c.get<double>() : NAN});
        accuracy.push_back({layer, a.is_number() ? a.get<double>() : NAN});
      }
      body << t << "</table>\n";
      body << report::render_bars("exits", "exits histogram", "inferences", counts);
      body << report::render_bars("accuracy", "accuracy per exit", "accuracy", accuracy, 1.0);
    }
  }
  body << profile_section(out_dir);  // `run --profile` only
  body << "<p class=\"sub\">Generated by ehsim from summary.json, scenario.json, timeseries.csv "
          "and events.jsonl in this directory.</p>\n";
  return report::html_page("ehsim run: " + name, body.str());
}

bool write_run_report(const std::string& out_dir) {
  return report::write_report_html(out_dir, "ehsim", [&] { return run_report_html(out_dir); });
}

}  // namespace ehsim

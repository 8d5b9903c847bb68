#include "sim/compare/compare_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "sim/report/report_svg.h"

namespace ehsim::compare {

using json = nlohmann::ordered_json;
using report::esc;

namespace {

std::string text_of(const json& summary, const char* section, const char* key) {
  if (!summary.contains(section) || !summary[section].is_object()) return "?";
  const json v = summary[section].value(key, json());
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// "out/a (firmware checksum_ckpt.elf, scenario "…", end host_exit)".
std::string run_line(const RunFigures& r) {
  std::string s =
      r.dir + " (firmware " +
      (r.firmware_given.empty() ? text_of(r.summary, "scenario", "firmware") : r.firmware_given) +
      ", scenario \"" + text_of(r.summary, "scenario", "name") + "\", end " +
      text_of(r.summary, "end", "reason");
  return s + (r.has_profile ? ", profile.json)" : ")");
}

json run_json(const RunFigures& r) {
  json j;
  j["dir"] = r.dir;
  j["firmware_given"] = r.firmware_given.empty() ? json() : json(r.firmware_given);
  j["scenario"] = text_of(r.summary, "scenario", "name");
  j["firmware"] = text_of(r.summary, "scenario", "firmware");
  j["end"] = text_of(r.summary, "end", "reason");
  j["profile"] = r.has_profile;
  return j;
}

// The change column: "added" / "removed" for a figure of one run only.
std::string change_cell_text(const FigureChange& c) {
  if (c.presence != Presence::kBoth) return to_string(c.presence);
  return absolute_text(c.absolute);
}

std::string side_text(const FigureChange& c, bool side_b) {
  const bool absent = side_b ? c.presence == Presence::kOnlyA : c.presence == Presence::kOnlyB;
  return absent ? "-" : value_text(side_b ? c.b : c.a);
}

std::string threshold_verdict(const ThresholdResult& r) {
  if (!r.evaluated) return "n/a";
  return r.hit ? "HIT" : "ok";
}

std::string threshold_change_text(const ThresholdResult& r) {
  if (!r.evaluated) return "not evaluated: " + r.note;
  return r.threshold.relative ? relative_text(r.change) : absolute_text(json(*r.change));
}

size_t count_hits(const std::vector<ThresholdResult>& results) {
  return size_t(std::count_if(results.begin(), results.end(),
                              [](const ThresholdResult& r) { return r.hit; }));
}

// Rows of the terminal table, columns padded to the widest cell; the figure column left-aligned,
// the numbers right-aligned.
void print_table(std::ostringstream& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(5, 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line = row[0] + std::string(width[0] - row[0].size(), ' ');
    for (size_t i = 1; i < row.size(); ++i) {
      line += "  " + std::string(width[i] - row[i].size(), ' ') + row[i];
    }
    out << line << "\n";
  }
}

std::string presence_counts(const Comparison& cmp) {
  size_t both = 0, added = 0, removed = 0;
  for (const FunctionRow& f : cmp.functions) {
    if (f.presence == Presence::kBoth) ++both;
    if (f.presence == Presence::kOnlyB) ++added;
    if (f.presence == Presence::kOnlyA) ++removed;
  }
  return std::to_string(both) + " in both runs, " + std::to_string(added) + " added, " +
         std::to_string(removed) + " removed";
}

std::string where_text(const FunctionRow& f) {
  if (!f.file.is_string()) return "";
  std::string s = f.file.get<std::string>();
  if (f.line.is_number_integer()) s += ":" + f.line.dump();
  return s;
}

// One row of a figures table: data-key is the figure's path, data-a/data-b/data-absolute/
// data-relative the exact values of compare.json (so that a reader or test can find them).
std::string html_figure_row(const FigureChange& c, const std::string& label) {
  const json rel = c.relative ? (std::isinf(*c.relative) ? json(*c.relative > 0 ? "+inf" : "-inf")
                                                         : json(*c.relative))
                              : json();
  std::string cls;
  if (c.presence != Presence::kBoth) cls = " class=\"missing\"";
  std::string s = "<tr" + cls + " data-key=\"" + esc(c.path) + "\"><th>" + esc(label) + "</th>";
  s += "<td class=\"num\" data-value=\"" + esc(c.a.dump()) + "\">" + esc(side_text(c, false)) +
       "</td>";
  s += "<td class=\"num\" data-value=\"" + esc(c.b.dump()) + "\">" + esc(side_text(c, true)) +
       "</td>";
  s += "<td class=\"num\" data-value=\"" + esc(c.absolute.dump()) + "\">" +
       esc(change_cell_text(c)) + "</td>";
  s += "<td class=\"num\" data-value=\"" + esc(rel.dump()) + "\">" +
       esc(c.presence == Presence::kBoth ? relative_text(c.relative) : "") + "</td></tr>";
  return s;
}

const char* kFigureHeader =
    "<div class=\"table-box\"><table class=\"figures\"><tr><th>figure</th><th>A</th><th>B</th>"
    "<th>change (B - A)</th><th>relative</th></tr>";

}  // namespace

std::string value_text(const json& v) {
  if (v.is_number_integer()) return v.dump();
  if (v.is_number()) return report::num(v.get<double>());
  if (v.is_null()) return "n/a";
  return v.dump();
}

std::string absolute_text(const json& absolute) {
  if (!absolute.is_number()) return "n/a";
  const double d = absolute.get<double>();
  if (d == 0) return "0";
  const std::string text = value_text(absolute);
  return d > 0 ? "+" + text : text;
}

std::string relative_text(const std::optional<double>& relative) {
  if (!relative) return "n/a";
  const double r = *relative;
  if (std::isinf(r)) return r > 0 ? "+inf" : "-inf";
  if (r == 0) return "0%";
  char buf[48];
  // Three significant digits, without an exponent for the large changes a gate sees.
  const double percent = r * 100.0;
  std::snprintf(buf, sizeof buf, std::fabs(percent) >= 1000 ? "%+.0f%%" : "%+.3g%%", percent);
  return buf;
}

std::string compare_text(const Comparison& cmp, const std::vector<ThresholdResult>& results) {
  std::ostringstream out;
  out << "A: " << run_line(cmp.a) << "\nB: " << run_line(cmp.b) << "\n\n";
  std::vector<std::vector<std::string>> summary = {{"figure", "A", "B", "change", "relative"}},
                                        functions = summary;
  for (const FigureChange& c : cmp.figures) {
    (c.is_function ? functions : summary)
        .push_back({c.path, side_text(c, false), side_text(c, true), change_cell_text(c),
                    c.presence == Presence::kBoth ? relative_text(c.relative) : ""});
  }
  print_table(out, summary);
  out << "\n";
  if (cmp.functions.empty()) {
    out << cmp.profile_note << "\n";
  } else {
    out << "functions (profile.json): " << presence_counts(cmp) << "\n";
    print_table(out, functions);
  }
  if (!results.empty()) {
    out << "\n--fail-if: " << count_hits(results) << " of " << results.size() << " hit\n";
    for (const ThresholdResult& r : results) {
      out << "  " << threshold_verdict(r) << "  " << r.threshold.text << "  ("
          << threshold_change_text(r) << ")\n";
    }
  }
  return out.str();
}

json compare_json(const Comparison& cmp, const std::vector<ThresholdResult>& results) {
  json j;
  j["schema"] = kCompareSchema;
  j["a"] = run_json(cmp.a);
  j["b"] = run_json(cmp.b);
  json figures = json::array();
  for (const FigureChange& c : cmp.figures) {
    json f;
    f["path"] = c.path;
    f["status"] = to_string(c.presence);
    f["a"] = c.a;
    f["b"] = c.b;
    f["absolute"] = c.absolute;
    if (!c.relative) {
      f["relative"] = nullptr;
    } else if (std::isinf(*c.relative)) {
      f["relative"] = *c.relative > 0 ? "+inf" : "-inf";
    } else {
      f["relative"] = *c.relative;
    }
    figures.push_back(f);
  }
  j["figures"] = figures;
  json functions = json::array();
  for (const FunctionRow& f : cmp.functions) {
    functions.push_back({{"function", f.key},
                         {"file", f.file},
                         {"line", f.line},
                         {"status", to_string(f.presence)}});
  }
  j["functions"] = functions;
  j["profile_note"] = cmp.profile_note.empty() ? json() : json(cmp.profile_note);
  json thresholds = json::array();
  for (const ThresholdResult& r : results) {
    json t;
    t["expression"] = r.threshold.text;
    t["path"] = r.threshold.path;
    t["op"] = to_string(r.threshold.op);
    t["limit"] = r.threshold.limit;
    t["relative"] = r.threshold.relative;
    t["evaluated"] = r.evaluated;
    if (!r.change) {
      t["change"] = nullptr;
    } else if (std::isinf(*r.change)) {
      t["change"] = *r.change > 0 ? "+inf" : "-inf";
    } else {
      t["change"] = *r.change;
    }
    t["hit"] = r.hit;
    t["note"] = r.note.empty() ? json() : json(r.note);
    thresholds.push_back(t);
  }
  j["thresholds"] = thresholds;
  j["result"] = count_hits(results) ? "fail" : "pass";
  return j;
}

std::string compare_html(const Comparison& cmp, const std::vector<ThresholdResult>& results) {
  std::ostringstream body;
  body << "<h1>ehsim compare</h1>\n<p class=\"sub\">A (baseline): " << esc(run_line(cmp.a))
       << "<br>B: " << esc(run_line(cmp.b))
       << "<br>change = B - A; relative = (B - A) / |A| (from A = 0: +inf or -inf)</p>\n";
  if (!results.empty()) {
    body << "<h2>--fail-if: " << count_hits(results) << " of " << results.size()
         << " hit</h2>\n<table class=\"thresholds\"><tr><th>threshold</th><th>change</th>"
            "<th>result</th></tr>";
    for (const ThresholdResult& r : results) {
      body << "<tr" << (r.hit ? " class=\"failed\"" : "") << "><th>" << esc(r.threshold.text)
           << "</th><td class=\"num\">" << esc(threshold_change_text(r)) << "</td><td>"
           << esc(threshold_verdict(r)) << "</td></tr>";
    }
    body << "</table>\n";
  }
  body << "<h2>Summary figures</h2>\n" << kFigureHeader;
  for (const FigureChange& c : cmp.figures) {
    if (!c.is_function) body << html_figure_row(c, c.path);
  }
  body << "</table></div>\n<h2>Functions</h2>\n";
  if (cmp.functions.empty()) {
    body << "<p>" << esc(cmp.profile_note) << "</p>\n";
  } else {
    body << "<p class=\"sub\">From profile.json: " << esc(presence_counts(cmp))
         << "; functions are matched by name.</p>\n<div class=\"table-box\"><table "
            "class=\"functions\"><tr><th>function</th><th>source</th><th>in</th></tr>";
    for (const FunctionRow& f : cmp.functions) {
      body << "<tr><th>" << esc(f.key) << "</th><td>" << esc(where_text(f)) << "</td><td>"
           << esc(to_string(f.presence)) << "</td></tr>";
    }
    body << "</table></div>\n" << kFigureHeader;
    for (const FigureChange& c : cmp.figures) {
      if (c.is_function) body << html_figure_row(c, c.path);
    }
    body << "</table></div>\n";
  }
  body << "<p class=\"sub\">Generated by ehsim compare from summary.json (and profile.json) in "
       << esc(cmp.a.dir) << " and " << esc(cmp.b.dir) << ".</p>\n";
  return report::html_page("ehsim compare: " + cmp.a.dir + " vs " + cmp.b.dir, body.str());
}

}  // namespace ehsim::compare

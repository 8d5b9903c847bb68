// Minimal self-contained SVG plotting for report.html (no scripts, no network): line plots with
// linear or log axes, min/max envelopes, shaded intervals, threshold lines, bar charts, and the
// HTML page around them. Numbers are printed with report::num() so tests can find them.
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ehsim::report {

// HTML/XML text escaping.
std::string esc(const std::string& text);
// Six significant digits ("%.6g"): how every figure in a report is shown.
std::string num(double v);
// Short tick label with an SI prefix: 0.002 -> "2m", 4.7e-5 -> "47u".
std::string si(double v);
// A quantity with an SI prefix and its unit, as a reader writes it: (5e-5, "F") -> "50 µF".
std::string si_unit(double v, const std::string& unit);
// Estimated rendered width in px of `text` at the report's 11 px sans-serif, erring wide (per
// character class), so that legend entries and labels placed by it do not run into each other.
double text_width(const std::string& text, double font_px = 11);
// A distinct colour for series i.
const char* color(size_t i);

struct Axis {
  std::string label;
  double lo = 0, hi = 1;
  bool log = false;
  std::vector<std::string> categories;  // non-empty: categorical axis at 0..n-1
  std::string unit;                     // non-empty: ticks read "50 µF" (si_unit)
};

struct Series {
  std::string name;
  std::vector<double> x, y;  // NaN in y breaks the line
  std::vector<double> y_hi;  // non-empty: filled band between y and y_hi instead of a line
  bool step = false;         // hold each value until the next x
  bool dots = false;         // a circle at every point
  std::string color;         // empty: color(series index)
  bool line = true;          // false: points only (categorical x: no line between categories)
  std::string legend;        // legend text when it differs from name (name stays data-series)
};

struct Band {  // shaded x interval (e.g. powered)
  double x0, x1;
};

// A threshold: dashed line across the plot, its label outside the plot area at the right edge
// (never over the data).
struct HLine {
  double y;
  std::string label, color;
};

struct Plot {
  std::string id, title;
  Axis x, y;
  std::vector<Series> series;
  std::vector<Band> bands;
  std::string band_label;  // legend text of the bands
  std::vector<HLine> hlines;
  int width = 960, height = 280;
  double min_right = 0;  // least right margin: plots sharing a time axis line up
};

// Sets lo/hi from the data (with a margin; log axes to whole decades when wide).
void fit_axis(Axis& axis, const std::vector<double>& values, bool include_zero);

std::string render_plot(const Plot& plot);

struct Bar {
  std::string label;
  double value;
};
// Vertical bars with the value printed above each.
std::string render_bars(const std::string& id, const std::string& title, const std::string& y_label,
                        const std::vector<Bar>& bars, double y_max = 0);

// A JSON file a report is built from. Required: a missing or malformed file throws InputError
// naming it; otherwise it reads as null.
nlohmann::json read_json_file(const std::filesystem::path& path, bool required);

// A whole HTML document with the report's inline style sheet.
std::string html_page(const std::string& title, const std::string& body);

// Writes DIR/report.html from make_html(). A report is a by-product: any failure is a warning
// on stderr (prefixed by `who`) and false, never the end of the run or sweep.
bool write_report_html(const std::string& dir, const std::string& who,
                       const std::function<std::string()>& make_html);

}  // namespace ehsim::report

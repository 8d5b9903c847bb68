#include "sim/report/report_svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "sim/scenario/units.h"

namespace ehsim::report {

std::string esc(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string num(double v) {
  if (std::isnan(v)) return "n/a";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

namespace {

// The SI prefix |v| reads best with: its scale and symbol (`micro` for 1e-6, "u" in the short
// tick labels, "µ" with a unit). `multiples` false: nothing above 1 (seconds read "1800 s").
std::pair<double, const char*> si_prefix(double v, const char* micro, bool multiples) {
  static const struct {
    double scale;
    const char* p;
  } kP[] = {{1e9, "G"},  {1e6, "M"},      {1e3, "k"},  {1, ""},
            {1e-3, "m"}, {1e-6, nullptr}, {1e-9, "n"}, {1e-12, "p"}};
  const double mag = std::fabs(v);
  for (const auto& p : kP) {
    if (!multiples && p.scale > 1) continue;
    if (mag >= p.scale * 0.9999999 || p.scale == 1e-12) return {p.scale, p.p ? p.p : micro};
  }
  return {1, ""};
}

}  // namespace

std::string si(double v) {
  if (v == 0 || !std::isfinite(v)) return num(v);
  char buf[40];
  if (std::fabs(v) >= 0.01 && std::fabs(v) < 1e4) {
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
  }
  const auto [scale, prefix] = si_prefix(v, "u", true);
  std::snprintf(buf, sizeof buf, "%.3g%s", v / scale, prefix);
  return buf;
}

std::string si_unit(double v, const std::string& unit) {
  if (unit.empty()) return si(v);
  if (v == 0 || !std::isfinite(v)) return num(v) + " " + unit;
  const auto [scale, prefix] = si_prefix(v, "\xC2\xB5", unit != "s");
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.4g", v / scale);
  return std::string(buf) + " " + prefix + unit;
}

double text_width(const std::string& text, double font_px) {
  // Widths in em of DejaVu Sans / Liberation Sans rounded up, so the estimate is never short.
  double em = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation byte: counted with its lead byte
    if (std::string(" .,:;'|!()[]ijlft-").find(char(c)) != std::string::npos && c < 0x80) {
      em += 0.42;
    } else if (c == 'm' || c == 'w' || c == 'M' || c == 'W' || c == '=' || c == '%' || c == '@') {
      em += 1.0;
    } else if (c >= 'A' && c <= 'Z') {
      em += 0.8;
    } else {
      em += 0.68;
    }
  }
  return em * font_px;
}

const char* color(size_t i) {
  static const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                  "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};
  return kColors[i % (sizeof kColors / sizeof kColors[0])];
}

namespace {

// Coordinates: fixed decimals keep the SVG small and deterministic.
std::string c2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::vector<double> linear_ticks(double lo, double hi) {
  const double span = hi - lo;
  if (!(span > 0)) return {lo};
  const double raw = span / 6;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * mag;
    if (span / step <= 7) break;
  }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
  }
  return ticks;
}

std::vector<double> log_ticks(double lo, double hi) {
  std::vector<double> ticks;
  const int d0 = int(std::floor(std::log10(lo) + 1e-9)), d1 = int(std::ceil(std::log10(hi) - 1e-9));
  const bool dense = d1 - d0 <= 2;
  for (int d = d0; d <= d1; ++d) {
    for (double m : dense ? std::vector<double>{1, 2, 5} : std::vector<double>{1}) {
      const double t = m * std::pow(10.0, d);
      if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9)) ticks.push_back(t);
    }
  }
  if (ticks.size() < 2) ticks = {lo, hi};
  return ticks;
}

struct Frame {
  double left = 72, right = 20, top = 34, bottom = 46;  // right widens for threshold labels
  double w, h;
  const Axis *xa, *ya;
  double px(double x) const { return left + frac(*xa, x) * (w - left - right); }
  double py(double y) const { return h - bottom - frac(*ya, y) * (h - top - bottom); }
  static double frac(const Axis& a, double v) {
    if (a.log) {
      if (!(v > 0)) return -1;
      return (std::log10(v) - std::log10(a.lo)) / (std::log10(a.hi) - std::log10(a.lo));
    }
    return a.hi > a.lo ? (v - a.lo) / (a.hi - a.lo) : 0.5;
  }
};

void axis_ticks(std::ostringstream& s, const Frame& f, const Axis& a, bool is_x) {
  std::vector<std::pair<double, std::string>> ticks;
  if (!a.categories.empty()) {
    for (size_t i = 0; i < a.categories.size(); ++i) ticks.emplace_back(double(i), a.categories[i]);
  } else {
    for (double t : a.log ? log_ticks(a.lo, a.hi) : linear_ticks(a.lo, a.hi)) {
      ticks.emplace_back(t, si_unit(t, a.unit));
    }
  }
  for (const auto& [t, label] : ticks) {
    if (is_x) {
      const double x = f.px(t);
      s << "<line class=\"grid\" x1=\"" << c2(x) << "\" y1=\"" << c2(f.top) << "\" x2=\"" << c2(x)
        << "\" y2=\"" << c2(f.h - f.bottom) << "\"/>";
      s << "<text class=\"tick\" x=\"" << c2(x) << "\" y=\"" << c2(f.h - f.bottom + 15)
        << "\" text-anchor=\"middle\">" << esc(label) << "</text>";
    } else {
      const double y = f.py(t);
      s << "<line class=\"grid\" x1=\"" << c2(f.left) << "\" y1=\"" << c2(y) << "\" x2=\""
        << c2(f.w - f.right) << "\" y2=\"" << c2(y) << "\"/>";
      s << "<text class=\"tick\" x=\"" << c2(f.left - 6) << "\" y=\"" << c2(y + 4)
        << "\" text-anchor=\"end\">" << esc(label) << "</text>";
    }
  }
}

}  // namespace

void fit_axis(Axis& axis, const std::vector<double>& values, bool include_zero) {
  if (!axis.categories.empty()) {
    axis.lo = -0.5;
    axis.hi = double(axis.categories.size()) - 0.5;
    return;
  }
  double lo = INFINITY, hi = -INFINITY;
  for (double v : values) {
    if (!std::isfinite(v) || (axis.log && !(v > 0))) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (!std::isfinite(lo)) {
    lo = axis.log ? 1 : 0;
    hi = axis.log ? 10 : 1;
  }
  if (axis.log) {
    if (hi / lo < 1.0001) {
      lo /= 2;
      hi *= 2;
    }
    axis.lo = lo / std::pow(hi / lo, 0.04);
    axis.hi = hi * std::pow(hi / lo, 0.04);
    return;
  }
  if (include_zero) {
    lo = std::min(lo, 0.0);
    hi = std::max(hi, 0.0);
  }
  if (hi - lo < 1e-300) {
    const double d = std::fabs(hi) > 0 ? std::fabs(hi) * 0.1 : 1;
    lo -= d;
    hi += d;
  }
  const double pad = (hi - lo) * 0.05;
  axis.lo = (include_zero && lo == 0) ? 0 : lo - pad;
  axis.hi = hi + pad;
}

std::string render_plot(const Plot& p) {
  Frame f;
  f.w = p.width;
  f.h = p.height;
  f.xa = &p.x;
  f.ya = &p.y;
  // Threshold labels sit outside the plot area at the right edge, so the data never hides them
  // and they never hide the data: the right margin widens to the longest label.
  f.right = std::max(f.right, p.min_right);
  for (const HLine& hl : p.hlines) f.right = std::max(f.right, 14 + text_width(hl.label));
  // Legend: a reserved band below the x-axis label (outside the plot area, so no plot line can
  // run through it), entries wrapped to the plot width by their estimated text width.
  struct Item {
    std::string label, col;
    enum Kind { kLine, kEnvelope, kBand } kind;
  };
  std::vector<Item> items;
  for (size_t i = 0; i < p.series.size(); ++i) {
    const Series& se = p.series[i];
    const std::string text = se.legend.empty() ? se.name : se.legend;
    if (text.empty()) continue;
    items.push_back({text, se.color.empty() ? color(i) : se.color,
                     se.y_hi.empty() ? Item::kLine : Item::kEnvelope});
  }
  if (!p.band_label.empty()) items.push_back({p.band_label, "", Item::kBand});
  std::string legend;
  double lx = f.left, row = 0;
  if (items.size() > 1 || !p.band_label.empty()) {
    for (const Item& it : items) {
      const double w = 20 + text_width(it.label) + 16;
      if (lx > f.left && lx + w > f.w - f.right) {
        lx = f.left;
        ++row;
      }
      const double y = f.h + 10 + 16 * row;
      if (it.kind == Item::kBand) {
        legend += "<rect class=\"band-key\" x=\"" + c2(lx) + "\" y=\"" + c2(y - 9) +
                  "\" width=\"16\" height=\"10\"/>";
      } else if (it.kind == Item::kEnvelope) {
        legend += "<rect class=\"envelope\" x=\"" + c2(lx) + "\" y=\"" + c2(y - 9) +
                  "\" width=\"16\" height=\"10\" fill=\"" + it.col + "\" stroke=\"" + it.col +
                  "\"/>";
      } else {
        legend += "<rect x=\"" + c2(lx) + "\" y=\"" + c2(y - 6) +
                  "\" width=\"16\" height=\"4\" fill=\"" + it.col + "\"/>";
      }
      legend += "<text class=\"legend\" x=\"" + c2(lx + 20) + "\" y=\"" + c2(y) + "\">" +
                esc(it.label) + "</text>";
      lx += w;
    }
    legend = "<g class=\"legend\">" + legend + "</g>";
    row += 1;
  }
  const double total_h = f.h + 16 * row + (row > 0 ? 6 : 0);
  std::ostringstream s;
  s << "<figure class=\"plot\" id=\"" << esc(p.id) << "\"><svg xmlns=\"http://www.w3.org/2000/svg\""
    << " class=\"plot\" data-plot=\"" << esc(p.id) << "\" width=\"" << p.width << "\" height=\""
    << c2(total_h) << "\" viewBox=\"0 0 " << p.width << ' ' << c2(total_h) << "\">";
  s << "<text class=\"title\" x=\"" << c2(f.left) << "\" y=\"20\">" << esc(p.title) << "</text>";
  s << "<clipPath id=\"clip-" << esc(p.id) << "\"><rect x=\"" << c2(f.left) << "\" y=\""
    << c2(f.top) << "\" width=\"" << c2(f.w - f.left - f.right) << "\" height=\""
    << c2(f.h - f.top - f.bottom) << "\"/></clipPath>";
  // Shaded intervals first, under everything.
  s << "<g clip-path=\"url(#clip-" << esc(p.id) << ")\">";
  for (const Band& b : p.bands) {
    const double x0 = f.px(b.x0), x1 = f.px(b.x1);
    s << "<rect class=\"band\" x=\"" << c2(x0) << "\" y=\"" << c2(f.top) << "\" width=\""
      << c2(std::max(0.5, x1 - x0)) << "\" height=\"" << c2(f.h - f.top - f.bottom) << "\"/>";
  }
  s << "</g>";
  axis_ticks(s, f, p.x, true);
  axis_ticks(s, f, p.y, false);
  s << "<rect class=\"frame\" x=\"" << c2(f.left) << "\" y=\"" << c2(f.top) << "\" width=\""
    << c2(f.w - f.left - f.right) << "\" height=\"" << c2(f.h - f.top - f.bottom) << "\"/>";
  s << "<g clip-path=\"url(#clip-" << esc(p.id) << ")\">";
  for (size_t i = 0; i < p.series.size(); ++i) {
    const Series& se = p.series[i];
    const std::string col = se.color.empty() ? color(i) : se.color;
    if (!se.y_hi.empty()) {
      // The outline in the fill colour keeps a zero-height envelope (one sample per column)
      // visible as a line.
      std::string pts;
      for (size_t k = 0; k < se.x.size(); ++k) {
        if (std::isfinite(se.y[k])) pts += c2(f.px(se.x[k])) + "," + c2(f.py(se.y[k])) + " ";
      }
      for (size_t k = se.x.size(); k-- > 0;) {
        if (std::isfinite(se.y_hi[k])) {
          pts += c2(f.px(se.x[k])) + "," + c2(f.py(se.y_hi[k])) + " ";
        }
      }
      s << "<polygon class=\"envelope\" data-series=\"" << esc(se.name) << "\" fill=\"" << col
        << "\" stroke=\"" << col << "\" points=\"" << pts << "\"/>";
      continue;
    }
    if (se.line) {
      std::string d;
      bool pen = false;
      for (size_t k = 0; k < se.x.size(); ++k) {
        if (!std::isfinite(se.y[k]) || (p.x.log && !(se.x[k] > 0)) || (p.y.log && !(se.y[k] > 0))) {
          pen = false;
          continue;
        }
        const double x = f.px(se.x[k]), y = f.py(se.y[k]);
        if (!pen) {
          d += "M" + c2(x) + " " + c2(y);
        } else if (se.step) {
          d += "H" + c2(x) + "V" + c2(y);
        } else {
          d += "L" + c2(x) + " " + c2(y);
        }
        pen = true;
      }
      s << "<path class=\"series\" data-series=\"" << esc(se.name) << "\" stroke=\"" << col
        << "\" d=\"" << d << "\"/>";
    }
    if (se.dots || !se.line) {
      for (size_t k = 0; k < se.x.size(); ++k) {
        if (!std::isfinite(se.y[k]) || (p.x.log && !(se.x[k] > 0))) continue;
        s << "<circle class=\"dot\" data-group=\"" << esc(se.name) << "\" fill=\"" << col
          << "\" cx=\"" << c2(f.px(se.x[k])) << "\" cy=\"" << c2(f.py(se.y[k]))
          << "\" r=\"3\"><title>" << esc(se.legend.empty() ? se.name : se.legend) << ": "
          << num(se.y[k]) << "</title></circle>";
      }
    }
  }
  // Threshold lines inside the plot area (clipped with the data).
  for (const HLine& h : p.hlines) {
    const double y = f.py(h.y);
    s << "<line class=\"threshold\" data-label=\"" << esc(h.label) << "\" stroke=\"" << h.color
      << "\" x1=\"" << c2(f.left) << "\" y1=\"" << c2(y) << "\" x2=\"" << c2(f.w - f.right)
      << "\" y2=\"" << c2(y) << "\"/>";
  }
  s << "</g>";
  // Their labels right of the plot area, level with the line, pushed apart (12 px) when two
  // thresholds are close (v_on and v_off often are).
  {
    std::vector<std::pair<double, size_t>> at;
    for (size_t i = 0; i < p.hlines.size(); ++i) at.emplace_back(f.py(p.hlines[i].y) + 4, i);
    std::sort(at.begin(), at.end());
    for (size_t k = 1; k < at.size(); ++k) {
      at[k].first = std::max(at[k].first, at[k - 1].first + 12);
    }
    for (const auto& [y, i] : at) {
      const HLine& h = p.hlines[i];
      s << "<text class=\"threshold-label\" fill=\"" << h.color << "\" x=\""
        << c2(f.w - f.right + 6) << "\" y=\"" << c2(y) << "\">" << esc(h.label) << "</text>";
    }
  }
  // Axis labels and legend.
  s << "<text class=\"axis-label\" x=\"" << c2((f.left + f.w - f.right) / 2) << "\" y=\""
    << c2(f.h - 8) << "\" text-anchor=\"middle\">" << esc(p.x.label) << "</text>";
  s << "<text class=\"axis-label\" transform=\"translate(16," << c2((f.top + f.h - f.bottom) / 2)
    << ") rotate(-90)\" text-anchor=\"middle\">" << esc(p.y.label) << "</text>";
  s << legend;
  s << "</svg></figure>\n";
  return s.str();
}

std::string render_bars(const std::string& id, const std::string& title, const std::string& y_label,
                        const std::vector<Bar>& bars, double y_max) {
  const double w = std::max<double>(360, 90 + 70 * double(bars.size())), h = 260;
  const double left = 64, right = 16, top = 34, bottom = 46;
  double hi = y_max;
  for (const Bar& b : bars) hi = std::max(hi, b.value);
  if (!(hi > 0)) hi = 1;
  if (y_max <= 0) hi *= 1.12;
  Axis ya;
  ya.lo = 0;
  ya.hi = hi;
  std::ostringstream s;
  s << "<figure class=\"plot\" id=\"" << esc(id) << "\"><svg xmlns=\"http://www.w3.org/2000/svg\""
    << " class=\"plot bars\" data-plot=\"" << esc(id) << "\" width=\"" << w << "\" height=\"" << h
    << "\" viewBox=\"0 0 " << w << ' ' << h << "\">";
  s << "<text class=\"title\" x=\"" << c2(left) << "\" y=\"20\">" << esc(title) << "</text>";
  const auto py = [&](double v) { return h - bottom - v / hi * (h - top - bottom); };
  for (double t : linear_ticks(0, hi)) {
    s << "<line class=\"grid\" x1=\"" << c2(left) << "\" y1=\"" << c2(py(t)) << "\" x2=\""
      << c2(w - right) << "\" y2=\"" << c2(py(t)) << "\"/><text class=\"tick\" x=\"" << c2(left - 6)
      << "\" y=\"" << c2(py(t) + 4) << "\" text-anchor=\"end\">" << si(t) << "</text>";
  }
  const double slot = (w - left - right) / std::max<double>(1, double(bars.size()));
  for (size_t i = 0; i < bars.size(); ++i) {
    const double x = left + slot * double(i) + slot * 0.15, bw = slot * 0.7;
    const double v = std::isfinite(bars[i].value) ? bars[i].value : 0;
    s << "<rect class=\"bar\" data-label=\"" << esc(bars[i].label) << "\" data-value=\""
      << num(bars[i].value) << "\" fill=\"" << color(0) << "\" x=\"" << c2(x) << "\" y=\""
      << c2(py(v)) << "\" width=\"" << c2(bw) << "\" height=\"" << c2(py(0) - py(v)) << "\"/>";
    s << "<text class=\"bar-value\" x=\"" << c2(x + bw / 2) << "\" y=\"" << c2(py(v) - 4)
      << "\" text-anchor=\"middle\">" << num(bars[i].value) << "</text>";
    s << "<text class=\"tick\" x=\"" << c2(x + bw / 2) << "\" y=\"" << c2(h - bottom + 15)
      << "\" text-anchor=\"middle\">" << esc(bars[i].label) << "</text>";
  }
  s << "<rect class=\"frame\" x=\"" << c2(left) << "\" y=\"" << c2(top) << "\" width=\""
    << c2(w - left - right) << "\" height=\"" << c2(h - top - bottom) << "\"/>";
  s << "<text class=\"axis-label\" transform=\"translate(16," << c2((top + h - bottom) / 2)
    << ") rotate(-90)\" text-anchor=\"middle\">" << esc(y_label) << "</text>";
  s << "</svg></figure>\n";
  return s.str();
}

std::string html_page(const std::string& title, const std::string& body) {
  std::ostringstream s;
  s << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << esc(title)
    << "</title>\n<style>\n"
    << "body{font-family:sans-serif;margin:24px;color:#222;max-width:1000px}\n"
    << "h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:28px;"
       "border-bottom:1px solid #ccc}\n"
    << "p.sub{color:#555;margin-top:0}\n"
    << "table{border-collapse:collapse;margin:8px 0;font-size:13px}\n"
    << "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}\n"
    << "td.num{text-align:right;font-family:monospace}\n"
    << "tr.failed td{background:#fde8e8}tr.missing td{background:#f4f4f4}\n"
    << "figure{margin:10px 0}svg.plot{font-size:11px;background:#fff;max-width:100%;height:auto}\n"
    << "svg .frame{fill:none;stroke:#444;stroke-width:1}\n"
    << "svg .grid{stroke:#e6e6e6;stroke-width:1}\n"
    << "svg .band,svg .band-key{fill:#2ca02c;fill-opacity:0.13;stroke:none}\n"
    << "svg .series{fill:none;stroke-width:1.6}\n"
    << "svg .envelope{fill-opacity:0.35;stroke-width:1}\n"
    << "svg .threshold{stroke-dasharray:6 4;stroke-width:1.2}\n"
    << "svg .title{font-size:13px;font-weight:bold}\n"
    << "svg .tick,svg .legend,svg .bar-value{fill:#333}\n"
    << "pre{font-size:12px;white-space:pre-wrap;background:#f7f7f7;padding:6px}\n"
    // Wide tables scroll inside their own box instead of widening the page.
    << "div.table-box{max-width:100%;overflow-x:auto}\n"
    << "pre.uart{max-height:24em;overflow:auto;white-space:pre}\n"
    << "td.wrap{max-width:22em;overflow-wrap:anywhere}\n"
    << "</style></head><body>\n"
    << body << "</body></html>\n";
  return s.str();
}

nlohmann::json read_json_file(const std::filesystem::path& path, bool required) {
  std::ifstream in(path);
  if (!in) {
    if (required) throw InputError(path.string() + ": cannot read");
    return nlohmann::json();
  }
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    if (required) throw InputError(path.string() + ": not valid JSON: " + e.what());
    return nlohmann::json();
  }
}

bool write_report_html(const std::string& dir, const std::string& who,
                       const std::function<std::string()>& make_html) {
  try {
    const std::string html = make_html();
    std::ofstream out(std::filesystem::path(dir) / "report.html", std::ios::binary);
    out << html;
    if (!out) throw std::runtime_error(dir + "/report.html: cannot write");
    return true;
  } catch (const std::exception& e) {
    std::cerr << who << ": warning: no report.html: " << e.what() << "\n";
    return false;
  }
}

}  // namespace ehsim::report

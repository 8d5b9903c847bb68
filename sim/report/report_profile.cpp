#include "sim/report/report_profile.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/report/report_svg.h"
#include "sim/scenario/units.h"

namespace ehsim {

namespace {

using report::esc;
using report::num;

// Functions shown in the table; the rest are in profile.json.
constexpr size_t kTopFunctions = 20;

struct Frame {
  uint64_t total = 0;
  std::map<std::string, std::unique_ptr<Frame>> children;  // name order: deterministic layout
};

// A colour from the name alone, so one function has one colour in every graph (warm palette).
std::string flame_color(const std::string& name) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (const unsigned char c : name) h = (h ^ c) * 16777619u;
  char buf[32];
  std::snprintf(buf, sizeof buf, "rgb(%u,%u,%u)", 205 + h % 50, 80 + (h >> 8) % 120,
                40 + (h >> 16) % 40);
  return buf;
}

void draw(const Frame& frame, const std::string& name, double x, int depth, double scale,
          int height, int row, std::ostringstream& svg) {
  const double w = double(frame.total) * scale;
  if (w < 0.1) return;  // narrower than anything visible
  const int y = height - (depth + 1) * row;
  svg << "<g><title>" << esc(name) << " (" << frame.total << " cycles)</title><rect x=\"" << num(x)
      << "\" y=\"" << y << "\" width=\"" << num(w) << "\" height=\"" << row - 1 << "\" fill=\""
      << flame_color(name) << "\"/>";
  // A label where it fits (about 6.5 px per character at 11 px).
  const size_t chars = size_t(std::max(0.0, (w - 6) / 6.5));
  if (chars >= 3) {
    const std::string label = name.size() <= chars ? name : name.substr(0, chars - 2) + "..";
    svg << "<text x=\"" << num(x + 3) << "\" y=\"" << y + row - 4 << "\">" << esc(label)
        << "</text>";
  }
  svg << "</g>\n";
  double cx = x;
  for (const auto& [child_name, child] : frame.children) {
    draw(*child, child_name, cx, depth + 1, scale, height, row, svg);
    cx += double(child->total) * scale;
  }
}

int depth_of(const Frame& frame) {
  int d = 0;
  for (const auto& [name, child] : frame.children) d = std::max(d, 1 + depth_of(*child));
  return d;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string() + ": cannot read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string render_flame_graph(const std::string& folded, int width) {
  Frame root;
  std::istringstream in(folded);
  std::string line;
  while (std::getline(in, line)) {
    const size_t space = line.rfind(' ');
    if (space == std::string::npos) continue;
    uint64_t cycles = 0;
    try {
      cycles = std::stoull(line.substr(space + 1));
    } catch (const std::exception&) {
      continue;  // not a folded line
    }
    root.total += cycles;
    Frame* f = &root;
    std::istringstream path(line.substr(0, space));
    std::string name;
    while (std::getline(path, name, ';')) {
      auto& slot = f->children[name];
      if (!slot) slot = std::make_unique<Frame>();
      slot->total += cycles;
      f = slot.get();
    }
  }
  if (root.total == 0) return "";
  constexpr int kRow = 17;
  const int depth = depth_of(root);
  const int height = (depth + 1) * kRow + 4;
  std::ostringstream svg;
  svg << "<svg class=\"flame\" id=\"flame\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width
      << "\" height=\"" << height << "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  const double scale = double(width) / double(root.total);
  // The root box is the whole run; its children are the outermost functions.
  draw(root, "all", 0, 0, scale, height, kRow, svg);
  svg << "</svg>\n";
  return svg.str();
}

std::string profile_section(const std::string& out_dir) {
  namespace fs = std::filesystem;
  const fs::path json_path = fs::path(out_dir) / "profile.json";
  std::error_code ec;
  if (!fs::exists(json_path, ec)) return "";
  nlohmann::json profile;
  try {
    profile = nlohmann::json::parse(read_text(json_path));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(json_path.string() + ": " + e.what());
  }
  const auto& totals = profile.at("totals");
  const double total_cycles = totals.value("cycles", 0.0);
  std::ostringstream out;
  out << "<h2>Profile</h2>\n<p class=\"sub\">Per function, from profile.json (all functions) and "
         "profile.folded (docs/profile.md). Total: "
      << totals.value("cycles", uint64_t(0)) << " cycles, "
      << totals.value("instructions", uint64_t(0)) << " instructions, "
      << report::si_unit(totals.value("energy_J", 0.0), "J") << ", "
      << totals.value("reexecuted_cycles", uint64_t(0)) << " cycles re-executed.</p>\n";
  out << "<div class=\"table-box\"><table class=\"profile\"><tr><th>function</th><th>source</th>"
         "<th>calls</th><th>instructions</th><th>cycles</th><th>% cycles</th><th>energy (J)</th>"
         "<th>FRAM cache misses</th><th>re-executed cycles</th></tr>";
  size_t shown = 0;
  for (const auto& f : profile.at("functions")) {
    if (shown++ == kTopFunctions) break;
    std::string source;
    if (f.value("file", nlohmann::json()).is_string()) {
      source = f["file"].get<std::string>() + ":" + f.value("line", nlohmann::json()).dump();
    }
    const double cycles = f.value("cycles", 0.0);
    out << "<tr><th>" << esc(f.value("function", std::string())) << "</th><td>" << esc(source)
        << "</td><td>" << f.value("calls", uint64_t(0)) << "</td><td>"
        << f.value("instructions", uint64_t(0)) << "</td><td>" << f.value("cycles", uint64_t(0))
        << "</td><td>" << num(total_cycles > 0 ? 100.0 * cycles / total_cycles : 0.0) << "</td><td>"
        << num(f.value("energy_J", 0.0)) << "</td><td>" << f.value("fram_cache_misses", uint64_t(0))
        << "</td><td>" << f.value("reexecuted_cycles", uint64_t(0)) << "</td></tr>";
  }
  out << "</table></div>\n";
  const fs::path folded_path = fs::path(out_dir) / "profile.folded";
  if (fs::exists(folded_path, ec)) {
    const std::string svg = render_flame_graph(read_text(folded_path));
    if (!svg.empty()) {
      out << "<h3>Flame graph (cycles; callers below callees)</h3>\n" << svg;
    }
  }
  return out.str();
}

}  // namespace ehsim

// The report fixes of issue 18 item 5, checked on the emitted SVG coordinates and in headless
// Chromium: the voltage envelope reaches v_on, envelope and mean differ in colour, legends and
// threshold labels stay off the data, sweep axes speak words and units, categorical parameters
// are points without lines, the points table fits the window, and the run report's UART, GPIO
// and marker-name sections. Screenshots land in the scratch directories.
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <regex>

#include "sim/report/report_run.h"
#include "sim/report/report_svg.h"
#include "tests/sim/report/report_test_util.h"
#include "tests/sim/sweep/sweep_test_util.h"

using nlohmann::json;
using namespace sweeptest;
using namespace reporttest;

namespace {

// The <svg> element of plot `id` in `html` (empty when absent).
std::string plot_svg(const std::string& html, const std::string& id) {
  const size_t at = html.find("data-plot=\"" + id + "\"");
  if (at == std::string::npos) return "";
  const size_t start = html.rfind("<svg", at), end = html.find("</svg>", at);
  return html.substr(start, end + 6 - start);
}

std::vector<std::string> plot_ids(const std::string& html) {
  static const std::regex re("data-plot=\"([^\"]+)\"");
  std::vector<std::string> ids;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), re); it != std::sregex_iterator();
       ++it) {
    const std::string id = (*it)[1];
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

// Attribute `name` of the first element in `svg` whose start tag contains `marker`.
std::string attr(const std::string& svg, const std::string& marker, const std::string& name) {
  const size_t at = svg.find(marker);
  if (at == std::string::npos) return "";
  const size_t tag = svg.rfind('<', at), close = svg.find('>', at);
  const std::string start_tag = svg.substr(tag, close - tag);
  const std::regex re(" " + name + "=\"([^\"]*)\"");
  std::smatch m;
  return std::regex_search(start_tag, m, re) ? std::string(m[1]) : "";
}

double attr_num(const std::string& svg, const std::string& marker, const std::string& name) {
  const std::string v = attr(svg, marker, name);
  return v.empty() ? NAN : std::stod(v);
}

struct Box {
  double l, t, r, b;
  bool intersects(const Box& o) const { return l < o.r && o.l < r && t < o.b && o.t < b; }
};

// The frame (data area) of a plot.
Box frame_of(const std::string& svg) {
  const double x = attr_num(svg, "class=\"frame\"", "x"), y = attr_num(svg, "class=\"frame\"", "y");
  return {x, y, x + attr_num(svg, "class=\"frame\"", "width"),
          y + attr_num(svg, "class=\"frame\"", "height")};
}

// Boxes of the legend's keys and texts and of the threshold labels, from their coordinates (text
// extent from report::text_width, 11 px font: 11 px above the baseline, 3 below).
std::vector<Box> label_boxes(const std::string& svg) {
  std::vector<Box> boxes;
  static const std::regex rect(R"re(<rect (?:class="[^"]*" )?x="([-0-9.]+)" y="([-0-9.]+)" )re"
                               R"re(width="([0-9.]+)" height="([0-9.]+)")re");
  static const std::regex text(
      R"re(<text class="(?:legend|threshold-label)"[^>]* x="([-0-9.]+)" y="([-0-9.]+)"[^>]*>([^<]*)<)re");
  const size_t g = svg.find("<g class=\"legend\">");
  if (g != std::string::npos) {
    const std::string legend = svg.substr(g, svg.find("</g>", g) - g);
    for (auto it = std::sregex_iterator(legend.begin(), legend.end(), rect);
         it != std::sregex_iterator(); ++it) {
      const double x = std::stod((*it)[1]), y = std::stod((*it)[2]);
      boxes.push_back({x, y, x + std::stod((*it)[3]), y + std::stod((*it)[4])});
    }
  }
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), text); it != std::sregex_iterator();
       ++it) {
    const double x = std::stod((*it)[1]), y = std::stod((*it)[2]);
    boxes.push_back({x, y - 11, x + ehsim::report::text_width(unescape((*it)[3])), y + 3});
  }
  return boxes;
}

// Every y coordinate of the "x,y" pairs of a polygon's points.
std::vector<double> polygon_ys(const std::string& points) {
  std::vector<double> ys;
  std::stringstream s(points);
  for (std::string pair; s >> pair;) ys.push_back(std::stod(pair.substr(pair.find(',') + 1)));
  return ys;
}

}  // namespace

TEST_CASE("run report: the voltage envelope reaches v_on, legends and labels stay off the data",
          "[report][run]") {
  const std::string dir = scratch("run_report_layout");
  // 100 ms rows: each charge peak (the MCU boots at v_on and pulls the voltage down at once)
  // falls between two rows, the case the user trial found.
  json sc = square_scenario("3s");
  sc["outputs"]["timeseries_period"] = "100ms";
  const std::string file = write_scenario(dir, sc);
  const auto r = sh(ehsim_bin() + " run " + q(file) + " --no-progress --out " + q(dir + "/out"));
  INFO(r.output);
  REQUIRE(r.status == 0);
  const json summary = json::parse(read(dir + "/out/summary.json"));
  REQUIRE(summary["power"]["boots"].get<int>() >= 2);  // the voltage reached v_on (2.4 V)
  double row_max = 0;
  for (const std::string& line : lines(read(dir + "/out/timeseries.csv"))) {
    if (line.rfind("time_s", 0) == 0) continue;
    row_max = std::max(row_max, std::stod(line.substr(line.find(',') + 1)));
  }
  INFO("highest capacitor_V of a timeseries row: " << row_max);
  const std::string html = read(dir + "/out/report.html");
  const std::string svg = plot_svg(html, "voltage");
  REQUIRE(!svg.empty());

  // 1. The envelope's top reaches the v_on line (SVG y grows downwards).
  const double y_on = attr_num(svg, "data-label=\"v_on 2.4 V\"", "y1");
  REQUIRE(std::isfinite(y_on));
  const std::vector<double> ys = polygon_ys(attr(svg, "class=\"envelope\"", "points"));
  REQUIRE(!ys.empty());
  const double top = *std::min_element(ys.begin(), ys.end());
  INFO("envelope top y " << top << ", v_on line y " << y_on);
  CHECK(top <= y_on + 0.5);
  // Every boot is a peak at v_on (the MCU turns on there): at least one envelope column per boot
  // reaches the line, though no timeseries row does.
  CHECK(row_max < 2.4);
  size_t touching = 0;
  for (double y : ys) touching += y <= y_on + 0.5 ? 1 : 0;
  CHECK(touching >= summary["power"]["boots"].get<size_t>());

  // 2. Envelope and mean line in distinct colours.
  const std::string env_fill = attr(svg, "class=\"envelope\"", "fill");
  const std::string mean_stroke = attr(svg, "data-series=\"capacitor V\"", "stroke");
  CHECK(!env_fill.empty());
  CHECK(!mean_stroke.empty());
  CHECK(env_fill != mean_stroke);

  // 3./4. Legend entries and threshold labels outside the data area, not over each other.
  for (const char* id : {"voltage", "harvested", "progress"}) {
    const std::string p = plot_svg(html, id);
    const Box frame = frame_of(p);
    const std::vector<Box> boxes = label_boxes(p);
    CHECK(boxes.size() >= 2);
    for (size_t i = 0; i < boxes.size(); ++i) {
      INFO(id << " label box " << i << ": " << boxes[i].l << "," << boxes[i].t << " - "
              << boxes[i].r << "," << boxes[i].b);
      CHECK_FALSE(boxes[i].intersects(frame));
      for (size_t k = i + 1; k < boxes.size(); ++k) CHECK_FALSE(boxes[i].intersects(boxes[k]));
    }
  }
  CHECK(attr_num(svg, "class=\"threshold-label\"", "x") >= frame_of(svg).r);

  // The same on the page Chromium renders, and the page is no wider than the window.
  EHSIM_REQUIRE_DEPENDENCY(chromium_available(), "chromium",
                           "the Debian package chromium (scripts/install-deps)");
  const Probe pr = probe(dir + "/out/report.html");
  CHECK(pr.plots >= 4);
  for (const std::string& o : pr.overlaps) FAIL_CHECK(o);
  CHECK(pr.scroll_width <= pr.window_width);
  screenshot(dir + "/out/report.html", dir + "/run-report-layout.png");
}

TEST_CASE("run report: UART text, GPIO lanes and marker names from events.jsonl", "[report][run]") {
  const std::string dir = scratch("run_report_events");
  const std::string file = write_scenario(dir, square_scenario("1s"));
  REQUIRE(sh(ehsim_bin() + " run " + q(file) + " --no-progress --out " + q(dir + "/out")).status ==
          0);
  // Events as the recorder writes them (gpio: the contract of the recorder's new events), after
  // the run's own: 250 UART lines (markup in them), 5000 P1 toggles, a few P3 values, named
  // markers; and a name on one of summary.progress.markers.
  {
    std::ofstream ev(dir + "/out/events.jsonl", std::ios::app);
    for (int i = 0; i < 250; ++i) {
      ev << json{{"time_s", 0.001 * i},
                 {"event", "uart"},
                 {"text", "line " + std::to_string(i) + " <b>&amp;</b>"}}
                .dump()
         << "\n";
    }
    for (int i = 0; i < 5000; ++i) {
      ev << json{{"time_s", 0.1 + 0.0001 * i}, {"event", "gpio"}, {"port", "P1"}, {"value", i & 1}}
                .dump()
         << "\n";
    }
    for (const auto& [t, v] : std::vector<std::pair<double, int>>{{0.2, 4}, {0.5, 0}, {0.7, 6}}) {
      ev << json{{"time_s", t}, {"event", "gpio"}, {"port", "P3"}, {"value", v}}.dump() << "\n";
    }
    ev << json{{"time_s", 0.9}, {"event", "marker"}, {"id", 0x42}, {"arg", 0}, {"name", "tick"}}
              .dump()
       << "\n";
  }
  json summary = json::parse(read(dir + "/out/summary.json"));
  json& markers = summary["progress"]["markers"];
  REQUIRE(!markers.empty());
  bool named = false;
  for (json& m : markers) {
    if (m["id"] == 0x10) {
      m["name"] = "crc start";
      named = true;
    }
  }
  REQUIRE(named);
  markers.push_back({{"id", 0x42},
                     {"count", 1},
                     {"last_arg", 0},
                     {"first_time_s", 0.9},
                     {"last_time_s", 0.9},
                     {"name", "tick"}});
  markers.push_back(
      {{"id", 0x43}, {"count", 1}, {"last_arg", 0}, {"first_time_s", 0.95}, {"last_time_s", 0.95}});
  std::ofstream(dir + "/out/summary.json") << summary.dump(2);
  REQUIRE(ehsim::write_run_report(dir + "/out"));
  const std::string html = read(dir + "/out/report.html");

  // UART: the first 200 lines, escaped, then how many more.
  const size_t pre = html.find("<pre class=\"uart\">");
  REQUIRE(pre != std::string::npos);
  const std::string uart = html.substr(pre, html.find("</pre>", pre) - pre);
  CHECK(count(uart, "\n") == 200);
  CHECK(uart.find("line 199 &lt;b&gt;&amp;amp;&lt;/b&gt;") != std::string::npos);
  CHECK(uart.find("line 200 ") == std::string::npos);
  CHECK(uart.find("<b>") == std::string::npos);
  CHECK(html.find("\u2026 50 more lines") != std::string::npos);

  // GPIO: a lane per changing pin; 5000 toggles binned to a bounded plot.
  const std::string gpio = plot_svg(html, "gpio");
  REQUIRE(!gpio.empty());
  for (const char* lane : {"P1.0", "P3.1", "P3.2"}) {
    INFO(lane);
    CHECK(gpio.find(std::string("data-series=\"") + lane + "\"") != std::string::npos);
  }
  CHECK(gpio.find("data-series=\"P3.0\"") == std::string::npos);  // never changes
  CHECK(gpio.size() < 150000);

  // Marker names: "name (0xID)" where the firmware named it, "marker 0xID" otherwise.
  CHECK(html.find("crc start (0x10)") != std::string::npos);
  CHECK(html.find("tick (0x42)") != std::string::npos);
  CHECK(html.find("marker 0x43") != std::string::npos);
  // checksum_ckpt names 0x11 itself (EHSIM_MARKER_NAME in freeml/firmware/apps/checksum_common.h).
  CHECK(html.find("checkpoint_commit (0x11)") != std::string::npos);
  CHECK(html.find("marker 0x10") == std::string::npos);

  // Deterministic: the same inputs give the same bytes.
  REQUIRE(ehsim::write_run_report(dir + "/out"));
  CHECK(read(dir + "/out/report.html") == html);

  EHSIM_REQUIRE_DEPENDENCY(chromium_available(), "chromium",
                           "the Debian package chromium (scripts/install-deps)");
  const std::string dom = dump_dom(dir + "/out/report.html");
  CHECK(check_figures(dom, summary) >= 25);
  CHECK(dom.find("data-key=\"progress.markers.0.count\"") != std::string::npos);
  const Probe pr = probe(dir + "/out/report.html");
  for (const std::string& o : pr.overlaps) FAIL_CHECK(o);
  CHECK(pr.scroll_width <= pr.window_width);
  screenshot(dir + "/out/report.html", dir + "/run-report-events.png");
}

TEST_CASE("sweep report: axes in words with units, categorical firmware as points, table fits",
          "[report][sweep]") {
  const std::string dir = scratch("sweep_report_layout");
  const std::string sc = write_scenario(dir, square_scenario("1s"));
  const std::string fw = std::string(EHSIM_FIRMWARE_DIR);
  const auto r =
      sh(ehsim_bin() + " sweep " + q(sc) + " --param supply.capacitance=10uF,100uF,1mF" +
         " --param " + q("firmware=" + fw + "/checksum_ckpt.elf," + fw + "/checksum_restart.elf") +
         " -j 2 --no-progress --out " + q(dir + "/out"));
  INFO(r.output);
  REQUIRE(r.status == 0);
  const std::string html = read(dir + "/out/report.html");
  const json sweep = json::parse(read(dir + "/out/sweep.json"));
  static const std::regex path(R"re([A-Za-z_]\.[A-Za-z_])re");
  static const std::regex label(R"re(class="(?:axis-label|title)"[^>]*>([^<]*)<)re");
  size_t plots = 0;
  for (const std::string& id : plot_ids(html)) {
    if (id.rfind("sweep-", 0) != 0) continue;
    ++plots;
    const std::string svg = plot_svg(html, id);
    INFO(id);
    // 5. Titles in words: no JSON path in an axis or plot title.
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), label);
         it != std::sregex_iterator(); ++it) {
      const std::string text = (*it)[1];
      INFO(text);
      CHECK_FALSE(std::regex_search(text, path));
    }
    if (id.size() > 19 && id.compare(id.size() - 19, 19, "-supply.capacitance") == 0) {
      CHECK(svg.find("supply capacitance") != std::string::npos);
      // Ticks carry the unit.
      CHECK(svg.find(">10 \xC2\xB5"
                     "F<") != std::string::npos);
      CHECK(svg.find(">100 \xC2\xB5"
                     "F<") != std::string::npos);
      CHECK(svg.find(">1 mF<") != std::string::npos);
      CHECK(svg.find("class=\"series\"") != std::string::npos);  // numeric: lines
    } else if (id.size() > 9 && id.compare(id.size() - 9, 9, "-firmware") == 0) {
      // 6. Categorical: points grouped per category, category labels, no line.
      CHECK(svg.find("class=\"series\"") == std::string::npos);
      CHECK(svg.find("<polyline") == std::string::npos);
      CHECK(count(svg, "<circle class=\"dot\"") == 6);
      CHECK(svg.find(">checksum_ckpt.elf<") != std::string::npos);
      CHECK(svg.find(">checksum_restart.elf<") != std::string::npos);
    } else {
      FAIL_CHECK("unexpected plot " << id);
    }
    // Legends off the data.
    const Box frame = frame_of(svg);
    for (const Box& b : label_boxes(svg)) CHECK_FALSE(b.intersects(frame));
  }
  CHECK(plots >= 2);
  // 7. The points table scrolls in its own box; file paths show their file name.
  CHECK(html.find("<div class=\"table-box\"><table class=\"points\">") != std::string::npos);
  CHECK(html.find("overflow-x:auto") != std::string::npos);
  CHECK(html.find("title=\"" + fw + "/checksum_ckpt.elf\">checksum_ckpt.elf<") !=
        std::string::npos);

  EHSIM_REQUIRE_DEPENDENCY(chromium_available(), "chromium",
                           "the Debian package chromium (scripts/install-deps)");
  const std::string dom = dump_dom(dir + "/out/report.html");
  size_t n = 0;
  for (const json& p : sweep["points"]) {
    n += check_figures(dom, p["metrics"], "points." + p["name"].get<std::string>() + ".");
  }
  CHECK(n >= 6 * 5);
  const Probe pr = probe(dir + "/out/report.html");
  for (const std::string& o : pr.overlaps) FAIL_CHECK(o);
  INFO("page scroll width " << pr.scroll_width << " in a " << pr.window_width << " px window");
  CHECK(pr.scroll_width <= pr.window_width);
  screenshot(dir + "/out/report.html", dir + "/sweep-report-layout.png");
}

TEST_CASE("check report: check.json's divergences and hazards, rendered within the window",
          "[report][check]") {
  const std::string dir = scratch("check_report");
  const std::string elf = std::string(EHSIM_FIRMWARE_DIR) + "/intermittence/war_sum_bug.elf";
  REQUIRE(sh(ehsim_bin() + " check " + q(elf) + " --commit-function commit_done -j 2 --out " +
             q(dir + "/out"))
              .status == 1);
  const json check = json::parse(read(dir + "/out/check.json"));
  const std::string html = read(dir + "/out/report.html");
  // Every function with divergences, the first divergence's replay command and every hazard's
  // data, as check.json has them (HTML-escaped the same way).
  for (const auto& [function, count] : check["divergences_by_function"].items()) {
    CHECK(html.find(">" + function + "<") != std::string::npos);
  }
  REQUIRE_FALSE(check["divergences"].empty());
  CHECK(html.find(ehsim::report::esc(check["divergences"][0]["reproduce"].get<std::string>())) !=
        std::string::npos);
  REQUIRE_FALSE(check["hazards"].empty());
  for (const auto& h : check["hazards"]) {
    CHECK(html.find("<td>" + ehsim::report::esc(h["data"].get<std::string>()) + "</td>") !=
          std::string::npos);
  }
  CHECK(html.find("<b>FAIL</b>") != std::string::npos);
  // In a browser: nothing wider than the window, labels off the bars.
  const Probe p = probe(dir + "/out/report.html");
  CHECK(p.scroll_width <= p.window_width);
  CHECK(p.overlaps.empty());
}

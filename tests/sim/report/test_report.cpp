// report.html of a run and of a sweep, rendered by headless Chromium: the SVG plots are in the
// rendered DOM and every figure shown equals summary.json (sweep.json for a sweep). Screenshots
// land in <build>/test-sweep/*/ for a person to look at.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "sim/report/report_run.h"
#include "sim/report/report_sweep.h"
#include "tests/sim/report/report_test_util.h"
#include "tests/sim/sweep/sweep_test_util.h"

using nlohmann::json;
using namespace sweeptest;
using namespace reporttest;

TEST_CASE("ehsim run writes a self-contained report.html whose figures are summary.json's",
          "[report][run]") {
  const std::string dir = scratch("run_report");
  const std::string sc = write_scenario(dir, square_scenario("3s"));
  const auto r = sh(ehsim_bin() + " run " + q(sc) + " --no-progress --out " + q(dir + "/out"));
  INFO(r.output);
  REQUIRE(r.status == 0);
  const std::string html = read(dir + "/out/report.html");
  REQUIRE(!html.empty());
  // Self-contained: no scripts, no links to anything outside the page.
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));
  CHECK(html.find("https://") == std::string::npos);
  const json summary = json::parse(read(dir + "/out/summary.json"));
  CHECK(summary["power"]["power_failures"].get<int>() >= 2);  // shading has several intervals

  EHSIM_REQUIRE_DEPENDENCY(chromium_available(), "chromium",
                           "the Debian package chromium (scripts/install-deps)");
  const std::string dom = dump_dom(dir + "/out/report.html");
  REQUIRE(dom.find("</svg>") != std::string::npos);
  for (const char* plot : {"voltage", "harvested", "progress", "energy"}) {
    INFO(plot);
    CHECK(dom.find(std::string("data-plot=\"") + plot + "\"") != std::string::npos);
  }
  CHECK(count(dom, "class=\"threshold\"") == 2);
  CHECK(dom.find("data-label=\"v_on 2.4 V\"") != std::string::npos);
  CHECK(dom.find("data-label=\"v_off 1.8 V\"") != std::string::npos);
  // One shaded band per powered interval (a boot without a loss runs to the end) on each of
  // the three time plots.
  const size_t intervals = summary["power"]["boots"].get<size_t>();
  CHECK(count(dom, "<rect class=\"band\" x=") == 3 * intervals);
  CHECK(count(dom, "class=\"series\"") >= 3);
  // Figures equal summary.json.
  const size_t figures = check_figures(dom, summary);
  CHECK(figures >= 20);
  for (const char* key : {"energy.harvested_J", "power.boots", "time.on_time_fraction",
                          "progress.commits", "energy.delivered_J"}) {
    INFO(key);
    CHECK(dom.find(std::string("data-key=\"") + key + "\"") != std::string::npos);
  }
  // Bars print the same rounding.
  CHECK(dom.find("data-label=\"harvested\" data-value=\"" +
                 six(summary["energy"]["harvested_J"].get<double>()) + "\"") != std::string::npos);
  screenshot(dir + "/out/report.html", dir + "/run-report.png");
  CHECK(fs::file_size(dir + "/run-report.png") > 10000);
}

TEST_CASE("a run report shows the exits histogram and accuracy per exit of summary.inference",
          "[report][inference]") {
  const std::string dir = scratch("inference_report");
  const std::string sc = write_scenario(dir, square_scenario("1s"));
  REQUIRE(sh(ehsim_bin() + " run " + q(sc) + " --no-progress --out " + q(dir + "/out")).status ==
          0);
  // The inference object as the FreeML runs write it.
  json summary = json::parse(read(dir + "/out/summary.json"));
  summary["inference"] = {{"policy", "energy"},
                          {"samples_offered", 40},
                          {"completed", 31},
                          {"missed", 9},
                          {"correct", 26},
                          {"accuracy", 26.0 / 31.0},
                          {"mean_latency_s", 0.8125},
                          {"inferences_per_hour", 111600.0},
                          {"exits",
                           {{{"layer", 1}, {"count", 4}, {"correct", 2}, {"accuracy", 0.5}},
                            {{"layer", 2}, {"count", 10}, {"correct", 8}, {"accuracy", 0.8}},
                            {{"layer", 4}, {"count", 17}, {"correct", 16}, {"accuracy", 16.0 / 17}},
                            {{"layer", 5}, {"count", 0}, {"correct", 0}, {"accuracy", nullptr}}}}};
  std::ofstream(dir + "/out/summary.json") << summary.dump(2);
  REQUIRE(ehsim::write_run_report(dir + "/out"));
  const std::string html = read(dir + "/out/report.html");
  CHECK(html.find("data-plot=\"exits\"") != std::string::npos);
  CHECK(html.find("data-plot=\"accuracy\"") != std::string::npos);
  EHSIM_REQUIRE_DEPENDENCY(chromium_available(), "chromium",
                           "the Debian package chromium (scripts/install-deps)");
  const std::string dom = dump_dom(dir + "/out/report.html");
  CHECK(count(dom, "<rect class=\"bar\" data-label=\"layer ") == 8);
  CHECK(dom.find("data-label=\"layer 4\" data-value=\"17\"") != std::string::npos);
  CHECK(dom.find("data-label=\"layer 2\" data-value=\"0.8\"") != std::string::npos);
  CHECK(dom.find("data-key=\"inference.exits.2.accuracy\"") != std::string::npos);
  CHECK(dom.find("data-key=\"inference.inferences_per_hour\"") != std::string::npos);
  CHECK(check_figures(dom, summary, "") >= 30);
  screenshot(dir + "/out/report.html", dir + "/inference-report.png");
}

TEST_CASE("a sweep report plots each metric against each parameter, log axis for capacitance",
          "[report][sweep]") {
  const std::string dir = scratch("sweep_report");
  const std::string sc = write_scenario(dir, square_scenario("2s"));
  const auto r = sh(ehsim_bin() + " sweep " + q(sc) +
                    " --param supply.capacitance=10uF..1mF:log:4 --param supply.v_on=2.2V,2.6V"
                    " --metric power.boots --metric time.on_time_fraction --metric "
                    "progress.commits -j 2 --no-progress --out " +
                    q(dir + "/out"));
  INFO(r.output);
  REQUIRE(r.status == 0);
  const json sweep = json::parse(read(dir + "/out/sweep.json"));
  EHSIM_REQUIRE_DEPENDENCY(chromium_available(), "chromium",
                           "the Debian package chromium (scripts/install-deps)");
  const std::string dom = dump_dom(dir + "/out/report.html");
  for (const char* m : {"power.boots", "time.on_time_fraction", "progress.commits"}) {
    for (const char* p : {"supply.capacitance", "supply.v_on"}) {
      INFO(m << " vs " << p);
      CHECK(dom.find(std::string("data-plot=\"sweep-") + m + "-" + p + "\"") != std::string::npos);
    }
  }
  CHECK(dom.find("supply capacitance (log scale)") != std::string::npos);
  CHECK(dom.find("turn-on voltage (log scale)") == std::string::npos);
  // One line per value of the other parameter: 2 lines against capacitance, 4 against v_on.
  CHECK(count(dom, "data-series=\"supply.v_on=2.2V\"") == 3);
  CHECK(count(dom, "data-series=\"supply.capacitance=1mF\"") == 3);
  // The table's figures are sweep.json's.
  size_t n = 0;
  for (const json& p : sweep["points"]) {
    n += check_figures(dom, p["metrics"], "points." + p["name"].get<std::string>() + ".");
  }
  CHECK(n == 8 * 3);
  screenshot(dir + "/out/report.html", dir + "/sweep-report.png");
}

TEST_CASE("a sweep report of FreeML points shows each point's exit distribution vs harvested power",
          "[report][sweep][inference]") {
  const std::string dir = scratch("sweep_exits_report");
  const std::string sc = write_scenario(dir, square_scenario("1s"));
  const auto r =
      sh(ehsim_bin() + " sweep " + q(sc) +
         " --param supply.capacitance=10uF,100uF --no-progress --out " + q(dir + "/out"));
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(read(dir + "/out/report.html").find("Exit distribution") == std::string::npos);
  // Inference objects as the FreeML runs write them (layer 3 absent from the first point).
  const std::vector<json> exits = {
      {{{"layer", 1}, {"count", 6}, {"correct", 3}, {"accuracy", 0.5}},
       {{"layer", 10}, {"count", 2}, {"correct", 2}, {"accuracy", 1.0}}},
      {{{"layer", 1}, {"count", 1}, {"correct", 0}, {"accuracy", 0.0}},
       {{"layer", 3}, {"count", 4}, {"correct", 3}, {"accuracy", 0.75}},
       {{"layer", 10}, {"count", 7}, {"correct", 7}, {"accuracy", 1.0}}}};
  std::vector<json> summaries;
  for (int i = 0; i < 2; ++i) {
    const std::string file = dir + "/out/points/000" + std::to_string(i) + "/summary.json";
    json s = json::parse(read(file));
    int completed = 0;
    for (const json& e : exits[size_t(i)]) completed += e["count"].get<int>();
    s["inference"] = {{"completed", completed}, {"accuracy", 0.7}, {"exits", exits[size_t(i)]}};
    std::ofstream(file) << s.dump(2);
    summaries.push_back(s);
  }
  REQUIRE(ehsim::write_sweep_report(dir + "/out"));
  const std::string html = read(dir + "/out/report.html");
  CHECK(html.find("data-plot=\"exits-share-vs-power\"") != std::string::npos);
  CHECK(html.find("data-plot=\"exits-accuracy-vs-power\"") != std::string::npos);
  for (int i = 0; i < 2; ++i) {
    const json& s = summaries[size_t(i)];
    const std::string base = "data-key=\"exits.000" + std::to_string(i) + ".";
    const double power =
        s["energy"]["harvested_J"].get<double>() / s["time"]["simulated_s"].get<double>();
    CHECK(html.find(base + "mean_harvested_W\" data-value=\"" + json(power).dump() + "\">" +
                    six(power) + "<") != std::string::npos);
    CHECK(html.find(base + "completed\" data-value=\"" + s["inference"]["completed"].dump() +
                    "\"") != std::string::npos);
    for (const json& e : s["inference"]["exits"]) {
      const std::string layer = base + "layer" + e["layer"].dump();
      CHECK(html.find(layer + ".count\" data-value=\"" + e["count"].dump() + "\"") !=
            std::string::npos);
      CHECK(html.find(layer + ".accuracy\" data-value=\"" + e["accuracy"].dump() + "\"") !=
            std::string::npos);
    }
  }
  // A layer a point never exited at is a zero count there, and its share is count / completed.
  CHECK(html.find("data-key=\"exits.0000.layer3.count\" data-value=\"0\"") != std::string::npos);
  CHECK(html.find("data-key=\"exits.0001.layer3.share\" data-value=\"" + json(4.0 / 12).dump() +
                  "\"") != std::string::npos);
  EHSIM_REQUIRE_DEPENDENCY(chromium_available(), "chromium",
                           "the Debian package chromium (scripts/install-deps)");
  const std::string dom = dump_dom(dir + "/out/report.html");
  for (const char* layer : {"layer 1", "layer 3", "layer 10"}) {
    CHECK(count(dom, std::string("data-series=\"") + layer + "\"") == 2);  // share and accuracy
  }
  screenshot(dir + "/out/report.html", dir + "/sweep-exits-report.png");
}

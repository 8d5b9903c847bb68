// compare's three views of the fixtures (compare_fixtures.h): the terminal table, compare.json
// and compare.html, each holding the hand-computed changes.
#include <catch2/catch.hpp>
#include <sstream>

#include "sim/compare/compare_report.h"
#include "tests/sim/compare/compare_fixtures.h"

using namespace ehsim::compare;
using Catch::Matchers::Contains;
using comparetest::ordered_json;

namespace {

struct Fixture {
  Comparison cmp;
  std::vector<ThresholdResult> results;
};

Fixture fixture() {
  const std::string dir = comparetest::write_runs("runs", true);
  Fixture f{compare_runs(load_run_figures(dir + "/a"), load_run_figures(dir + "/b")), {}};
  f.cmp.a.dir = "runs/a";  // shown as given; the scratch path differs per machine
  f.cmp.b.dir = "runs/b";
  const std::vector<Threshold> t = {parse_threshold("energy.mcu_consumed_J > +5%"),
                                    parse_threshold("mcu.cycles < -50%"),
                                    parse_threshold("time.first_boot_s > 0")};
  f.results = evaluate_thresholds(t, f.cmp);
  return f;
}

// The whitespace-separated cells of the table line that starts with `path`.
std::vector<std::string> row(const std::string& text, const std::string& path) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(path + " ", 0) != 0) continue;
    std::istringstream cells(line);
    std::vector<std::string> out;
    for (std::string c; cells >> c;) out.push_back(c);
    return out;
  }
  return {};
}

const ordered_json& figure(const ordered_json& j, const std::string& path) {
  for (const ordered_json& f : j["figures"]) {
    if (f["path"] == path) return f;
  }
  FAIL("no figure " + path);
  static ordered_json none;
  return none;
}

}  // namespace

TEST_CASE("compare: value and change texts", "[compare]") {
  CHECK(value_text(4000) == "4000");
  CHECK(value_text(0.000123456789) == "0.000123457");
  CHECK(value_text(nullptr) == "n/a");
  CHECK(absolute_text(100) == "+100");
  CHECK(absolute_text(-0.25) == "-0.25");
  CHECK(absolute_text(0) == "0");
  CHECK(absolute_text(nullptr) == "n/a");
  CHECK(relative_text(0.0569) == "+5.69%");
  CHECK(relative_text(-0.25) == "-25%");
  CHECK(relative_text(0.0) == "0%");
  CHECK(relative_text(INFINITY) == "+inf");
  CHECK(relative_text(-INFINITY) == "-inf");
  CHECK(relative_text(57.06) == "+5706%");
  CHECK(relative_text(std::nullopt) == "n/a");
}

TEST_CASE("compare: the terminal table shows every figure with its changes", "[compare]") {
  const Fixture f = fixture();
  const std::string text = compare_text(f.cmp, f.results);
  CHECK_THAT(text, Contains("A: runs/a (firmware a.elf, scenario \"fixture\", end host_exit, "
                            "profile.json)"));
  CHECK(row(text, "energy.mcu_consumed_J") ==
        std::vector<std::string>{"energy.mcu_consumed_J", "0.5", "0.625", "+0.125", "+25%"});
  CHECK(row(text, "mcu.cycles") ==
        std::vector<std::string>{"mcu.cycles", "4000", "3000", "-1000", "-25%"});
  CHECK(row(text, "mcu.wakeups") ==
        std::vector<std::string>{"mcu.wakeups", "0", "4", "+4", "+inf"});
  CHECK(row(text, "time.first_boot_s") ==
        std::vector<std::string>{"time.first_boot_s", "n/a", "0.25", "n/a", "n/a"});
  CHECK(row(text, "counts.0") == std::vector<std::string>{"counts.0", "5", "-", "removed"});
  CHECK(row(text, "power.power_failure_pcs.pc=18000.count") ==
        std::vector<std::string>{"power.power_failure_pcs.pc=18000.count", "-", "1", "added"});
  CHECK(row(text, "function.main.energy_J") ==
        std::vector<std::string>{"function.main.energy_J", "0.25", "0.375", "+0.125", "+50%"});
  CHECK(row(text, "function.new_fn.cycles") ==
        std::vector<std::string>{"function.new_fn.cycles", "-", "250", "added"});
  CHECK_THAT(text, Contains("functions (profile.json): 2 in both runs, 1 added, 1 removed"));
  CHECK_THAT(text, Contains("--fail-if: 1 of 3 hit\n"
                            "  HIT  energy.mcu_consumed_J > +5%  (+25%)\n"
                            "  ok  mcu.cycles < -50%  (-25%)\n"
                            "  n/a  time.first_boot_s > 0  (not evaluated: no value in A)\n"));
}

TEST_CASE("compare: compare.json holds the exact changes", "[compare]") {
  const Fixture f = fixture();
  const ordered_json j = compare_json(f.cmp, f.results);
  CHECK(j["schema"] == "ehsim-compare-1");
  CHECK(j["a"]["dir"] == "runs/a");
  CHECK(j["b"]["firmware"] == "b.elf");
  CHECK(j["a"]["profile"] == true);
  const ordered_json& e = figure(j, "energy.mcu_consumed_J");
  CHECK(e["status"] == "both");
  CHECK(e["a"] == 0.5);
  CHECK(e["b"] == 0.625);
  CHECK(e["absolute"] == 0.125);
  CHECK(e["relative"] == 0.25);
  CHECK(figure(j, "mcu.cycles")["absolute"] == -1000);
  CHECK(figure(j, "mcu.wakeups")["relative"] == "+inf");
  CHECK(figure(j, "mcu.drops")["relative"] == "-inf");
  CHECK(figure(j, "mcu.resets")["relative"] == 0.0);
  CHECK(figure(j, "time.first_boot_s")["relative"].is_null());
  CHECK(figure(j, "counts.1")["status"] == "removed");
  CHECK(figure(j, "counts.1")["b"].is_null());
  CHECK(figure(j, "function.new_fn.calls")["status"] == "added");
  CHECK(j["functions"].size() == 4);
  CHECK(j["functions"][1] == ordered_json::parse(R"({"function": "new_fn", "file": null,
        "line": null, "status": "added"})"));
  CHECK(j["profile_note"].is_null());
  REQUIRE(j["thresholds"].size() == 3);
  CHECK(j["thresholds"][0]["hit"] == true);
  CHECK(j["thresholds"][0]["change"] == 0.25);
  CHECK(j["thresholds"][0]["limit"] == 0.05);
  CHECK(j["thresholds"][1]["hit"] == false);
  CHECK(j["thresholds"][2]["evaluated"] == false);
  CHECK(j["thresholds"][2]["note"] == "no value in A");
  CHECK(j["result"] == "fail");
  // NaN would not survive JSON: every number is finite.
  CHECK(j.dump().find("nan") == std::string::npos);
  CHECK(compare_json(f.cmp, {})["result"] == "pass");
}

TEST_CASE("compare: compare.html is self-contained and holds every figure", "[compare]") {
  const Fixture f = fixture();
  const std::string html = compare_html(f.cmp, f.results);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("http") == std::string::npos);
  CHECK_THAT(html, Contains("<tr data-key=\"energy.mcu_consumed_J\"><th>energy.mcu_consumed_J"
                            "</th><td class=\"num\" data-value=\"0.5\">0.5</td><td class=\"num\" "
                            "data-value=\"0.625\">0.625</td><td class=\"num\" "
                            "data-value=\"0.125\">+0.125</td><td class=\"num\" "
                            "data-value=\"0.25\">+25%</td></tr>"));
  CHECK_THAT(html, Contains("<tr class=\"failed\"><th>energy.mcu_consumed_J &gt; +5%</th>"));
  CHECK_THAT(html, Contains("<tr class=\"missing\" data-key=\"function.old_fn.cycles\">"));
  CHECK_THAT(html, Contains("data-value=\"&quot;+inf&quot;\">+inf</td>"));
  CHECK_THAT(html, Contains("<tr><th>main</th><td>src.c:12</td><td>both</td></tr>"));
  for (const FigureChange& c : f.cmp.figures) {
    INFO(c.path);
    CHECK_THAT(html, Contains("data-key=\"" + c.path + "\""));
  }
  CHECK(html == compare_html(f.cmp, f.results));
}

// Parameter syntax of `ehsim sweep`: lists, log and lin ranges with units, product and zip, and
// the errors (exit status 2, naming the parameter).
#include <catch2/catch.hpp>
#include <string>

#include "sim/scenario/units.h"
#include "sim/sweep/sweep_spec.h"
#include "tests/sim/sweep/sweep_test_util.h"

using ehsim::InputError;
using ehsim::parse_sweep_param;

TEST_CASE("a --param list keeps its values as written", "[sweep][spec]") {
  const auto p = parse_sweep_param("supply.capacitance=10uF, 22uF,47uF");
  CHECK(p.key == "supply.capacitance");
  CHECK(p.values == std::vector<std::string>{"10uF", "22uF", "47uF"});
  const auto f = parse_sweep_param("harvester.trace.file=rf-cart.trace,rf-mobile.trace");
  CHECK(f.values == std::vector<std::string>{"rf-cart.trace", "rf-mobile.trace"});
}

TEST_CASE("log and lin ranges include both ends and carry the unit", "[sweep][spec]") {
  CHECK(parse_sweep_param("supply.capacitance=10uF..1mF:log:3").values ==
        std::vector<std::string>{"10uF", "100uF", "1mF"});
  const auto twelve = parse_sweep_param("supply.capacitance=10uF..1mF:log:12").values;
  REQUIRE(twelve.size() == 12);
  CHECK(twelve.front() == "10uF");
  CHECK(twelve.back() == "1mF");
  for (size_t i = 1; i < twelve.size(); ++i) {
    const double ratio = *ehsim::numeric_value(twelve[i]) / *ehsim::numeric_value(twelve[i - 1]);
    CHECK(ratio == Approx(std::pow(100.0, 1.0 / 11)).epsilon(1e-5));
  }
  CHECK(parse_sweep_param("supply.v_on=2V..3V:lin:5").values ==
        std::vector<std::string>{"2V", "2.25V", "2.5V", "2.75V", "3V"});
  CHECK(parse_sweep_param("seed=1..4:lin:4").values ==
        std::vector<std::string>{"1", "2", "3", "4"});
  CHECK(parse_sweep_param("run.duration=10ms..1s:log:3").values ==
        std::vector<std::string>{"10ms", "100ms", "1s"});
  // Lists and ranges mix.
  CHECK(parse_sweep_param("supply.capacitance=1uF,10uF..1mF:log:3").values ==
        std::vector<std::string>{"1uF", "10uF", "100uF", "1mF"});
  // Every range value reads back through the scenario's unit parser.
  for (const std::string& v : twelve) {
    CHECK(ehsim::parse_quantity(v, "F", "/supply/capacitance") == Approx(*ehsim::numeric_value(v)));
  }
}

TEST_CASE("numeric values and SI formatting", "[sweep][spec]") {
  CHECK(*ehsim::numeric_value("47uF") == Approx(47e-6));
  CHECK(*ehsim::numeric_value("1mF") == Approx(1e-3));
  CHECK(*ehsim::numeric_value("10kOhm") == Approx(1e4));
  CHECK(*ehsim::numeric_value("2.4V") == Approx(2.4));
  CHECK(*ehsim::numeric_value("3") == 3);
  CHECK(*ehsim::numeric_value("2min") == 120);
  CHECK_FALSE(ehsim::numeric_value("rf-cart.trace"));
  CHECK(ehsim::format_quantity(22e-6, "F") == "22uF");
  CHECK(ehsim::format_quantity(0.001, "F") == "1mF");
  CHECK(ehsim::format_quantity(1800, "s") == "1800s");
}

TEST_CASE("product and zip points", "[sweep][spec]") {
  const std::vector<ehsim::SweepParam> params = {parse_sweep_param("a.b=1,2,3"),
                                                 parse_sweep_param("c=x,y")};
  const auto product = ehsim::make_plan("/s.json", params, false, {});
  REQUIRE(product.points.size() == 6);
  CHECK(product.points[0].sets[0].second == "1");
  CHECK(product.points[1].sets[1].second == "y");  // the last parameter varies fastest
  CHECK(product.points[5].name == "0005");
  CHECK_THROWS_WITH(ehsim::make_plan("/s.json", params, true, {}),
                    Catch::Contains("--param c") && Catch::Contains("--param a.b"));
  const std::vector<ehsim::SweepParam> same = {parse_sweep_param("a.b=1,2"),
                                               parse_sweep_param("c=x,y")};
  const auto zip = ehsim::make_plan("/s.json", same, true, {});
  REQUIRE(zip.points.size() == 2);
  CHECK(zip.points[1].sets[0].second == "2");
  CHECK(zip.points[1].sets[1].second == "y");
}

TEST_CASE("bad --param syntax is an error naming the parameter", "[sweep][spec]") {
  const auto bad = [](const std::string& arg, const std::string& needle) {
    INFO(arg);
    CHECK_THROWS_AS(parse_sweep_param(arg), InputError);
    CHECK_THROWS_WITH(parse_sweep_param(arg), Catch::Contains(needle));
  };
  bad("supply.capacitance", "--param supply.capacitance");
  bad("=1,2", "empty");
  bad("supply.capacitance=10uF,,22uF", "--param supply.capacitance");
  bad("supply.capacitance=10uF..1mF:log", "--param supply.capacitance");
  bad("supply.capacitance=10uF..1mF:cubic:3", "neither log nor lin");
  bad("supply.capacitance=10uF..1mF:log:1", "from 2 to 100000");
  bad("supply.capacitance=10uF..1mF:log:x", "from 2 to 100000");
  bad("supply.capacitance=10uF..2V:lin:3", "same unit");
  bad("supply.capacitance=0uF..1mF:log:3", "positive");
  bad("supply.capacitance=10uF,10uF", "twice");

  // Through the command line: status 2, the message names the parameter, nothing is run.
  const std::string dir = sweeptest::scratch("bad_param");
  const std::string sc = sweeptest::write_scenario(dir, sweeptest::square_scenario());
  const auto r = sweeptest::sh(sweeptest::ehsim_bin() + " sweep " + sweeptest::q(sc) +
                               " --param supply.capacitance=10uF..1mF:log:zero --out " +
                               sweeptest::q(dir + "/out"));
  INFO(r.output);
  CHECK(r.status == 2);
  CHECK(r.output.find("--param supply.capacitance") != std::string::npos);
  CHECK_FALSE(sweeptest::fs::exists(dir + "/out"));
  const auto twice =
      sweeptest::sh(sweeptest::ehsim_bin() + " sweep " + sweeptest::q(sc) +
                    " --param seed=1 --param seed=2 --out " + sweeptest::q(dir + "/out"));
  CHECK(twice.status == 2);
  CHECK(twice.output.find("--param seed") != std::string::npos);
  const auto missing =
      sweeptest::sh(sweeptest::ehsim_bin() + " sweep " + sweeptest::q(dir + "/nope.json") +
                    " --param seed=1 --out " + sweeptest::q(dir + "/out"));
  CHECK(missing.status == 2);
  CHECK(missing.output.find("nope.json") != std::string::npos);
}

#include <catch2/catch.hpp>

#include "sim/scenario/units.h"

using ehsim::InputError;
using ehsim::parse_quantity;

TEST_CASE("units: SI prefixes and unit symbols", "[units]") {
  CHECK(parse_quantity("47uF", "F", "/c") == Approx(47e-6).epsilon(1e-15));
  CHECK(parse_quantity("3.3V", "V", "/v") == Approx(3.3).epsilon(1e-15));
  CHECK(parse_quantity("16MHz", "Hz", "/f") == Approx(16e6).epsilon(1e-15));
  CHECK(parse_quantity("1mA", "A", "/i") == Approx(1e-3).epsilon(1e-15));
  CHECK(parse_quantity("20ms", "s", "/t") == Approx(0.02).epsilon(1e-15));
  CHECK(parse_quantity("0.1 mF", "F", "/c") == Approx(1e-4).epsilon(1e-15));
  CHECK(parse_quantity("4.7u", "F", "/c") == Approx(4.7e-6).epsilon(1e-15));
  CHECK(parse_quantity("2.5", "V", "/v") == 2.5);
  CHECK(parse_quantity("10kOhm", "Ohm", "/r") == Approx(1e4).epsilon(1e-15));
  CHECK(parse_quantity("5cm^2", "m^2", "/a") == Approx(5e-4).epsilon(1e-15));
  CHECK(parse_quantity("1kW/m^2", "W/m^2", "/g") == Approx(1e3).epsilon(1e-15));
  CHECK(parse_quantity("2h", "s", "/t") == 7200.0);
  CHECK(parse_quantity("-10dBm", "dBm", "/p") == -10.0);
}

TEST_CASE("units: errors name the JSON path and the expected unit", "[units]") {
  try {
    parse_quantity("47uV", "F", "/supply/capacitance");
    FAIL("no error");
  } catch (const InputError& e) {
    const std::string m = e.what();
    CHECK(m.find("/supply/capacitance") != std::string::npos);
    CHECK(m.find("'F'") != std::string::npos);
  }
  CHECK_THROWS_AS(parse_quantity("abc", "V", "/x"), InputError);
  CHECK_THROWS_AS(parse_quantity("nan", "V", "/x"), InputError);
  CHECK_THROWS_AS(ehsim::json_quantity(nlohmann::json::array(), "V", "/x"), InputError);
}

// Hardware under `ehsim run` that the scenario or the firmware touches beyond the basics: an
// access to a peripheral ehsim does not model is an event (never silent) and, with --strict, a
// fault; a scenario's input schedule drives GPIO pins; device.part selects another part's memory
// map. Firmware: tests/firmware/unmodelled_gpio_in.c.
#include <catch2/catch.hpp>
#include <string>

#include "run_harness.h"

using runtest::RunOutput;

namespace {

nlohmann::json scenario_with_pin_high_at(double t_s) {
  nlohmann::json sc = runtest::square_scenario("unmodelled_gpio_in");
  sc["inputs"] = {{"gpio", {{{"time", std::to_string(t_s) + "s"}, {"pin", "P1.1"}, {"level", 1}}}}};
  return sc;
}

}  // namespace

TEST_CASE("run reports accesses to unmodelled peripherals and follows the GPIO input schedule",
          "[run][hardware]") {
  const RunOutput r =
      runtest::run_scenario(runtest::scratch_dir("unmodelled"), scenario_with_pin_high_at(0.3));
  INFO(r.console);
  REQUIRE(r.status == 0);
  // One write and one read of RTCCTL0 (0x04A0 = 1184), in program order.
  const auto accesses = runtest::events_of(r, "unmodelled_access");
  REQUIRE(accesses.size() == 2);
  CHECK(accesses[0]["address"] == 0x04A0);
  CHECK(accesses[0]["access"] == "write");
  CHECK(accesses[0]["value"] == 0xA500);
  CHECK(accesses[1]["access"] == "read");
  CHECK(accesses[0]["where"].get<std::string>().rfind("main+", 0) == 0);
  CHECK(r.summary["unmodelled_accesses"]["count"] == 2);
  CHECK(r.summary["unmodelled_accesses"]["addresses"][0]["address"] == 0x04A0);
  // P1.1 goes high at 0.3 s: the firmware sees it within a few polling iterations.
  const auto seen = runtest::markers(r, 0x70);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0]["time_s"].get<double>() >= 0.3);
  CHECK(seen[0]["time_s"].get<double>() < 0.3 + 1e-4);
}

TEST_CASE("run --strict makes an unmodelled peripheral access a fault", "[run][hardware]") {
  const RunOutput r = runtest::run_scenario(runtest::scratch_dir("strict"),
                                            scenario_with_pin_high_at(0.3), "--strict");
  INFO(r.console);
  CHECK(r.status == 1);
  CHECK(r.summary["end"]["fault"]["kind"] == "unmodelled_peripheral");
  CHECK(r.console.find("fault: unmodelled_peripheral at main+") != std::string::npos);
}

TEST_CASE("device.part selects the part's memory map, and bad parts and pins are refused",
          "[run][hardware][errors]") {
  // The firmware is linked for the FR5994 (code from 0x4000); the FR5969's FRAM starts at 0x4400.
  nlohmann::json sc = scenario_with_pin_high_at(0.3);
  sc["device"]["part"] = "MSP430FR5969";
  const RunOutput fr5969 = runtest::run_scenario(runtest::scratch_dir("fr5969"), sc);
  CHECK(fr5969.status == 2);
  CHECK(fr5969.console.find("0x4000") != std::string::npos);

  sc["device"]["part"] = "MSP430FR1234";
  const RunOutput unknown = runtest::run_scenario(runtest::scratch_dir("unknown-part"), sc);
  CHECK(unknown.status == 2);
  CHECK(unknown.console.find("/device/part") != std::string::npos);
  CHECK(unknown.console.find("MSP430FR6989") != std::string::npos);

  nlohmann::json bad_pin = scenario_with_pin_high_at(0.3);
  bad_pin["inputs"]["gpio"][0]["pin"] = "P9.1";
  const RunOutput pin = runtest::run_scenario(runtest::scratch_dir("bad-pin"), bad_pin);
  CHECK(pin.status == 2);
  CHECK(pin.console.find("/inputs/gpio/0/pin") != std::string::npos);
}

// What `ehsim run` shows about a firmware (issue 18 item 5): GPIO output changes in events.jsonl,
// summary.json and trace.vcd; UART text on the terminal; marker names the firmware gives; a fault's
// kind and its PC as function+offset; --dump SYMBOL:LEN. The firmware is
// tests/firmware/run_outputs.c; the expected values follow from its source.
#include <catch2/catch.hpp>
#include <string>

#include "run_harness.h"

using runtest::RunOutput;

namespace {

RunOutput run_outputs_firmware(const std::string& name, const std::string& extra) {
  const std::string dir = runtest::scratch_dir(name);
  return runtest::run_scenario(dir, runtest::square_scenario("run_outputs"), extra);
}

}  // namespace

TEST_CASE("run records GPIO changes, UART text, named markers and a symbolised fault",
          "[run][outputs]") {
  const RunOutput r = run_outputs_firmware("run-outputs", "--vcd --dump signature:4");
  INFO(r.console);
  // A fault is a firmware failure: exit 1, with its kind and where on the terminal.
  REQUIRE(r.status == 1);
  CHECK(r.console.find("fault: vacant_fetch at 0x3C00 (pc 0x3C00)") != std::string::npos);

  // P1.0 toggled eight times: P1OUT 1, 0, 1, ... (one event per change, P1DIR's write is not one).
  const auto gpio = runtest::events_of(r, "gpio");
  REQUIRE(gpio.size() == 8);
  for (size_t i = 0; i < gpio.size(); ++i) {
    CHECK(gpio[i]["port"] == "P1");
    CHECK(gpio[i]["value"] == (i % 2 == 0 ? 1 : 0));
  }
  CHECK(r.summary["gpio"]["P1"]["changes"] == 8);
  CHECK(r.summary["gpio"]["P1"]["last_value"] == 0);
  const std::string vcd = runtest::read_file(r.dir + "/trace.vcd");
  CHECK(vcd.find("gpio_P1") != std::string::npos);

  // UART: eight lines, on the terminal and in events.jsonl.
  const auto uart = runtest::events_of(r, "uart");
  REQUIRE(uart.size() == 8);
  CHECK(uart[0]["text"] == "blink 1");
  CHECK(uart[7]["text"] == "blink 8");
  CHECK(r.console.find("uart: 8 lines\n  blink 1\n") != std::string::npos);

  // The firmware names marker 0x31 "blink" (EHSIM_MARKER_NAME).
  const auto blinks = runtest::markers(r, 0x31);
  REQUIRE(blinks.size() == 8);
  CHECK(blinks[0]["name"] == "blink");
  bool summarised = false;
  for (const auto& m : r.summary["progress"]["markers"]) {
    if (m["id"] == 0x31) {
      CHECK(m["name"] == "blink");
      CHECK(m["count"] == 8);
      summarised = true;
    }
  }
  CHECK(summarised);

  // The fault in summary.json and events.jsonl, with where it happened.
  CHECK(r.summary["end"]["fault"]["kind"] == "vacant_fetch");
  CHECK(r.summary["end"]["fault"]["where"] == "0x3C00");
  // --dump signature:4: the firmware's constant bytes DE C0 AD 0B.
  CHECK(r.summary["memory"]["signature"] == "dec0ad0b");
  CHECK(r.console.find("memory signature: dec0ad0b") != std::string::npos);
}

TEST_CASE("scenario marker names override the firmware's, and bad names are refused",
          "[run][outputs][errors]") {
  nlohmann::json scenario = runtest::square_scenario("run_outputs");
  scenario["progress"] = {{"marker_names", {{"0x31", "toggle"}}}};
  const std::string dir = runtest::scratch_dir("run-outputs-names");
  const RunOutput r = runtest::run_scenario(dir, scenario);
  INFO(r.console);
  REQUIRE(r.status == 1);
  CHECK(runtest::markers(r, 0x31).at(0)["name"] == "toggle");

  scenario["progress"] = {{"marker_names", {{"0x31", "two words"}}}};
  const RunOutput bad =
      runtest::run_scenario(runtest::scratch_dir("run-outputs-bad-name"), scenario);
  CHECK(bad.status == 2);
  CHECK(bad.console.find("/progress/marker_names/0x31") != std::string::npos);

  const RunOutput bad_dump = run_outputs_firmware("run-outputs-bad-dump", "--dump nosuch:2");
  CHECK(bad_dump.status == 2);
  CHECK(bad_dump.console.find("no symbol 'nosuch'") != std::string::npos);
}

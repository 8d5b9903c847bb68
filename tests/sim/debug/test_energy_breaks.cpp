// EnergyBreaks: the events `--break-on`, run.break_on and `monitor break` accept, and when a
// voltage break fires (a crossing in its direction, not a level).
#include <catch2/catch.hpp>

#include "sim/debug/energy_breaks.h"
#include "sim/scenario/units.h"

using ehsim::EnergyBreaks;
using ehsim::InputError;
using ehsim::mcu::HaltReason;

TEST_CASE("energy breaks parse power-fail, boot and voltage levels", "[debug]") {
  EnergyBreaks b;
  CHECK(b.empty());
  b.add("power-fail", "--break-on");
  CHECK(b.breaks_on(HaltReason::kPowerFail));
  CHECK_FALSE(b.breaks_on(HaltReason::kBoot));
  b.add(" boot ", "--break-on");
  CHECK(b.breaks_on(HaltReason::kBoot));
  b.add("voltage < 1950mV", "--break-on");
  CHECK(b.voltage_text() == "voltage < 1.950 V");
  b.add("voltage>2.2V", "--break-on");  // replaces the level
  CHECK(b.describe() == "power-fail\nboot\nvoltage > 2.200 V\n");
  b.remove("boot", "x");
  CHECK_FALSE(b.breaks_on(HaltReason::kBoot));
  b.remove("", "x");
  CHECK(b.empty());
  CHECK_THROWS_WITH(b.add("brownout", "--break-on"),
                    Catch::Contains("--break-on 'brownout': expected power-fail, boot"));
  CHECK_THROWS_AS(b.add("voltage<", "--break-on"), InputError);
  CHECK_THROWS_AS(b.add("voltage<-1V", "--break-on"), InputError);
  CHECK_THROWS_AS(b.add("voltage=2V", "--break-on"), InputError);
  CHECK_THROWS_AS(b.remove("everything", "x"), InputError);
}

TEST_CASE("a voltage break fires on a crossing in its direction only", "[debug]") {
  EnergyBreaks falling;
  falling.add("voltage<2V", "t");
  CHECK(falling.poll(2.4) == HaltReason::kNone);  // the first call only records
  CHECK(falling.poll(2.1) == HaltReason::kNone);
  CHECK(falling.poll(1.99) == HaltReason::kVoltage);
  CHECK(falling.poll(1.9) == HaltReason::kNone);   // still below: no second halt
  CHECK(falling.poll(2.05) == HaltReason::kNone);  // rising through it
  CHECK(falling.poll(1.95) == HaltReason::kVoltage);
  EnergyBreaks rising;
  rising.add("voltage>2.2V", "t");
  CHECK(rising.poll(2.5) == HaltReason::kNone);  // already above when set
  CHECK(rising.poll(2.1) == HaltReason::kNone);
  CHECK(rising.poll(2.3) == HaltReason::kVoltage);
  CHECK(rising.poll(std::nan("")) == HaltReason::kNone);
}

// WDT_A timing and reset behaviour against the SLAU367P WDT_A register description.
#include <catch2/catch.hpp>

#include "mcu_model/periph/cs.h"
#include "mcu_model/periph/reset_codes.h"
#include "mcu_model/periph/sfr.h"
#include "mcu_model/periph/wdt_a.h"

using namespace ehsim::mcu;

namespace {
struct Wdt {
  McuContext ctx;
  Cs cs{ctx};
  Sfr sfr{ctx};
  WdtA wdt{ctx, cs, sfr};
  Wdt() {
    cs.set_on_change([this] { wdt.clocks_changed(); });
  }
};
}  // namespace

TEST_CASE("WDT after reset: watchdog mode, 2^15 SMCLK cycles, then PUC with SYSRSTIV 16h",
          "[wdt]") {
  Wdt w;
  REQUIRE(w.wdt.read_word(0) == 0x6904);
  REQUIRE(w.ctx.mclk_hz == 1'000'000);
  REQUIRE(w.wdt.next_event_cycle() == 32768);  // SMCLK = MCLK after reset
  w.ctx.cycles = 32767;
  w.wdt.advance_to(w.ctx.cycles);
  REQUIRE(w.ctx.reset_request == McuContext::ResetLevel::kNone);
  w.ctx.cycles = 32768;
  w.wdt.advance_to(w.ctx.cycles);
  REQUIRE(w.ctx.reset_request == McuContext::ResetLevel::kPuc);
  REQUIRE(w.ctx.reset_sysrstiv == kRstWdtTimeout);
  // After the PUC the watchdog runs again from zero.
  w.ctx.reset_request = McuContext::ResetLevel::kNone;
  w.wdt.reset_puc();
  REQUIRE(w.wdt.next_event_cycle() == 32768 + 32768);
}

TEST_CASE("WDT hold stops it, WDTCNTCL restarts the count", "[wdt]") {
  Wdt w;
  w.ctx.cycles = 1000;
  w.wdt.write_word(0, 0x5A80);
  REQUIRE(w.wdt.next_event_cycle() == kNeverCycle);
  REQUIRE(w.wdt.read_word(0) == 0x6980);
  w.ctx.cycles = 500'000;
  w.wdt.advance_to(w.ctx.cycles);
  REQUIRE(w.ctx.reset_request == McuContext::ResetLevel::kNone);
  // Resume with WDTIS = 7 (2^6) and clear the count.
  w.wdt.write_word(0, 0x5A00 | WdtA::kCntcl | 7);
  REQUIRE(w.wdt.next_event_cycle() == 500'000 + 64);
  w.ctx.cycles = 500'050;
  w.wdt.write_word(0, 0x5A00 | WdtA::kCntcl | 7);  // kick
  REQUIRE(w.wdt.next_event_cycle() == 500'050 + 64);
}

TEST_CASE("WDT wrong password or byte write resets with SYSRSTIV 18h", "[wdt]") {
  Wdt w;
  w.wdt.write_word(0, 0x5B80);
  REQUIRE(w.ctx.reset_request == McuContext::ResetLevel::kPuc);
  REQUIRE(w.ctx.reset_sysrstiv == kRstWdtPassword);
  Wdt b;
  b.wdt.write_byte(1, 0x5A);  // even the password byte alone: byte writes reset
  REQUIRE(b.ctx.reset_sysrstiv == kRstWdtPassword);
  // Byte reads of either half return the low byte.
  CHECK(b.wdt.read_byte(0) == 0x04);
  CHECK(b.wdt.read_byte(1) == 0x04);
}

TEST_CASE("WDT interval mode sets WDTIFG and raises vector 49 when enabled", "[wdt]") {
  Wdt w;
  w.sfr.write_word(Sfr::kSfrIe1, Sfr::kWdtIe);
  w.wdt.write_word(0, 0x5A00 | WdtA::kTmsel | WdtA::kCntcl | 6);  // 2^9 = 512 cycles
  REQUIRE(w.wdt.next_event_cycle() == 512);
  w.ctx.cycles = 511;
  w.wdt.advance_to(w.ctx.cycles);
  REQUIRE_FALSE(w.ctx.irq.is_pending(49));
  w.ctx.cycles = 512;
  w.wdt.advance_to(w.ctx.cycles);
  REQUIRE(w.ctx.irq.is_pending(49));
  REQUIRE(w.ctx.reset_request == McuContext::ResetLevel::kNone);
  REQUIRE((w.sfr.read_word(Sfr::kSfrIfg1) & Sfr::kWdtIfg) != 0);
  REQUIRE(w.wdt.next_event_cycle() == 1024);
  // Accepting the interrupt clears the single-source flag.
  w.ctx.irq.acknowledge(49);
  REQUIRE((w.sfr.read_word(Sfr::kSfrIfg1) & Sfr::kWdtIfg) == 0);
  REQUIRE_FALSE(w.ctx.irq.is_pending(49));
}

TEST_CASE("WDT counts SMCLK, not MCLK, when they differ", "[wdt]") {
  Wdt w;
  w.cs.write_byte(Cs::kCsCtl0 + 1, Cs::kCsKey);
  // DIVS = /16, DIVM = /8: SMCLK 500 kHz, MCLK 1 MHz.
  w.cs.write_word(Cs::kCsCtl3, 0x0043);
  REQUIRE(w.cs.smclk_hz() == 500'000);
  REQUIRE(w.ctx.mclk_hz == 1'000'000);
  w.wdt.write_word(0, 0x5A00 | WdtA::kCntcl | 4);
  REQUIRE(w.wdt.next_event_cycle() == 2 * 32768);
}

// Timer_B0 (SLAU367P chapter "Timer_B"; TB0 @03C0h and vectors TIMER0_B0 51 / TIMER0_B1 50 from
// facts §2.1; offsets, CNTL and TB0IV values from TI msp430fr5994.h). Periods derived by hand.
#include <catch2/catch.hpp>

#include "mcu_model/periph/cs.h"
#include "mcu_model/periph/timer_a.h"

using namespace ehsim::mcu;

namespace {
constexpr uint16_t kTbsselSmclk = 0x0200, kMcUp = 0x0010, kMcCont = 0x0020, kTbclr = 0x0004,
                   kTbie = 0x0002, kTbifg = 0x0001;
constexpr uint16_t kCntl8 = 0x1800, kCntl12 = 0x0800;  // CNTL_3 (8-bit), CNTL_1 (12-bit)
constexpr uint16_t kCcie = 0x0010, kCcifg = 0x0001;
constexpr uint16_t kCtl = 0x00, kR = 0x10, kIv = 0x2E;
constexpr uint16_t cctl(unsigned n) {
  return uint16_t(0x02 + 2 * n);
}
constexpr uint16_t ccr(unsigned n) {
  return uint16_t(0x12 + 2 * n);
}
constexpr int kVectorB0 = 51, kVectorB1 = 50;

struct Tb0 {
  McuContext ctx;
  Cs cs{ctx};
  TimerB tb{ctx, cs, kTimerB0};
  void run_to(uint64_t cycle) {
    ctx.cycles = cycle;
    tb.advance_to(cycle);
  }
};
}  // namespace

TEST_CASE("TB0 sits at 03C0h with seven capture/compare registers", "[timer_b]") {
  Tb0 t;
  REQUIRE(t.tb.base() == 0x03C0);
  REQUIRE(t.tb.name() == "TB0");
  // TB0CCR6 (1Eh) and TB0CCTL6 (0Eh) exist: a compare on CCR6 reports TB0IV = 0Ch.
  t.tb.write_word(ccr(6), 100);
  t.tb.write_word(cctl(6), kCcie);
  t.tb.write_word(kCtl, kTbsselSmclk | kMcCont | kTbclr);
  REQUIRE(t.tb.next_event_cycle() == 100);  // SMCLK = MCLK = 1 MHz after reset: 1 tick/cycle
  t.run_to(100);
  REQUIRE(t.ctx.irq.is_pending(kVectorB1));
  REQUIRE(t.tb.read_word(kIv) == 0x000C);  // TB0IV_TBCCR6
  REQUIRE_FALSE(t.ctx.irq.is_pending(kVectorB1));
  // TBCLGRP and CNTL are writable, TBCLR reads 0, bits 15, 10 and 3 are unused.
  t.tb.write_word(kCtl, 0xFFFF);
  REQUIRE(t.tb.read_word(kCtl) == 0x7BF3);
}

TEST_CASE("TB0 counter length: 8-bit continuous mode overflows every 256 ticks", "[timer_b]") {
  Tb0 t;
  t.tb.write_word(ccr(1), 300);  // beyond an 8-bit count: never reached
  t.tb.write_word(cctl(1), kCcie);
  t.tb.write_word(kCtl, kTbsselSmclk | kMcCont | kCntl8 | kTbclr | kTbie);
  REQUIRE(t.tb.next_event_cycle() == 256);  // 0FFh → 0 sets TBIFG
  t.run_to(255);
  REQUIRE(t.tb.read_word(kR) == 0x00FF);
  t.run_to(256);
  REQUIRE(t.tb.read_word(kR) == 0x0000);
  REQUIRE((t.tb.read_word(kCtl) & kTbifg) != 0);
  REQUIRE(t.tb.read_word(kIv) == 0x000E);  // TB0IV_TBIFG
  REQUIRE((t.tb.read_word(kCtl) & kTbifg) == 0);
  REQUIRE((t.tb.read_word(cctl(1)) & kCcifg) == 0);
}

TEST_CASE("TB0 counter length: 12-bit continuous mode, CCR2 compare", "[timer_b]") {
  Tb0 t;
  t.tb.write_word(ccr(2), 0x0800);
  t.tb.write_word(cctl(2), kCcie);
  t.tb.write_word(kCtl, kTbsselSmclk | kMcCont | kCntl12 | kTbclr | kTbie);
  REQUIRE(t.tb.next_event_cycle() == 0x0800);
  t.run_to(0x0800);
  REQUIRE(t.tb.read_word(kIv) == 0x0004);      // TB0IV_TBCCR2
  REQUIRE(t.tb.next_event_cycle() == 0x1000);  // 0FFFh → 0 sets TBIFG
}

TEST_CASE("TB0 up mode: CCR0 interrupt on TIMER0_B0, flag cleared on acceptance", "[timer_b]") {
  Tb0 t;
  t.tb.write_word(ccr(0), 49);
  t.tb.write_word(cctl(0), kCcie);
  t.tb.write_word(kCtl, kTbsselSmclk | kMcUp | kTbclr);
  REQUIRE(t.tb.next_event_cycle() == 49);
  t.run_to(49);
  REQUIRE(t.ctx.irq.is_pending(kVectorB0));
  t.ctx.irq.acknowledge(kVectorB0);
  REQUIRE((t.tb.read_word(cctl(0)) & kCcifg) == 0);
  REQUIRE_FALSE(t.ctx.irq.is_pending(kVectorB0));
  REQUIRE(t.tb.next_event_cycle() == 49 + 50);  // period CCR0 + 1 = 50 ticks
}

// Timer_A lazy counting against periods derived by hand from the clock and the dividers
// (SLAU367P Timer_A modes; facts §3.2 offsets, bits and TAxIV values).
#include <catch2/catch.hpp>

#include "mcu_model/periph/cs.h"
#include "mcu_model/periph/timer_a.h"

using namespace ehsim::mcu;

namespace {
// Register values spelled out from the TI header, not from the model's constants.
constexpr uint16_t kTasselAclk = 0x0100, kTasselSmclk = 0x0200;
constexpr uint16_t kId8 = 0x00C0, kId2 = 0x0040;
constexpr uint16_t kMcUp = 0x0010, kMcCont = 0x0020, kMcUpDown = 0x0030;
constexpr uint16_t kTaclr = 0x0004, kTaie = 0x0002, kTaifg = 0x0001;
constexpr uint16_t kCcie = 0x0010, kCcifg = 0x0001;
// Offsets: TAxCTL 00h, TAxCCTLn 02h+2n, TAxR 10h, TAxCCRn 12h+2n, TAxEX0 20h, TAxIV 2Eh.
constexpr uint16_t kCtl = 0x00, kR = 0x10, kEx0 = 0x20, kIv = 0x2E;
constexpr uint16_t cctl(unsigned n) {
  return uint16_t(0x02 + 2 * n);
}
constexpr uint16_t ccr(unsigned n) {
  return uint16_t(0x12 + 2 * n);
}

struct Ta0 {
  McuContext ctx;
  Cs cs{ctx};
  TimerA ta{ctx, cs, kTimerA0};
  Ta0() {
    cs.set_on_change([this] { ta.clocks_changed(); });
  }
  void run_to(uint64_t cycle) {
    ctx.cycles = cycle;
    ta.advance_to(cycle);
  }
};
}  // namespace

TEST_CASE("TA0 up mode, SMCLK/8/5: CCR0 interrupt every (CCR0+1)·40 cycles", "[timer_a]") {
  Ta0 t;
  REQUIRE(t.ctx.mclk_hz == 1'000'000);  // SMCLK = MCLK = 1 MHz after reset
  t.ctx.cycles = 1000;
  t.ta.write_word(ccr(0), 99);
  t.ta.write_word(cctl(0), kCcie);
  t.ta.write_word(kEx0, 4);  // TAIDEX /5
  t.ctx.sync_requested = false;
  t.ta.write_word(kCtl, kTasselSmclk | kId8 | kMcUp | kTaclr);
  REQUIRE(t.ctx.sync_requested);
  REQUIRE((t.ta.read_word(kCtl) & kTaclr) == 0);
  // One timer tick = 8·5 = 40 SMCLK = 40 MCLK cycles; TAR reaches CCR0 = 99 after 99 ticks.
  const uint64_t tick = 8 * 5;
  REQUIRE(t.ta.next_event_cycle() == 1000 + 99 * tick);
  t.run_to(1000 + 99 * tick - 1);
  REQUIRE(t.ta.read_word(kR) == 98);
  REQUIRE_FALSE(t.ctx.irq.is_pending(45));
  t.run_to(1000 + 99 * tick);
  REQUIRE(t.ctx.irq.is_pending(45));  // TIMER0_A0
  REQUIRE(t.ta.read_word(kR) == 99);
  // Accepting the interrupt clears CCR0 CCIFG (single-source vector).
  t.ctx.irq.acknowledge(45);
  REQUIRE((t.ta.read_word(cctl(0)) & kCcifg) == 0);
  REQUIRE_FALSE(t.ctx.irq.is_pending(45));
  // Period (CCR0 + 1) ticks: the next one 100 ticks later.
  REQUIRE(t.ta.next_event_cycle() == 1000 + (99 + 100) * tick);
  // CCR0 → 0 one tick later sets TAIFG (TAIE off: flag only, no interrupt).
  t.run_to(1000 + 100 * tick);
  REQUIRE(t.ta.read_word(kR) == 0);
  REQUIRE((t.ta.read_word(kCtl) & kTaifg) != 0);
  REQUIRE_FALSE(t.ctx.irq.is_pending(44));
}

TEST_CASE("TA0 continuous mode from ACLK = VLO: TAIFG after 65536 ticks of 100 cycles",
          "[timer_a]") {
  Ta0 t;
  t.cs.write_word(Cs::kCsCtl0, 0xA500);
  t.cs.write_word(Cs::kCsCtl2, 0x0133);  // SELA = VLOCLK, SELS = SELM = DCO
  REQUIRE(t.cs.aclk_hz() == 10'000);
  t.ta.write_word(kCtl, kTasselAclk | kMcCont | kTaie | kTaclr);
  // 1 MHz MCLK / 10 kHz = 100 cycles per tick; FFFFh → 0 after 65536 ticks.
  REQUIRE(t.ta.next_event_cycle() == 65536ull * 100);
  t.run_to(65536ull * 100 - 1);
  REQUIRE(t.ta.read_word(kR) == 0xFFFF);
  REQUIRE_FALSE(t.ctx.irq.is_pending(44));
  t.run_to(65536ull * 100);
  REQUIRE(t.ctx.irq.is_pending(44));  // TIMER0_A1
  REQUIRE(t.ta.read_word(kIv) == 0x0E);
  REQUIRE_FALSE(t.ctx.irq.is_pending(44));
  REQUIRE(t.ta.next_event_cycle() == 2 * 65536ull * 100);
}

TEST_CASE("TA0 TAxIV: CCR1 before CCR2 before TAIFG, each read clears one", "[timer_a]") {
  Ta0 t;
  t.ta.write_word(ccr(1), 10);
  t.ta.write_word(ccr(2), 20);
  t.ta.write_word(cctl(1), kCcie);
  t.ta.write_word(cctl(2), kCcie);
  t.ta.write_word(kCtl, kTasselSmclk | kMcCont | kTaie | kTaclr);
  REQUIRE(t.ta.next_event_cycle() == 10);  // SMCLK/1 = MCLK: one tick per cycle
  t.run_to(70'000);                        // past CCR1, CCR2 and the overflow at 65536
  REQUIRE(t.ta.read_word(kR) == 70'000 - 65'536);
  REQUIRE(t.ctx.irq.is_pending(44));
  REQUIRE(t.ta.read_word(kIv) == 0x02);
  REQUIRE(t.ta.read_word(kIv) == 0x04);
  REQUIRE(t.ctx.irq.is_pending(44));
  REQUIRE(t.ta.read_word(kIv) == 0x0E);
  REQUIRE(t.ta.read_word(kIv) == 0x00);
  REQUIRE_FALSE(t.ctx.irq.is_pending(44));
  // CCR0 (= 0, reached at the overflow) set its flag, but without CCIE no TIMER0_A0 request.
  REQUIRE((t.ta.read_word(cctl(0)) & kCcifg) != 0);
  REQUIRE_FALSE(t.ctx.irq.is_pending(45));
  // A disabled flag is not reported by TAxIV.
  t.ta.write_word(cctl(1), kCcifg);
  REQUIRE(t.ta.read_word(kIv) == 0x00);
}

TEST_CASE("TA0 up/down mode: CCR1 matches both ways, TAIFG at 1 → 0", "[timer_a]") {
  Ta0 t;
  t.ta.write_word(ccr(0), 50);
  t.ta.write_word(ccr(1), 20);
  t.ta.write_word(cctl(1), kCcie);
  t.ta.write_word(kCtl, kTasselSmclk | kMcUpDown | kTaie | kTaclr);
  // Up 0..50 in 50 ticks, down to 0 in 50 more: period 100 ticks of 1 cycle.
  REQUIRE(t.ta.next_event_cycle() == 20);
  t.run_to(20);
  REQUIRE(t.ta.read_word(kIv) == 0x02);
  REQUIRE(t.ta.next_event_cycle() == 100 - 20);  // on the way down
  t.run_to(75);
  REQUIRE(t.ta.read_word(kR) == 100 - 75);
  t.run_to(80);
  REQUIRE(t.ta.read_word(kIv) == 0x02);
  REQUIRE(t.ta.next_event_cycle() == 100);  // TAIFG
  t.run_to(100);
  REQUIRE(t.ta.read_word(kR) == 0);
  REQUIRE(t.ta.read_word(kIv) == 0x0E);
  REQUIRE((t.ta.read_word(cctl(0)) & kCcifg) != 0);  // reached CCR0 at tick 50
}

TEST_CASE("TA0 keeps its count when SMCLK changes mid-period", "[timer_a]") {
  Ta0 t;
  t.ta.write_word(ccr(0), 999);
  t.ta.write_word(cctl(0), kCcie);
  t.ta.write_word(kCtl, kTasselSmclk | kMcUp | kTaclr);
  REQUIRE(t.ta.next_event_cycle() == 999);
  // At cycle 500 (TAR = 500) SMCLK goes to 8 MHz (DIVS /1) while MCLK stays 1 MHz (DIVM /8):
  // the remaining 499 ticks take 499/8 = 62.375 cycles, so CCR0 is reached at cycle 563.
  t.ctx.cycles = 500;
  t.cs.write_word(Cs::kCsCtl0, 0xA500);
  t.cs.write_word(Cs::kCsCtl3, 0x0003);
  REQUIRE(t.cs.smclk_hz() == 8'000'000);
  REQUIRE(t.ctx.mclk_hz == 1'000'000);
  REQUIRE(t.ta.read_word(kR) == 500);
  REQUIRE(t.ta.next_event_cycle() == 563);
  t.run_to(562);
  REQUIRE_FALSE(t.ctx.irq.is_pending(45));
  t.run_to(563);
  REQUIRE(t.ctx.irq.is_pending(45));
}

TEST_CASE("TA stop mode, TAR writes, TACLR, CCR0 = 0 halts up mode, TA2 has two CCRs",
          "[timer_a]") {
  Ta0 t;
  t.ta.write_word(kCtl, kTasselSmclk | kId2);  // MC = stop
  t.run_to(10'000);
  REQUIRE(t.ta.read_word(kR) == 0);
  REQUIRE(t.ta.next_event_cycle() == kNeverCycle);
  t.ta.write_word(kR, 1234);
  t.ta.write_word(kCtl, kTasselSmclk | kId2 | kMcCont);
  t.run_to(10'000 + 2 * 100);  // /2: 100 ticks
  REQUIRE(t.ta.read_word(kR) == 1334);
  t.ta.write_word(kCtl, kTasselSmclk | kId2 | kMcCont | kTaclr);
  REQUIRE(t.ta.read_word(kR) == 0);
  // Up mode with CCR0 = 0 does not count.
  t.ta.write_word(kCtl, kTasselSmclk | kMcUp | kTaclr);
  t.run_to(20'000);
  REQUIRE(t.ta.read_word(kR) == 0);

  McuContext ctx;
  Cs cs(ctx);
  TimerA ta2(ctx, cs, kTimerA2);
  REQUIRE(ta2.base() == 0x0400);
  ta2.write_word(ccr(2), 77);  // TA2 has CCR0 and CCR1 only
  REQUIRE(ta2.read_word(ccr(2)) == 0);
  ta2.write_word(ccr(0), 9);
  ta2.write_word(cctl(0), kCcie);
  ta2.write_word(kCtl, kTasselSmclk | kMcUp);
  ctx.cycles = 9;
  ta2.advance_to(9);
  REQUIRE(ctx.irq.is_pending(38));  // TIMER2_A0
}

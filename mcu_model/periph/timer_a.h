// Timer_A (SLAU367P chapter "Timer_A"; offsets and bits from TI msp430fr5994.h; facts §3.2) and
// Timer_B (SLAU367P chapter "Timer_B"). One class for TA0..TA4 and TB0, parameterised by base
// address, number of capture/compare registers, the two vector numbers and whether it is a
// Timer_B: Timer_B has the same register layout (TBxCTL 00h, TBxCCTLn 02h+2n, TBxR 10h, TBxCCRn
// 12h+2n, TBxEX0 20h, TBxIV 2Eh), modes, flags and TBxIV values, plus the counter length CNTL
// (TBxCTL bits 12:11: 16, 12, 10 or 8 bits, which sets the continuous-mode period) and the
// compare-latch grouping TBCLGRP (bits 14:13, stored only). The counter is computed lazily from
// ctx.cycles (no per-cycle work): the state is (TAR, direction) at an anchor cycle plus the
// fraction of a timer tick accumulated, and next_event_cycle() gives the first cycle at which an
// enabled CCIFG or TAIFG will be set. Modelled: TASSEL ACLK/SMCLK, ID and TAIDEX dividers, MC
// stop/up/continuous/up-down, TACLR, TAIE/TAIFG, compare mode CCIE/CCIFG, TAxIV. Not modelled:
// capture mode (CAP = 1 keeps the registers but nothing is captured and no compare flag is set),
// the TAxCLK/INCLK pins (those source selections do not count), and output units (OUTMOD 1-7 do not
// drive anything; the OUT bit is the mode-0 register bit only). Timer_B: the compare latches TBxCLn
// load immediately (CLLD = 0 behaviour whatever CLLD says), and CNTL limits the continuous-mode
// count only.
#pragma once

#include <array>
#include <cstdint>

#include "mcu_model/periph/cs.h"
#include "mcu_model/periph/peripheral.h"

namespace ehsim::mcu {

struct TimerAConfig {
  const char* name;
  uint16_t base;
  unsigned num_ccr;      // capture/compare registers (CCR0..CCRn-1)
  int vector_ccr0;       // TIMERx_A0: CCR0 CCIFG, auto-cleared on accept
  int vector_other;      // TIMERx_A1: CCR1..n CCIFG and TAIFG through TAxIV
  bool timer_b = false;  // a Timer_B (CNTL, TBCLGRP)
};

// Instances (facts §3.2 bases and CCR counts from TI msp430fr5994.h; vectors facts §2.1).
inline constexpr TimerAConfig kTimerA0{"TA0", 0x0340, 3, 45, 44};
inline constexpr TimerAConfig kTimerA1{"TA1", 0x0380, 3, 41, 40};
inline constexpr TimerAConfig kTimerA2{"TA2", 0x0400, 2, 38, 37};
inline constexpr TimerAConfig kTimerA3{"TA3", 0x0440, 2, 35, 34};
inline constexpr TimerAConfig kTimerA4{"TA4", 0x07C0, 3, 29, 28};
// TB0 @03C0h (facts §2.1) with TB0CCR0..6 (TI msp430fr5994.h OFS_TB0CCR6 = 1Eh); vectors
// TIMER0_B0 51, TIMER0_B1 50 (facts §2.1).
inline constexpr TimerAConfig kTimerB0{"TB0", 0x03C0, 7, 51, 50, true};

class TimerA : public Peripheral {
 public:
  // Register offsets (TI header OFS_TAxxx; facts §3.2).
  static constexpr uint16_t kCtl = 0x00, kCctl0 = 0x02, kR = 0x10, kCcr0 = 0x12, kEx0 = 0x20,
                            kIv = 0x2E;
  // TAxCTL fields.
  static constexpr uint16_t kTasselMask = 0x0300, kIdMask = 0x00C0, kMcMask = 0x0030,
                            kTaclr = 0x0004, kTaie = 0x0002, kTaifg = 0x0001;
  // TAxCCTLn bits.
  static constexpr uint16_t kCap = 0x0100, kCcie = 0x0010, kCci = 0x0008, kOut = 0x0004,
                            kCov = 0x0002, kCcifg = 0x0001;
  // TAxIV value for TAIFG; CCRn reports 2·n (facts §3.2).
  static constexpr uint16_t kIvTaifg = 0x0E;
  static constexpr unsigned kMaxCcr = 7;

  TimerA(McuContext& ctx, const Cs& cs, const TimerAConfig& config);
  ~TimerA() override;

  uint16_t read_word(uint16_t offset) override;
  void write_word(uint16_t offset, uint16_t value) override;
  uint16_t peek_word(uint16_t offset) override;
  void reset_power_up() override;

  uint64_t next_event_cycle() const override;
  void advance_to(uint64_t now) override;
  // The clock frequencies changed: keep the count so far, time the rest at the new rate.
  void clocks_changed() override;

  const TimerAConfig& config() const { return config_; }
  // For a current model: the counter is running, and the frequency of its selected clock.
  bool counting() const;
  uint32_t source_clock_hz() const { return src_hz_; }

 private:
  enum Mode : unsigned { kStop = 0, kUp = 1, kContinuous = 2, kUpDown = 3 };
  Mode mode() const { return Mode((ctl_ & kMcMask) >> 4); }
  // Continuous-mode period: 10000h, or for Timer_B 2^CNTL-length (TBxCTL.CNTL: 0 16-bit,
  // 1 12-bit, 2 10-bit, 3 8-bit; SLAU367P "TBxCTL").
  uint64_t full_period() const;
  uint32_t source_hz() const;
  unsigned divider() const;
  void refresh_rates();
  void catch_up(uint64_t now);
  // Ticks from the anchored state until the counter next reaches `value` (≥ 1), 0 if never.
  uint64_t ticks_until_value(uint16_t value) const;
  // Ticks until the transition that sets TAIFG, 0 if never.
  uint64_t ticks_until_taifg() const;
  void step(uint64_t ticks);
  void update_irq();

  const Cs& cs_;
  TimerAConfig config_;
  uint16_t ctl_ = 0, ex0_ = 0;
  std::array<uint16_t, kMaxCcr> cctl_{}, ccr_{};
  uint16_t r_ = 0;     // TAR at anchor_cycle_
  bool down_ = false;  // up/down mode: counting down at anchor_cycle_
  uint64_t anchor_cycle_ = 0;
  // Progress towards the next timer tick at anchor_cycle_, in units of 1/(mclk_hz_·div_) ticks·src.
  uint64_t rem_ = 0;
  uint32_t src_hz_ = 0, mclk_hz_ = 1;
  unsigned div_ = 1;
};

// Timer_B0 is this class with kTimerB0.
using TimerB = TimerA;

}  // namespace ehsim::mcu

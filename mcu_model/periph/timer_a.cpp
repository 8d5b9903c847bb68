#include "mcu_model/periph/timer_a.h"

#include <algorithm>

namespace ehsim::mcu {

namespace {
using u128 = unsigned __int128;
constexpr uint16_t kCntlMask = 0x1800;  // TBxCTL.CNTL, bits 12:11 (TI msp430fr5994.h CNTL_x)
// Writable TAxCTL bits: TASSEL, ID, MC, TAIE, TAIFG (TACLR always reads 0; bits 15:10 and 3 are
// unused); TBxCTL adds TBCLGRP (14:13) and CNTL (12:11) (TI msp430fr5994.h).
constexpr uint16_t kCtlBitsA = 0x03F3, kCtlBitsB = 0x7BF3;
}  // namespace

uint64_t TimerA::full_period() const {
  if (!config_.timer_b) return 0x10000;
  static constexpr unsigned kLengthBits[4] = {16, 12, 10, 8};
  return uint64_t{1} << kLengthBits[(ctl_ & kCntlMask) >> 11];
}

TimerA::TimerA(McuContext& ctx, const Cs& cs, const TimerAConfig& config)
    : Peripheral(config.name, config.base, 0x30, ctx), cs_(cs), config_(config) {
  config_.num_ccr = std::min(config_.num_ccr, kMaxCcr);
  // CCR0 has its own vector whose flag is cleared when the CPU accepts it (SLAU367P "TAxCCR0
  // Interrupt": "TAxCCR0 CCIFG is automatically reset when the interrupt request is serviced").
  ctx.irq.set_acknowledge(config_.vector_ccr0, [this] {
    cctl_[0] &= ~kCcifg;
    update_irq();
  });
  reset_power_up();
}

TimerA::~TimerA() {
  ctx().irq.set_acknowledge(config_.vector_ccr0, nullptr);
}

uint32_t TimerA::source_hz() const {
  // TASSEL: 0 TAxCLK (pin), 1 ACLK, 2 SMCLK, 3 INCLK (pin) (facts §3.2). Pins are not modelled.
  switch ((ctl_ & kTasselMask) >> 8) {
    case 1:
      return cs_.aclk_hz();
    case 2:
      return cs_.smclk_hz();
    default:
      return 0;
  }
}

unsigned TimerA::divider() const {
  // ID /1, /2, /4, /8 then TAIDEX /1../8 (facts §3.2; SLAU367P TAxCTL.ID, TAxEX0.TAIDEX).
  return (1u << ((ctl_ & kIdMask) >> 6)) * ((ex0_ & 7) + 1);
}

bool TimerA::counting() const {
  if (src_hz_ == 0) return false;
  switch (mode()) {
    case kStop:
      return false;
    case kContinuous:
      return true;
    default:
      // Up and up/down modes with TAxCCR0 = 0 stop the timer (SLAU367P "Timer Mode Control").
      return ccr_[0] != 0;
  }
}

void TimerA::refresh_rates() {
  const uint64_t old_m = uint64_t(mclk_hz_) * div_;
  src_hz_ = source_hz();
  mclk_hz_ = std::max<uint32_t>(cs_.mclk_hz(), 1);
  div_ = divider();
  const uint64_t new_m = uint64_t(mclk_hz_) * div_;
  // Keep the fraction of a tick already counted, expressed in the new units.
  if (new_m != old_m) rem_ = uint64_t(u128(rem_) * new_m / old_m);
}

void TimerA::reset_power_up() {
  // All Timer_A registers reset to 0 (SLAU367P Timer_A register table).
  ctl_ = ex0_ = 0;
  cctl_ = {};
  ccr_ = {};
  r_ = 0;
  down_ = false;
  anchor_cycle_ = ctx().cycles;
  rem_ = 0;
  refresh_rates();
  update_irq();
}

uint64_t TimerA::ticks_until_value(uint16_t value) const {
  const uint64_t v = value, r = r_;
  switch (mode()) {
    case kContinuous: {
      const uint64_t period = full_period();
      if (v >= period) return 0;  // beyond a shortened Timer_B count
      return (v + period - r % period - 1) % period + 1;
    }
    case kUp: {
      const uint64_t top = ccr_[0];
      if (v > top) return 0;
      if (r > top) {
        // TAxCCR0 was lowered below the count: the timer rolls to zero on the next tick
        // (SLAU367P "Changing the Period Register TAxCCR0"; the extra count it may make is not
        // modelled), then counts up from there.
        return 1 + v;
      }
      const uint64_t period = top + 1;
      return (v + period - r - 1) % period + 1;
    }
    case kUpDown: {
      const uint64_t top = ccr_[0];
      if (v > top) return 0;
      // Phase p in one 2·TAxCCR0 cycle: 0..top counting up, top+1..2·top-1 counting down.
      const uint64_t len = 2 * top;
      const uint64_t p = r > top ? top : (down_ ? (len - r) % len : r);
      auto until = [&](uint64_t q) { return (q + len - p - 1) % len + 1; };
      return std::min(until(v), until((len - v) % len));
    }
    default:
      return 0;
  }
}

uint64_t TimerA::ticks_until_taifg() const {
  switch (mode()) {
    case kContinuous:
      // FFFFh → 0 (SLAU367P "Continuous Mode").
      return ticks_until_value(0);
    case kUp:
      // TAxCCR0 → 0 (SLAU367P "Up Mode"); a roll from above TAxCCR0 is taken to set it too [U].
      return r_ > ccr_[0] ? 1 : ticks_until_value(0);
    case kUpDown: {
      // 0001h → 0000h while counting down (SLAU367P "Up/Down Mode"): phase 0 of the cycle.
      const uint64_t top = ccr_[0], len = 2 * top;
      const uint64_t p = r_ > top ? top : (down_ ? (len - r_) % len : r_);
      return (len - p - 1) % len + 1;
    }
    default:
      return 0;
  }
}

void TimerA::step(uint64_t ticks) {
  if (ticks == 0) return;
  switch (mode()) {
    case kContinuous:
      r_ = uint16_t((r_ + ticks) % full_period());
      break;
    case kUp: {
      const uint64_t period = uint64_t(ccr_[0]) + 1;
      r_ = r_ > ccr_[0] ? uint16_t((ticks - 1) % period) : uint16_t((r_ + ticks) % period);
      break;
    }
    case kUpDown: {
      const uint64_t top = ccr_[0], len = 2 * top;
      const uint64_t p = r_ > top ? top : (down_ ? (len - r_) % len : r_);
      const uint64_t q = (p + ticks % len) % len;
      r_ = uint16_t(q <= top ? q : len - q);
      down_ = q >= top;
      break;
    }
    default:
      break;
  }
}

void TimerA::catch_up(uint64_t now) {
  if (now <= anchor_cycle_) return;
  if (!counting()) {
    anchor_cycle_ = now;
    return;
  }
  const uint64_t m = uint64_t(mclk_hz_) * div_;
  const u128 num = u128(now - anchor_cycle_) * src_hz_ + rem_;
  const uint64_t ticks = uint64_t(num / m);
  rem_ = uint64_t(num % m);
  anchor_cycle_ = now;
  if (ticks == 0) return;
  // Flags of every event among the ticks just counted (they are sticky, so order is irrelevant).
  for (unsigned n = 0; n < config_.num_ccr; ++n) {
    if (cctl_[n] & kCap) continue;
    const uint64_t k = ticks_until_value(ccr_[n]);
    if (k != 0 && k <= ticks) cctl_[n] |= kCcifg;
  }
  const uint64_t k = ticks_until_taifg();
  if (k != 0 && k <= ticks) ctl_ |= kTaifg;
  step(ticks);
  update_irq();
}

uint64_t TimerA::next_event_cycle() const {
  if (!counting()) return kNeverCycle;
  uint64_t first = 0;  // ticks to the first event that would raise an interrupt, 0 = none
  auto consider = [&first](uint64_t k) {
    if (k != 0 && (first == 0 || k < first)) first = k;
  };
  for (unsigned n = 0; n < config_.num_ccr; ++n) {
    const uint16_t c = cctl_[n];
    if ((c & kCap) || !(c & kCcie) || (c & kCcifg)) continue;
    consider(ticks_until_value(ccr_[n]));
  }
  if ((ctl_ & kTaie) && !(ctl_ & kTaifg)) consider(ticks_until_taifg());
  if (first == 0) return kNeverCycle;
  // First cycle c with floor((c·src + rem) / (mclk·div)) ≥ first.
  const u128 m = u128(mclk_hz_) * div_;
  const u128 need = u128(first) * m - rem_;
  return anchor_cycle_ + uint64_t((need + src_hz_ - 1) / src_hz_);
}

void TimerA::advance_to(uint64_t now) {
  catch_up(now);
}

void TimerA::clocks_changed() {
  catch_up(ctx().cycles);
  refresh_rates();
  ctx().request_sync();
}

void TimerA::update_irq() {
  if ((cctl_[0] & kCcifg) && (cctl_[0] & kCcie)) {
    ctx().irq.raise(config_.vector_ccr0);
  } else {
    ctx().irq.clear(config_.vector_ccr0);
  }
  bool other = (ctl_ & kTaifg) && (ctl_ & kTaie);
  for (unsigned n = 1; n < config_.num_ccr; ++n) {
    other = other || ((cctl_[n] & kCcifg) && (cctl_[n] & kCcie));
  }
  if (other) {
    ctx().irq.raise(config_.vector_other);
  } else {
    ctx().irq.clear(config_.vector_other);
  }
}

uint16_t TimerA::peek_word(uint16_t offset) {
  catch_up(ctx().cycles);  // the state by now; changes nothing a later access would not see
  if (offset == kCtl) return ctl_;
  if (offset == kR) return r_;
  if (offset == kEx0) return ex0_;
  if (offset == kIv) {
    // Highest pending enabled source: CCR1 (02h) … CCR6 (0Ch), then TAIFG (0Eh) (facts §3.2).
    for (unsigned n = 1; n < config_.num_ccr; ++n) {
      if ((cctl_[n] & kCcifg) && (cctl_[n] & kCcie)) return uint16_t(2 * n);
    }
    return (ctl_ & kTaifg) && (ctl_ & kTaie) ? kIvTaifg : 0;
  }
  if (offset >= kCctl0 && offset < kCctl0 + 2 * config_.num_ccr)
    return cctl_[(offset - kCctl0) / 2];
  if (offset >= kCcr0 && offset < kCcr0 + 2 * config_.num_ccr) return ccr_[(offset - kCcr0) / 2];
  return 0;
}

uint16_t TimerA::read_word(uint16_t offset) {
  const uint16_t value = peek_word(offset);
  if (offset == kIv && value != 0) {
    // Reading TAxIV clears the flag it reports (SLAU367P TAxIV).
    if (value == kIvTaifg) {
      ctl_ &= ~kTaifg;
    } else {
      cctl_[value / 2] &= ~kCcifg;
    }
    update_irq();
  }
  return value;
}

void TimerA::write_word(uint16_t offset, uint16_t value) {
  // Bring the count up to now under the old settings before anything changes.
  catch_up(ctx().cycles);
  if (offset == kCtl) {
    ctl_ = value & (config_.timer_b ? kCtlBitsB : kCtlBitsA);
    if (value & kTaclr) {
      // TACLR resets TAR, the clock dividers and the count direction (SLAU367P TAxCTL.TACLR).
      r_ = 0;
      down_ = false;
      rem_ = 0;
    }
  } else if (offset == kR) {
    r_ = value;
  } else if (offset == kEx0) {
    ex0_ = value & 7;
  } else if (offset >= kCctl0 && offset < kCctl0 + 2 * config_.num_ccr) {
    // CCI follows the capture input, which is not modelled: it reads 0.
    cctl_[(offset - kCctl0) / 2] = value & ~kCci;
  } else if (offset >= kCcr0 && offset < kCcr0 + 2 * config_.num_ccr) {
    ccr_[(offset - kCcr0) / 2] = value;
  } else {
    return;  // TAxIV is read-only; other offsets are vacant
  }
  refresh_rates();
  update_irq();
  ctx().request_sync();  // the next event may have moved
}

}  // namespace ehsim::mcu

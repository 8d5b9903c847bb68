#include "mcu_model/periph/wdt_a.h"

#include "mcu_model/periph/reset_codes.h"

namespace ehsim::mcu {

WdtA::WdtA(McuContext& ctx, const Cs& cs, Sfr& sfr)
    : Peripheral("WDT_A", kBase, 0x02, ctx), cs_(cs), sfr_(sfr) {
  reset_power_up();
}

uint64_t WdtA::interval_ticks(unsigned wdtis) {
  // WDTIS 0..7 = 2^31, 2^27, 2^23, 2^19, 2^15, 2^13, 2^9, 2^6 clock cycles (SLAU367P WDTCTL).
  static constexpr unsigned kLog2[8] = {31, 27, 23, 19, 15, 13, 9, 6};
  return uint64_t{1} << kLog2[wdtis & 7];
}

uint32_t WdtA::source_hz() const {
  // WDTSSEL: 0 SMCLK, 1 ACLK, 2 VLOCLK, 3 X_CLK (VLOCLK on this device [U]).
  switch ((ctl_ & kSselMask) >> 5) {
    case 0:
      return cs_.smclk_hz();
    case 1:
      return cs_.aclk_hz();
    default:
      return Cs::kVloHz;
  }
}

void WdtA::reset_power_up() {
  ctl_ = kResetCtl;
  anchor_cycle_ = ctx().cycles;
  ticks_ = 0;
  src_hz_ = source_hz();
  mclk_hz_ = cs_.mclk_hz();
}

void WdtA::reanchor(uint64_t now) {
  if (now > anchor_cycle_ && running()) {
    ticks_ += (now - anchor_cycle_) * src_hz_ / mclk_hz_;
  }
  anchor_cycle_ = now;
  src_hz_ = source_hz();
  mclk_hz_ = cs_.mclk_hz();
}

void WdtA::clocks_changed() {
  reanchor(ctx().cycles);
  ctx().request_sync();
}

uint64_t WdtA::next_event_cycle() const {
  if (!running()) return kNeverCycle;
  const uint64_t interval = interval_ticks(ctl_ & kIsMask);
  if (ticks_ >= interval) return anchor_cycle_;
  // First MCLK cycle at which the counted ticks reach the interval (rounded up).
  const uint64_t remaining = interval - ticks_;
  return anchor_cycle_ + (remaining * mclk_hz_ + src_hz_ - 1) / src_hz_;
}

void WdtA::advance_to(uint64_t now) {
  for (uint64_t expiry = next_event_cycle(); expiry <= now; expiry = next_event_cycle()) {
    if (!(ctl_ & kTmsel)) {
      // Watchdog mode: the count reaching the interval resets the device.
      ctx().request_puc(kRstWdtTimeout);
      ticks_ = 0;
      anchor_cycle_ = now;
      ctl_ |= kHold;  // nothing further until the reset is performed
      return;
    }
    // Interval mode: flag, then the counter wraps and counts on.
    sfr_.set_wdt_flag();
    ticks_ = 0;
    anchor_cycle_ = expiry;
  }
}

uint16_t WdtA::read_word(uint16_t offset) {
  if (offset != 0) return 0;
  return uint16_t((kReadKey << 8) | (ctl_ & 0x00F7));  // WDTCNTCL always reads 0
}

void WdtA::write_word(uint16_t offset, uint16_t value) {
  if (offset != 0) return;
  if ((value >> 8) != kPassword) {
    ctx().request_puc(kRstWdtPassword);
    return;
  }
  reanchor(ctx().cycles);
  ctl_ = value & 0x00F7;
  if (value & kCntcl) ticks_ = 0;
  src_hz_ = source_hz();
  ctx().request_sync();
}

void WdtA::write_byte(uint16_t, uint8_t) {
  // "Writing byte wide to upper or low parts of WDTCTL results in a PUC" (SLAU367P
  // §"WDT_A Operation").
  ctx().request_puc(kRstWdtPassword);
}

}  // namespace ehsim::mcu

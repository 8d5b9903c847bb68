#include "mcu_model/periph/cs.h"

namespace ehsim::mcu {
namespace {

// DCO frequency by DCORSEL and DCOFSEL (TI msp430fr5994.h DCOFSEL_x comments; facts §3.5 [V]).
// DCOFSEL = 7 is reserved; it is modelled like 6.
constexpr uint32_t kDcoHz[2][8] = {
    {1'000'000, 2'670'000, 3'330'000, 4'000'000, 5'330'000, 6'670'000, 8'000'000, 8'000'000},
    {1'000'000, 5'330'000, 6'670'000, 8'000'000, 16'000'000, 21'000'000, 24'000'000, 24'000'000}};
constexpr uint16_t kDcoRsel = 0x0040;
constexpr uint16_t kDcoFselMask = 0x000E;

// Reset values: CSCTL1 000Ch (DCO 8 MHz), CSCTL2 0033h (MCLK = SMCLK = DCO, ACLK = VLO),
// CSCTL3 0033h (MCLK, SMCLK /8) → MCLK = 1 MHz (facts §3.5 [C Fused], SLAU367P CS registers).
// CSCTL4..6 reset values are stored only [U]: CSCTL4 CDC9h, CSCTL5 00C0h, CSCTL6 0007h.
constexpr std::array<uint16_t, 7> kReset = {0x9600, 0x000C, 0x0033, 0x0033, 0xCDC9, 0x00C0, 0x0007};

}  // namespace

Cs::Cs(McuContext& ctx) : Peripheral("CS", kBase, 0x10, ctx) {
  reset_power_up();
}

void Cs::reset_power_up() {
  regs_ = kReset;
  if (has_preset_) {
    regs_[kCsCtl1 / 2] = preset_ctl1_;
    regs_[kCsCtl3 / 2] = preset_ctl3_;
  }
  unlocked_ = false;
  recompute();
}

uint32_t Cs::dco_hz() const {
  const uint16_t ctl1 = regs_[kCsCtl1 / 2];
  return kDcoHz[(ctl1 & kDcoRsel) ? 1 : 0][(ctl1 & kDcoFselMask) >> 1];
}

uint32_t Cs::source_hz(unsigned sel) const {
  switch (sel) {
    case 1:
      return kVloHz;
    case 3:
      return dco_hz();
    case 4:
      return kModHz;
    case 0:  // LFXTCLK: no crystal, the fail-safe source is LFMODCLK [U]
    case 2:  // LFMODCLK = MODCLK / 128 (SLAU367P CS "LFMODCLK")
      return kModHz / 128;
    default:  // HFXTCLK: no crystal, fail-safe MODCLK [U]
      return kModHz;
  }
}

void Cs::recompute() {
  const uint16_t ctl2 = regs_[kCsCtl2 / 2];
  const uint16_t ctl3 = regs_[kCsCtl3 / 2];
  // DIVx: /1, /2, /4, /8, /16, /32; 6 and 7 are reserved and modelled as /32.
  auto divide = [](uint32_t hz, unsigned div) { return hz >> (div > 5 ? 5 : div); };
  mclk_hz_ = divide(source_hz(ctl2 & 7), ctl3 & 7);
  smclk_hz_ = divide(source_hz((ctl2 >> 4) & 7), (ctl3 >> 4) & 7);
  aclk_hz_ = divide(source_hz((ctl2 >> 8) & 7), (ctl3 >> 8) & 7);
  if (ctx().mclk_hz != mclk_hz_) {
    ctx().mclk_hz = mclk_hz_;
    ctx().request_sync();
  }
  // After every recompute, changed or not (Peripheral::clocks_changed's contract): the WDT and
  // the timers re-anchor their counts here, and results depend on where they do.
  if (on_change_) on_change_();
}

bool Cs::find_preset(uint32_t hz, uint16_t* ctl1, uint16_t* ctl3) {
  for (int rsel = 0; rsel < 2; ++rsel) {
    for (int fsel = 0; fsel < 7; ++fsel) {
      for (int div = 0; div <= 5; ++div) {
        if ((kDcoHz[rsel][fsel] >> div) != hz) continue;
        if (ctl1) *ctl1 = uint16_t((rsel ? kDcoRsel : 0) | (fsel << 1));
        // MCLK and SMCLK share the divider; ACLK keeps its reset divider (/1).
        if (ctl3) *ctl3 = uint16_t((div << 4) | div);
        return true;
      }
    }
  }
  return false;
}

bool Cs::preset_mclk(uint32_t hz) {
  if (!find_preset(hz, &preset_ctl1_, &preset_ctl3_)) return false;
  has_preset_ = true;
  reset_power_up();
  return true;
}

uint16_t Cs::read_word(uint16_t offset) {
  const unsigned i = offset / 2;
  if (i >= regs_.size()) return 0;
  if (i == 0) return uint16_t((kCsKeyRead << 8) | (regs_[0] & 0xFF));
  return regs_[i];
}

void Cs::write_word(uint16_t offset, uint16_t value) {
  const unsigned i = offset / 2;
  if (i >= regs_.size()) return;
  if (i == 0) {
    // Any value other than CSKEY locks the registers again; TI's code examples lock with
    // CSCTL0_H = 0, so a wrong key is not treated as a reset-causing violation here.
    unlocked_ = (value >> 8) == kCsKey;
    return;
  }
  if (!unlocked_) return;
  regs_[i] = value;
  recompute();
}

void Cs::write_byte(uint16_t offset, uint8_t value) {
  if (offset == 1) {
    unlocked_ = value == kCsKey;
    return;
  }
  if (offset == 0) return;
  Peripheral::write_byte(offset, value);
}

}  // namespace ehsim::mcu

#include "mcu_model/periph/frctl.h"

#include "mcu_model/periph/reset_codes.h"

namespace ehsim::mcu {

FrctlA::FrctlA(McuContext& ctx, Bus& bus) : Peripheral("FRCTL_A", kBase, 0x10, ctx), bus_(bus) {
  frctl0_ = 0;
  gcctl_ = {0x0006, 0x0000};
}

void FrctlA::reset_power_up() {
  // FRCTL0 resets to 9600h: NWAITS = 0 (SLAU367P FRCTL0 register), unless a scenario's clock
  // preset stands for firmware that configures its clock (and so its wait states) at boot.
  frctl0_ = uint8_t(preset_nwaits_ << kNwaitsShift);
  unlocked_ = false;
  // GCCTL0 reset 0006h [U, SLAU367P GCCTL0 as recalled]; GCCTL1 0000h.
  gcctl_ = {0x0006, 0x0000};
  bus_.set_fram_wait_states(preset_nwaits_);
}

uint16_t FrctlA::read_word(uint16_t offset) {
  switch (offset) {
    case kFrctl0:
      return uint16_t((kReadKey << 8) | frctl0_);
    case kGcctl0:
      return gcctl_[0];
    case kGcctl1:
      return gcctl_[1];
    default:
      return 0;
  }
}

void FrctlA::set_frctl0_low(uint8_t low) {
  frctl0_ = low & kNwaitsMask;
  bus_.set_fram_wait_states(nwaits());
}

void FrctlA::write_word(uint16_t offset, uint16_t value) {
  if (offset == kFrctl0) {
    // A write without FRCTLPW is a password violation → PUC (SYSRSTIV 1Ah, facts §2.3).
    if ((value >> 8) != kPassword) {
      ctx().request_puc(kRstFrctlPassword);
      return;
    }
    set_frctl0_low(uint8_t(value));
  } else if (offset == kGcctl0) {
    gcctl_[0] = value;
  } else if (offset == kGcctl1) {
    gcctl_[1] &= ~value;  // flags are cleared by writing 1 [U]
  }
}

void FrctlA::write_byte(uint16_t offset, uint8_t value) {
  if (offset == kFrctl0 + 1) {
    if (value != kPassword) {
      ctx().request_puc(kRstFrctlPassword);
      return;
    }
    unlocked_ = true;
  } else if (offset == kFrctl0) {
    if (unlocked_) set_frctl0_low(value);
  } else {
    Peripheral::write_byte(offset, value);
  }
}

}  // namespace ehsim::mcu

#include "mcu_model/periph/pmm.h"

#include "mcu_model/periph/reset_codes.h"

namespace ehsim::mcu {

Pmm::Pmm(McuContext& ctx) : Peripheral("PMM", kBase, 0x20, ctx) {
  reset_power_up();
}

void Pmm::reset_power_up() {
  // PMMCTL0 resets to 9640h (SVSHE on; facts §3.3 [C Fused]); PM5CTL0 0001h (LOCKLPM5).
  ctl0_low_ = uint8_t(kSvsHe);
  unlocked_ = false;
  ctl2_ = 0;
  ifg_ = kBorIfg;
  pm5ctl0_ = kLockLpm5;
}

void Pmm::reset_puc() {
  unlocked_ = false;
}

uint16_t Pmm::read_word(uint16_t offset) {
  switch (offset) {
    case kPmmCtl0:
      return uint16_t((kReadKey << 8) | ctl0_low_);
    case kPmmCtl2:
      return ctl2_;
    case kPmmIfg:
      return ifg_;
    case kPm5Ctl0:
      return pm5ctl0_;
    default:
      return 0;
  }
}

void Pmm::write_ctl0_low(uint8_t low) {
  if (low & kSwBor) {
    ctx().request_reset(McuContext::ResetLevel::kBor, kRstPmmSwBor);
    return;
  }
  if (low & kSwPor) {
    ctx().request_reset(McuContext::ResetLevel::kPor, kRstPmmSwPor);
    return;
  }
  ctl0_low_ = low & (kRegOff | kSvsHe);
}

void Pmm::write_word(uint16_t offset, uint16_t value) {
  switch (offset) {
    case kPmmCtl0:
      // Only a write carrying PMMPW changes PMMCTL0. TI examples re-lock with PMMCTL0_H = 0, so
      // a wrong key locks without a reset (PMMPW violation, SYSRSTIV 20h, is not modelled).
      unlocked_ = (value >> 8) == kPassword;
      if (unlocked_) write_ctl0_low(uint8_t(value));
      break;
    case kPmmCtl2:
      if (unlocked_) ctl2_ = value;
      break;
    case kPmmIfg:
      if (unlocked_) ifg_ = value;
      break;
    case kPm5Ctl0:
      // LOCKLPM5 can only be cleared by software; a BOR sets it (SLAU367P PM5CTL0).
      pm5ctl0_ &= value | ~kLockLpm5;
      break;
    default:
      break;
  }
}

void Pmm::write_byte(uint16_t offset, uint8_t value) {
  if (offset == kPmmCtl0 + 1) {
    unlocked_ = value == kPassword;
  } else if (offset == kPmmCtl0) {
    if (unlocked_) write_ctl0_low(value);
  } else {
    Peripheral::write_byte(offset, value);
  }
}

}  // namespace ehsim::mcu

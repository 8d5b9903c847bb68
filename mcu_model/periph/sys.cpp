#include "mcu_model/periph/sys.h"

namespace ehsim::mcu {

Sys::Sys(McuContext& ctx) : Peripheral("SYS", kBase, 0x20, ctx) {
  reset_power_up();
}

void Sys::reset_power_up() {
  regs_ = {};
  pending_causes_ = 0;
  reset_puc();
}

void Sys::reset_puc() {
  const uint64_t causes = pending_causes_;
  regs_ = {};
  // SYSJMBC reset value 000Ch: both outgoing mailboxes empty (SLAU367P SYSJMBC register).
  regs_[kSysJmbC / 2] = 0x000C;
  pending_causes_ = causes;
}

void Sys::record_reset(uint16_t sysrstiv) {
  if (sysrstiv >= 2 && sysrstiv < 128) pending_causes_ |= uint64_t{1} << (sysrstiv / 2);
}

uint16_t Sys::highest_reset_cause() const {
  if (!pending_causes_) return 0;
  return uint16_t(2 * __builtin_ctzll(pending_causes_));
}

uint16_t Sys::read_word(uint16_t offset) {
  if (offset == kSysRstIv) {
    const uint16_t code = highest_reset_cause();
    if (code) pending_causes_ &= ~(uint64_t{1} << (code / 2));
    return code;
  }
  return peek_word(offset);
}

uint16_t Sys::peek_word(uint16_t offset) {
  if (offset == kSysRstIv) return highest_reset_cause();
  // No system NMI or user NMI sources are modelled, so their vector generators read 0.
  if (offset == kSysUniv || offset == kSysSniv) return 0;
  return regs_[(offset / 2) % regs_.size()];
}

void Sys::write_word(uint16_t offset, uint16_t value) {
  // Writing a vector generator has no effect (SLAU367P SYSRSTIV: "read only").
  if (offset == kSysRstIv || offset == kSysUniv || offset == kSysSniv) return;
  regs_[(offset / 2) % regs_.size()] = value;
}

}  // namespace ehsim::mcu

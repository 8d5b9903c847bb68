#include "mcu_model/periph/mpu.h"

namespace ehsim::mcu {
namespace {
constexpr uint16_t kSamReset = 0x7777;      // [U] every segment readable, writable, executable
constexpr uint16_t kRstMpuPassword = 0x22;  // SYSRSTIV__MPUPW (TI msp430fr5994.h)
// SYSRSTIV__MPUSEGIIFG 28h, __MPUSEG1IFG 2Ah, __MPUSEG2IFG 2Ch, __MPUSEG3IFG 2Eh, by segment
// number (0 = info memory) (TI msp430fr5994.h).
constexpr uint16_t kRstSegment[4] = {0x28, 0x2A, 0x2C, 0x2E};
// MPUCTL1 flag by segment number: MPUSEGIIFG 08h, MPUSEG1IFG 01h, MPUSEG2IFG 02h, MPUSEG3IFG 04h.
constexpr uint16_t kIfgSegment[4] = {0x08, 0x01, 0x02, 0x04};
// The nibble of MPUSAM holding a segment's RE/WE/XE/VS bits: SEG1 0, SEG2 1, SEG3 2, info 3.
constexpr unsigned kSamNibble[4] = {3, 0, 1, 2};
constexpr uint32_t kInfoStart = 0x1800, kInfoEnd = 0x1A00;  // facts §2.1
constexpr uint32_t kMainStart = 0x4000;                     // facts §2.1
}  // namespace

const char* to_string(FramGuard::Access access) {
  switch (access) {
    case FramGuard::Access::kRead:
      return "read";
    case FramGuard::Access::kWrite:
      return "write";
    case FramGuard::Access::kExecute:
      return "execute";
  }
  return "?";
}

Mpu::Mpu(McuContext& ctx, Bus& bus) : Peripheral("MPU", kBase, 0x10, ctx), bus_(bus) {
  reset_power_up();
}

Mpu::~Mpu() {
  if (guard_installed_) bus_.set_fram_guard(nullptr);
}

void Mpu::reset_power_up() {
  ctl0_ = 0;
  ctl1_ = 0;
  regs_ = {};
  regs_[kSam / 2] = kSamReset;
  unlocked_ = false;
  apply_enable();
  update_irq();
}

void Mpu::apply_enable() {
  const bool want = enabled();
  if (want == guard_installed_) return;
  bus_.set_fram_guard(want ? this : nullptr);
  guard_installed_ = want;
  // The CPU re-reads which pages are plain FRAM when its run restarts.
  ctx().request_sync();
}

void Mpu::update_irq() {
  if ((ctl0_ & kSegIe) && (ctl1_ & kIfgMask)) {
    ctx().irq.raise(kSysNmiVector);
  } else {
    ctx().irq.clear(kSysNmiVector);
  }
}

uint16_t Mpu::read_word(uint16_t offset) {
  switch (offset) {
    case kCtl0:
      return uint16_t((kReadKey << 8) | (ctl0_ & 0xFF));
    case kCtl1:
      return ctl1_;
    default:
      return regs_[(offset / 2) % regs_.size()];
  }
}

void Mpu::write_ctl0(uint16_t value) {
  if ((value >> 8) != kPassword) {
    ctx().request_puc(kRstMpuPassword);
    return;
  }
  unlocked_ = true;
  if (!(ctl0_ & kLock)) {
    // MPULOCK, once set, stays until a BOR.
    ctl0_ = uint16_t(value & (kEna | kLock | kSegIe));
    apply_enable();
    update_irq();
  }
}

void Mpu::write_word(uint16_t offset, uint16_t value) {
  if (offset == kCtl0) {
    write_ctl0(value);
    return;
  }
  if (!unlocked_ || (ctl0_ & kLock)) return;
  if (offset == kCtl1) {
    ctl1_ = value & kIfgMask;
    update_irq();
    return;
  }
  regs_[(offset / 2) % regs_.size()] = value;
}

void Mpu::write_byte(uint16_t offset, uint8_t value) {
  if (offset == kCtl0 + 1) {
    // MPUCTL0_H: the password opens the registers, anything else closes them.
    unlocked_ = value == kPassword;
    return;
  }
  if (offset == kCtl0) {
    if (!unlocked_ || (ctl0_ & kLock)) return;
    ctl0_ = uint16_t(value & (kEna | kLock | kSegIe));
    apply_enable();
    update_irq();
    return;
  }
  Peripheral::write_byte(offset, value);
}

bool Mpu::allow(uint32_t addr, Access access) {
  if (!enabled()) return true;
  unsigned segment;
  if (addr >= kInfoStart && addr < kInfoEnd) {
    segment = 0;
  } else if (addr >= kMainStart) {
    const uint32_t b1 = uint32_t(regs_[kSegB1 / 2]) << 4, b2 = uint32_t(regs_[kSegB2 / 2]) << 4;
    segment = addr < b1 ? 1 : addr < b2 ? 2 : 3;
  } else {
    return true;  // not FRAM the MPU covers
  }
  const unsigned bits = (regs_[kSam / 2] >> (4 * kSamNibble[segment])) & 0xF;
  const unsigned needed = access == Access::kRead ? 1u : access == Access::kWrite ? 2u : 4u;
  if (bits & needed) return true;
  MpuViolation v;
  v.address = addr;
  v.access = access;
  v.segment = segment;
  v.puc = bits & 8;
  v.cycle = ctx().cycles;
  ctl1_ |= kIfgSegment[segment];
  if (v.puc) {
    ctx().request_puc(kRstSegment[segment]);
  } else {
    update_irq();
  }
  if (listener_) listener_(v);
  return false;
}

}  // namespace ehsim::mcu

// Memory Protection Unit @0x05A0 (facts §2.1; SLAU367P chapter "Memory Protection Unit (MPU)";
// offsets and bits from TI msp430fr5994.h), as TI's startup code and examples program it:
//   MPUCTL0 = MPUPW; MPUSEGB2 = …; MPUSEGB1 = …; MPUSAM = …; MPUCTL0 = MPUPW | MPUENA;
//   MPUCTL0_H = 0;  (locks the registers again)
// Main memory (FRAM from 4000h) is split by the borders MPUSEGB1/MPUSEGB2, which hold border
// address bits 19:4 (TI example: MPUSEGB1 = 0600h puts the border at 6000h): segment 1 below
// border 1, segment 2 up to border 2, segment 3 above; info memory (1800h-19FFh) is its own
// segment. MPUSAM gives each segment read/write/execute enables and a violation select
// (SEG1 bits 3:0 … info bits 15:12: RE, WE, XE, VS). While MPUENA is set, every CPU access to
// FRAM is checked (Bus::set_fram_guard): a violating access is suppressed (a read or fetch gets
// 3FFFh, a write is dropped), sets MPUSEGxIFG in MPUCTL1 and is reported (MpuViolation); with
// MPUSEGxVS = 1 it causes a PUC (SYSRSTIV__MPUSEG1IFG 2Ah, …2IFG 2Ch, …3IFG 2Eh, …IIFG 28h),
// else, with MPUSEGIE, the SYSNMI interrupt (vector 54, facts §2.1).
// Assumptions marked [U] (SLAU367P's MPU register tables were not readable here): reset values
// MPUCTL0 9600h, MPUSAM 7777h (everything allowed), borders 0; a word write to MPUCTL0 with a
// wrong password causes a PUC (SYSRSTIV__MPUPW 22h) while a byte write of a wrong password to
// MPUCTL0_H only locks (TI's examples lock that way); MPULOCK holds until a BOR; a PUC resets
// the MPU like a BOR. Not modelled: IP encapsulation (MPUIPC0, MPUIPSEGBx store only), SYSSNIV
// codes for the MPU flags (SYSSNIV reads 0; MPUCTL1 has the flags), and the CPU takes SYSNMI
// only with GIE set (NMI acceptance belongs to cpu/).
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "mcu_model/mem/bus.h"
#include "mcu_model/periph/peripheral.h"

namespace ehsim::mcu {

// A CPU access the MPU refused.
struct MpuViolation {
  uint32_t address = 0;
  uint32_t pc = 0;  // the accessing instruction (filled by the Mcu)
  FramGuard::Access access = FramGuard::Access::kRead;
  unsigned segment = 0;  // 1, 2, 3; 0 = info memory
  bool puc = false;      // MPUSEGxVS: the violation resets the device (else NMI if enabled)
  uint64_t cycle = 0;
};
const char* to_string(FramGuard::Access access);

class Mpu : public Peripheral, public FramGuard {
 public:
  static constexpr uint16_t kBase = 0x05A0;
  // TI msp430fr5994.h OFS_MPUCTL0 … OFS_MPUIPSEGB1.
  static constexpr uint16_t kCtl0 = 0x00, kCtl1 = 0x02, kSegB2 = 0x04, kSegB1 = 0x06, kSam = 0x08,
                            kIpc0 = 0x0A, kIpSegB2 = 0x0C, kIpSegB1 = 0x0E;
  static constexpr uint8_t kPassword = 0xA5;  // MPUPW_H
  static constexpr uint8_t kReadKey = 0x96;   // MPUCTL0_H reads 96h [U]
  static constexpr uint16_t kEna = 0x0001, kLock = 0x0002, kSegIe = 0x0010;  // MPUCTL0
  // MPUCTL1: MPUSEG1IFG 01h, MPUSEG2IFG 02h, MPUSEG3IFG 04h, MPUSEGIIFG 08h, MPUSEGIPIFG 10h.
  static constexpr uint16_t kIfgMask = 0x001F;
  static constexpr int kSysNmiVector = 54;  // SYSNMI_VECTOR (facts §2.1)

  Mpu(McuContext& ctx, Bus& bus);
  ~Mpu() override;

  uint16_t read_word(uint16_t offset) override;
  void write_word(uint16_t offset, uint16_t value) override;
  void write_byte(uint16_t offset, uint8_t value) override;
  void reset_power_up() override;

  bool allow(uint32_t addr, Access access) override;
  bool enabled() const { return ctl0_ & kEna; }

  void set_violation_listener(std::function<void(MpuViolation&)> listener) {
    listener_ = std::move(listener);
  }

 private:
  void write_ctl0(uint16_t value);
  void apply_enable();
  void update_irq();
  Bus& bus_;
  uint16_t ctl0_ = 0, ctl1_ = 0;
  std::array<uint16_t, 8> regs_{};  // by offset / 2; MPUCTL0/1 live in ctl0_/ctl1_
  bool unlocked_ = false;
  bool guard_installed_ = false;
  std::function<void(MpuViolation&)> listener_;
};

}  // namespace ehsim::mcu

// Power management module PMM @0x0120 (SLAU367P chapter "Power Management Module"; TI
// msp430fr5994.h; facts §3.3): PMMCTL0 with the PMMPW password, software BOR/POR, PMMIFG and
// PM5CTL0.LOCKLPM5 (0x0130), which a BOR sets and firmware clears to release the I/Os.
#pragma once

#include <cstdint>

#include "mcu_model/periph/peripheral.h"

namespace ehsim::mcu {

class Pmm : public Peripheral {
 public:
  static constexpr uint16_t kBase = 0x0120;
  static constexpr uint16_t kPmmCtl0 = 0x00, kPmmCtl1 = 0x02, kPmmCtl2 = 0x04, kPmmIfg = 0x0A,
                            kPm5Ctl0 = 0x10;
  static constexpr uint8_t kPassword = 0xA5;  // PMMPW_H
  static constexpr uint8_t kReadKey = 0x96;   // PMMCTL0_H reads 96h
  static constexpr uint16_t kSwBor = 0x0004, kSwPor = 0x0008, kRegOff = 0x0010, kSvsHe = 0x0040;
  static constexpr uint16_t kBorIfg = 0x0100, kRstIfg = 0x0200, kPorIfg = 0x0400;
  static constexpr uint16_t kLockLpm5 = 0x0001;

  explicit Pmm(McuContext& ctx);

  uint16_t read_word(uint16_t offset) override;
  void write_word(uint16_t offset, uint16_t value) override;
  void write_byte(uint16_t offset, uint8_t value) override;
  // PMMCTL0, PMMCTL2, PMMIFG, PM5CTL0; PMMCTL1 (and the block's gaps) are not modelled.
  bool modelled(uint16_t offset) const override {
    return offset == kPmmCtl0 || offset == kPmmCtl2 || offset == kPmmIfg || offset == kPm5Ctl0;
  }
  // BOR: LOCKLPM5 set, PMMBORIFG set.
  void reset_power_up() override;
  // PUC keeps LOCKLPM5 and the flags (they are reset by BOR only).
  void reset_puc() override;

  bool io_locked() const { return pm5ctl0_ & kLockLpm5; }

 private:
  void write_ctl0_low(uint8_t low);
  uint8_t ctl0_low_ = 0;
  bool unlocked_ = false;
  uint16_t ctl2_ = 0;
  uint16_t ifg_ = 0;
  uint16_t pm5ctl0_ = 0;
};

}  // namespace ehsim::mcu

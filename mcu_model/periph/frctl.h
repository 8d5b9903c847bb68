// FRAM controller FRCTL_A @0x0140 (SLAU367P chapter "FRAM Controller A"; TI msp430fr5994.h;
// facts §2.3): FRCTL0 with the FRCTLPW password and NWAITS, forwarded to the bus.
#pragma once

#include <array>
#include <cstdint>

#include "mcu_model/mem/bus.h"
#include "mcu_model/periph/peripheral.h"

namespace ehsim::mcu {

class FrctlA : public Peripheral {
 public:
  static constexpr uint16_t kBase = 0x0140;
  static constexpr uint16_t kFrctl0 = 0x00, kGcctl0 = 0x04, kGcctl1 = 0x06;
  static constexpr uint8_t kPassword = 0xA5;                         // FRCTLPW_H
  static constexpr uint8_t kReadKey = 0x96;                          // FRCTL0_H reads 96h (FRPW)
  static constexpr uint16_t kNwaitsMask = 0x0070, kNwaitsShift = 4;  // NWAITS, bits 6:4

  FrctlA(McuContext& ctx, Bus& bus);

  uint16_t read_word(uint16_t offset) override;
  void write_word(uint16_t offset, uint16_t value) override;
  void write_byte(uint16_t offset, uint8_t value) override;
  void reset_power_up() override;
  // FRCTL0, GCCTL0, GCCTL1 (TI msp430fr5994.h OFS_FRCTL0/OFS_GCCTL0/OFS_GCCTL1).
  bool modelled(uint16_t offset) const override {
    return offset == kFrctl0 || offset == kGcctl0 || offset == kGcctl1;
  }

  unsigned nwaits() const { return (frctl0_ & kNwaitsMask) >> kNwaitsShift; }
  // NWAITS after every reset, for an MCLK preset above the FRAM's 8 MHz limit (see Mcu).
  void preset_nwaits(unsigned n) {
    preset_nwaits_ = n & 7u;
    reset_power_up();
  }

 private:
  void set_frctl0_low(uint8_t low);
  Bus& bus_;
  uint8_t frctl0_ = 0;     // low byte of FRCTL0
  bool unlocked_ = false;  // FRCTL0_H written with the password by a byte write
  unsigned preset_nwaits_ = 0;
  std::array<uint16_t, 2> gcctl_{};
};

}  // namespace ehsim::mcu

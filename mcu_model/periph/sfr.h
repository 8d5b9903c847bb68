// Special function registers @0x0100 (TI msp430fr5994.h): SFRIE1, SFRIFG1, SFRRPCR. Owns the
// watchdog interval interrupt (WDTIFG/WDTIE → vector 49, WDT_VECTOR).
#pragma once

#include <array>
#include <cstdint>

#include "mcu_model/periph/peripheral.h"

namespace ehsim::mcu {

class Sfr : public Peripheral {
 public:
  static constexpr uint16_t kBase = 0x0100;
  static constexpr uint16_t kSfrIe1 = 0x00, kSfrIfg1 = 0x02, kSfrRpcr = 0x04;
  static constexpr uint16_t kWdtIfg = 0x0001, kWdtIe = 0x0001;  // TI header WDTIFG / WDTIE
  static constexpr int kWdtVector = 49;                         // WDT_VECTOR, facts §2.1

  explicit Sfr(McuContext& ctx);

  uint16_t read_word(uint16_t offset) override;
  void write_word(uint16_t offset, uint16_t value) override;
  void reset_power_up() override;
  // SFRIE1, SFRIFG1, SFRRPCR (TI msp430fr5994.h OFS_SFR*); the rest of the block is reserved.
  bool modelled(uint16_t offset) const override { return offset <= kSfrRpcr; }

  void set_wdt_flag();

 private:
  void update_irq();
  std::array<uint16_t, 3> regs_{};
};

}  // namespace ehsim::mcu

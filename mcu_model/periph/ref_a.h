// Shared reference REF_A @0x01B0 (SLAU367P chapter "REF_A"; REFCTL0 bits from TI msp430fr5994.h
// [U: bit positions recalled from the header, not re-read]): REFON turns the reference on,
// REFVSEL picks 1.2/2.0/2.5 V. The buffered output feeds ADC12_B (VRSEL = 1), which is how
// firmware measures its own supply (½·AVCC against a fixed reference). The settling time is not
// modelled: the ready flags read 1 as soon as REFON is set.
#pragma once

#include <cstdint>
#include <functional>

#include "mcu_model/periph/peripheral.h"

namespace ehsim::mcu {

class RefA : public Peripheral {
 public:
  static constexpr uint16_t kBase = 0x01B0;
  static constexpr uint16_t kRefCtl0 = 0x00;
  static constexpr uint16_t kRefOn = 0x0001, kRefVselMask = 0x0030, kRefGenAct = 0x0100,
                            kRefBgAct = 0x0200, kRefGenRdy = 0x1000, kRefBgRdy = 0x2000;
  // Bits firmware can write (REFON, REFOUT, REFTCOFF, REFVSEL, REFGENOT, REFBGOT, BGMODE); the
  // activity and ready flags are read-only.
  static constexpr uint16_t kWritable = 0x08FB;

  // on_level(level_V, on) is called whenever the selected level or REFON changes.
  RefA(McuContext& ctx, std::function<void(double, bool)> on_level);

  uint16_t read_word(uint16_t offset) override;
  void write_word(uint16_t offset, uint16_t value) override;
  void reset_power_up() override;

  bool is_on() const { return ctl0_ & kRefOn; }
  // REFVSEL 0/1/2 = 1.2/2.0/2.5 V (3 is reserved and taken as 2.5 V).
  double level_V() const;

 private:
  uint16_t ctl0_ = 0;
  std::function<void(double, bool)> on_level_;
};

}  // namespace ehsim::mcu

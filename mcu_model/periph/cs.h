// Clock system CS @0x0160 (SLAU367P chapter "Clock System (CS)"; offsets and bit fields from TI
// msp430fr5994.h; facts §3.5). Computes MCLK/SMCLK/ACLK from the DCO table, source selects and
// dividers, and keeps ctx.mclk_hz current. No crystals are fitted: LFXT and HFXT report a fault
// and the clocks that select them run from the fail-safe sources.
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "mcu_model/periph/peripheral.h"

namespace ehsim::mcu {

class Cs : public Peripheral {
 public:
  static constexpr uint16_t kBase = 0x0160;
  static constexpr uint16_t kCsCtl0 = 0x00, kCsCtl1 = 0x02, kCsCtl2 = 0x04, kCsCtl3 = 0x06,
                            kCsCtl4 = 0x08, kCsCtl5 = 0x0A, kCsCtl6 = 0x0C;
  static constexpr uint8_t kCsKey = 0xA5;        // CSKEY_H, write password
  static constexpr uint8_t kCsKeyRead = 0x96;    // CSCTL0_H reads 96h
  static constexpr uint32_t kVloHz = 10'000;     // VLOCLK typ. (Fused constant, facts §3.5 [C])
  static constexpr uint32_t kModHz = 5'000'000;  // MODCLK typ. (Fused constant, facts §3.5 [C])

  explicit Cs(McuContext& ctx);

  uint16_t read_word(uint16_t offset) override;
  void write_word(uint16_t offset, uint16_t value) override;
  void write_byte(uint16_t offset, uint8_t value) override;
  void reset_power_up() override;
  // CSCTL0..CSCTL6 (TI msp430fr5994.h OFS_CSCTL0..6); offset 0Eh is reserved.
  bool modelled(uint16_t offset) const override { return offset <= kCsCtl6; }

  uint32_t mclk_hz() const { return mclk_hz_; }
  uint32_t smclk_hz() const { return smclk_hz_; }
  uint32_t aclk_hz() const { return aclk_hz_; }
  uint32_t dco_hz() const;

  // Make reset select a DCO setting and MCLK/SMCLK divider giving exactly `hz` (for runs that
  // start at another frequency than the device's 1 MHz). False if no setting gives it.
  bool preset_mclk(uint32_t hz);
  // CSCTL1/CSCTL3 values (DCO setting, equal MCLK and SMCLK dividers) giving MCLK = hz.
  static bool find_preset(uint32_t hz, uint16_t* ctl1, uint16_t* ctl3);
  // Called after every CS register write that recomputes the clocks and after a CS reset, so after
  // every change of MCLK, SMCLK or ACLK: the Mcu forwards it to every peripheral's
  // clocks_changed().
  void set_on_change(std::function<void()> on_change) { on_change_ = std::move(on_change); }

 private:
  void recompute();
  uint32_t source_hz(unsigned sel) const;
  std::array<uint16_t, 7> regs_{};
  bool unlocked_ = false;
  uint16_t preset_ctl1_ = 0, preset_ctl3_ = 0;
  bool has_preset_ = false;
  uint32_t mclk_hz_ = 0, smclk_hz_ = 0, aclk_hz_ = 0;
  std::function<void()> on_change_;
};

}  // namespace ehsim::mcu

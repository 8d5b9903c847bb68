// Watchdog timer WDT_A @0x015C (SLAU367P chapter "Watchdog Timer (WDT_A)"; bits from TI
// msp430fr5994.h; facts §3.4). The counter is computed lazily from ctx.cycles and the selected
// clock; expiry in watchdog mode requests a PUC (SYSRSTIV 16h), in interval mode sets WDTIFG.
#pragma once

#include <cstdint>

#include "mcu_model/periph/cs.h"
#include "mcu_model/periph/peripheral.h"
#include "mcu_model/periph/sfr.h"

namespace ehsim::mcu {

class WdtA : public Peripheral {
 public:
  static constexpr uint16_t kBase = 0x015C;
  static constexpr uint8_t kPassword = 0x5A;  // WDTPW (write)
  static constexpr uint8_t kReadKey = 0x69;   // WDTCTL high byte reads 69h
  static constexpr uint16_t kHold = 0x0080, kSselMask = 0x0060, kTmsel = 0x0010, kCntcl = 0x0008,
                            kIsMask = 0x0007;
  // WDTCTL after PUC: 6904h = watchdog mode, SMCLK, WDTIS = 4 (2^15 clocks)
  // (SLAU367P WDTCTL register reset value; facts §3.4).
  static constexpr uint16_t kResetCtl = 0x6904;

  WdtA(McuContext& ctx, const Cs& cs, Sfr& sfr);

  uint16_t read_word(uint16_t offset) override;
  void write_word(uint16_t offset, uint16_t value) override;
  void write_byte(uint16_t offset, uint8_t value) override;
  // Byte reads of either half return the low byte (SLAU367P §"WDT_A Operation").
  uint8_t read_byte(uint16_t) override { return uint8_t(read_word(0)); }
  uint16_t peek_word(uint16_t offset) override { return read_word(offset); }
  void reset_power_up() override;

  uint64_t next_event_cycle() const override;
  void advance_to(uint64_t now) override;

  // The clock frequencies changed: keep the count so far, time the rest at the new rate.
  void clocks_changed() override;
  // Interval length in source-clock ticks for WDTIS (SLAU367P WDTCTL.WDTIS).
  static uint64_t interval_ticks(unsigned wdtis);

 private:
  bool running() const { return !(ctl_ & kHold); }
  uint32_t source_hz() const;
  void reanchor(uint64_t now);

  const Cs& cs_;
  Sfr& sfr_;
  uint16_t ctl_ = kResetCtl;
  uint64_t anchor_cycle_ = 0;  // ctx.cycles when ticks_ was last brought up to date
  uint64_t ticks_ = 0;         // source-clock ticks counted up to anchor_cycle_
  uint32_t src_hz_ = 1;        // rates in effect since anchor_cycle_
  uint32_t mclk_hz_ = 1;
};

}  // namespace ehsim::mcu

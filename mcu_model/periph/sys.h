// SYS module @0x0180 (TI msp430fr5994.h offsets): SYSCTL, JTAG mailbox, and the interrupt
// vector generators SYSUNIV/SYSSNIV/SYSRSTIV. SYSRSTIV (0x019E) reports the pending reset causes,
// lowest code (= highest priority) first, and clears the one it returns.
#pragma once

#include <array>
#include <cstdint>

#include "mcu_model/periph/peripheral.h"

namespace ehsim::mcu {

class Sys : public Peripheral {
 public:
  static constexpr uint16_t kBase = 0x0180;
  static constexpr uint16_t kSysCtl = 0x00, kSysJmbC = 0x06, kSysUniv = 0x1A, kSysSniv = 0x1C,
                            kSysRstIv = 0x1E;

  explicit Sys(McuContext& ctx);

  uint16_t read_word(uint16_t offset) override;
  void write_word(uint16_t offset, uint16_t value) override;
  uint16_t peek_word(uint16_t offset) override;
  // BOR clears everything including the reset causes; the MCU records the cause afterwards.
  void reset_power_up() override;
  // PUC keeps the pending reset causes (that is how firmware learns about a watchdog reset).
  void reset_puc() override;

  void record_reset(uint16_t sysrstiv);
  uint16_t highest_reset_cause() const;

 private:
  std::array<uint16_t, 16> regs_{};
  uint64_t pending_causes_ = 0;  // bit (code / 2)
};

}  // namespace ehsim::mcu

// Digital I/O @0x0200–0x033F (SLAU367P chapter "Digital I/O"; offsets from TI msp430fr5994.h):
// one object per 0x20-byte block holding a pair of 8-bit ports (PA = P1/P2 … PD = P7/P8) or the
// 16-bit-addressed port J. Every change of a PxOUT value is logged with its cycle.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "mcu_model/periph/output_log.h"
#include "mcu_model/periph/peripheral.h"

namespace ehsim::mcu {

class GpioPorts : public Peripheral {
 public:
  static constexpr uint16_t kIn = 0x00, kOut = 0x02, kDir = 0x04, kRen = 0x06, kSel0 = 0x0A,
                            kSel1 = 0x0C, kIv1 = 0x0E, kSelC = 0x16, kIes = 0x18, kIe = 0x1A,
                            kIfg = 0x1C, kIv2 = 0x1E;

  // low_port/high_port name the ports in the low/high byte ("P1", "P2"); an empty high_port
  // means one port spanning the word (PJ).
  GpioPorts(McuContext& ctx, uint16_t base, std::string low_port, std::string high_port,
            OutputLog& log);

  uint16_t read_word(uint16_t offset) override;
  void write_word(uint16_t offset, uint16_t value) override;
  void reset_power_up() override;
  // PUC resets direction, function select and interrupt registers; PxOUT has no defined reset
  // value and keeps its latch, so the output log stays continuous across a PUC.
  void reset_puc() override;

 private:
  void log_out_change(uint16_t old_value, uint16_t new_value);
  std::string low_port_, high_port_;
  OutputLog& log_;
  std::array<uint16_t, 16> regs_{};
};

}  // namespace ehsim::mcu

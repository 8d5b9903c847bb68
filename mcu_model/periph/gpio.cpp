#include "mcu_model/periph/gpio.h"

namespace ehsim::mcu {

GpioPorts::GpioPorts(McuContext& ctx, uint16_t base, std::string low_port, std::string high_port,
                     OutputLog& log)
    : Peripheral(high_port.empty() ? low_port : "P" + low_port.substr(1) + "/" + high_port, base,
                 0x20, ctx),
      low_port_(std::move(low_port)),
      high_port_(std::move(high_port)),
      log_(log) {
  reset_power_up();
}

void GpioPorts::reset_power_up() {
  // PxDIR, PxREN, PxSEL0/1, PxIE, PxIFG reset to 0; PxOUT and PxIES are undefined after reset
  // (SLAU367P Digital I/O registers) and modelled as 0.
  regs_ = {};
}

void GpioPorts::reset_puc() {
  const uint16_t out = regs_[kOut / 2];
  regs_ = {};
  regs_[kOut / 2] = out;
}

uint16_t GpioPorts::read_word(uint16_t offset) {
  if (offset == kIn) {
    // No external stimulus is modelled: outputs read back their driven level, inputs with a
    // resistor enabled read the pull direction (PxOUT), floating inputs read 0.
    const uint16_t out = regs_[kOut / 2], dir = regs_[kDir / 2], ren = regs_[kRen / 2];
    return uint16_t((out & dir) | (out & ren & ~dir));
  }
  if (offset == kIv1 || offset == kIv2) return 0;  // no pin interrupts without stimulus
  return regs_[(offset / 2) % regs_.size()];
}

void GpioPorts::write_word(uint16_t offset, uint16_t value) {
  switch (offset) {
    case kIn:
    case kIv1:
    case kIv2:
      return;  // read-only
    case kSelC:
      // Writing PxSELC complements the selected bits of both PxSEL0 and PxSEL1.
      regs_[kSel0 / 2] ^= value;
      regs_[kSel1 / 2] ^= value;
      return;
    case kOut: {
      const uint16_t old_value = regs_[kOut / 2];
      regs_[kOut / 2] = value;
      log_out_change(old_value, value);
      return;
    }
    default:
      regs_[(offset / 2) % regs_.size()] = value;
  }
}

void GpioPorts::log_out_change(uint16_t old_value, uint16_t new_value) {
  if (old_value == new_value) return;
  const uint64_t cycle = ctx().cycles;
  if (high_port_.empty()) {
    log_.port_writes.push_back({cycle, low_port_, new_value});
    return;
  }
  if ((old_value ^ new_value) & 0x00FF) {
    log_.port_writes.push_back({cycle, low_port_, uint16_t(new_value & 0xFF)});
  }
  if ((old_value ^ new_value) & 0xFF00) {
    log_.port_writes.push_back({cycle, high_port_, uint16_t(new_value >> 8)});
  }
}

}  // namespace ehsim::mcu

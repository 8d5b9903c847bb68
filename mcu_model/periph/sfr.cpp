#include "mcu_model/periph/sfr.h"

namespace ehsim::mcu {

Sfr::Sfr(McuContext& ctx) : Peripheral("SFR", kBase, 0x10, ctx) {
  // WDTIFG is single-source in interval mode: cleared when the CPU accepts the interrupt
  // (SLAU367P WDT_A "Interval timer mode").
  this->ctx().irq.set_acknowledge(kWdtVector, [this] {
    regs_[kSfrIfg1 / 2] &= ~kWdtIfg;
    update_irq();
  });
  reset_power_up();
}

void Sfr::reset_power_up() {
  // Reset values [U, recalled from the SLAU367P SFR register descriptions]: SFRIE1 0000h,
  // SFRIFG1 0082h (OFIFG | JMBOUTIFG), SFRRPCR 001Ch.
  regs_ = {0x0000, 0x0082, 0x001C};
  update_irq();
}

uint16_t Sfr::read_word(uint16_t offset) {
  const unsigned i = offset / 2;
  return i < regs_.size() ? regs_[i] : 0;
}

void Sfr::write_word(uint16_t offset, uint16_t value) {
  const unsigned i = offset / 2;
  if (i >= regs_.size()) return;
  regs_[i] = value;
  update_irq();
}

void Sfr::set_wdt_flag() {
  regs_[kSfrIfg1 / 2] |= kWdtIfg;
  update_irq();
}

void Sfr::update_irq() {
  if ((regs_[kSfrIfg1 / 2] & kWdtIfg) && (regs_[kSfrIe1 / 2] & kWdtIe)) {
    ctx().irq.raise(kWdtVector);
  } else {
    ctx().irq.clear(kWdtVector);
  }
}

}  // namespace ehsim::mcu

#include "mcu_model/periph/ref_a.h"

#include "mcu_model/periph/adc12_b.h"

namespace ehsim::mcu {

RefA::RefA(McuContext& ctx, std::function<void(double, bool)> on_level)
    : Peripheral("ref_a", kBase, 0x02, ctx), on_level_(std::move(on_level)) {}

double RefA::level_V() const {
  return Adc12B::ref_a_level_V((ctl0_ & kRefVselMask) >> 4);
}

void RefA::reset_power_up() {
  ctl0_ = 0;  // REFCTL0 resets to 0 (REFVSEL_0, off)
  if (on_level_) on_level_(level_V(), false);
}

uint16_t RefA::read_word(uint16_t offset) {
  if (offset != kRefCtl0) return 0;
  return is_on() ? uint16_t(ctl0_ | kRefGenAct | kRefBgAct | kRefGenRdy | kRefBgRdy) : ctl0_;
}

void RefA::write_word(uint16_t offset, uint16_t value) {
  if (offset != kRefCtl0) return;
  ctl0_ = uint16_t(value & kWritable);
  if (on_level_) on_level_(level_V(), is_on());
}

}  // namespace ehsim::mcu

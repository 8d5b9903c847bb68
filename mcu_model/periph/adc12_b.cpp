#include "mcu_model/periph/adc12_b.h"

#include <algorithm>
#include <cmath>

namespace ehsim::mcu {

Adc12B::Adc12B(McuContext& ctx, const Cs& cs) : Peripheral("ADC12_B", kBase, 0xA0, ctx), cs_(cs) {
  reset_power_up();
}

double Adc12B::ref_a_level_V(unsigned refvsel) {
  static constexpr double kLevel_V[4] = {1.2, 2.0, 2.5, 2.5};
  return kLevel_V[refvsel & 3];
}

unsigned Adc12B::sample_cycles(unsigned sht) {
  // ADC12SHTx: 4, 8, 16, 32, 64, 96, 128, 192, 256, 384, 512 ADC12CLK cycles for 0000b..1010b
  // (SLAU367P ADC12CTL0.ADC12SHT0x); 1011b..1111b are reserved and taken as 512 [U].
  static constexpr unsigned kCycles[16] = {4,   8,   16,  32,  64,  96,  128, 192,
                                           256, 384, 512, 512, 512, 512, 512, 512};
  return kCycles[sht & 15];
}

unsigned Adc12B::conversion_cycles(unsigned res) {
  // ADC12RES: 8 bit = 10, 10 bit = 12, 12 bit = 14 ADC12CLK cycles of conversion (SLAU367P
  // ADC12CTL2.ADC12RES) [U: text recalled, not re-read]; 11b is reserved and taken as 12 bit.
  static constexpr unsigned kCycles[4] = {10, 12, 14, 14};
  return kCycles[res & 3];
}

void Adc12B::set_input_voltage_source(unsigned channel, VoltageSource source) {
  if (channel < inputs_.size()) inputs_[channel] = std::move(source);
}

void Adc12B::reset_power_up() {
  // All ADC12_B registers reset to 0 (SLAU367P ADC12_B register table); ADC12MEMx are undefined
  // after reset [U] and are cleared here so runs are reproducible.
  ctl0_ = ctl1_ = ctl2_ = ctl3_ = lo_ = hi_ = 0;
  // ADC12CTL2 resets to 0020h = 12-bit resolution [U: reset value recalled, not re-read].
  ctl2_ = 0x0020;
  ifg_ = {};
  ie_ = {};
  mctl_ = {};
  mem_ = {};
  const bool was_busy = busy_;
  busy_ = false;
  update_irq();
  if (was_busy) ctx().request_sync();
}

uint32_t Adc12B::adc_source_hz() const {
  // ADC12SSEL: 0 ADC12OSC (MODOSC), 1 ACLK, 2 MCLK, 3 SMCLK (SLAU367P ADC12CTL1.ADC12SSEL).
  switch ((ctl1_ & kSselMask) >> 3) {
    case 0:
      return kAdc12OscHz;
    case 1:
      return cs_.aclk_hz();
    case 2:
      return cs_.mclk_hz();
    default:
      return cs_.smclk_hz();
  }
}

unsigned Adc12B::adc_divider() const {
  // ADC12PDIV /1, /4, /32, /64 and ADC12DIV /1../8 in series (SLAU367P ADC12CTL1; TI header
  // ADC12PDIV__x).
  static constexpr unsigned kPdiv[4] = {1, 4, 32, 64};
  return kPdiv[(ctl1_ & kPdivMask) >> 13] * (((ctl1_ & kDivMask) >> 5) + 1);
}

double Adc12B::channel_V(unsigned inch) const {
  if (inch == 31 && (ctl3_ & kBatMap)) {
    // ADC12BATMAP: A31 = ½·AVCC (facts §3.3; TI header "ADC12 Internal AVCC/2 select").
    return 0.5 * (supply_ ? supply_() : kDefaultSupply_V);
  }
  if (inch == 30 && (ctl3_ & kTcMap)) return 0.0;  // temperature sensor: not modelled
  return inputs_[inch] ? inputs_[inch]() : 0.0;
}

double Adc12B::reference_V(unsigned vrsel) const {
  // VRSEL 0: VR+ = AVCC; 1: VR+ = VREF buffered (TI header ADC12VRSEL_x comments). The other
  // settings use the external VeREF± pins, which are not modelled: they fall back to AVCC.
  if (vrsel == 1) return vref_internal_V_;
  return supply_ ? supply_() : kDefaultSupply_V;
}

void Adc12B::start_conversion() {
  const unsigned mem = ctl3_ & kCstartAddMask;
  const uint16_t mctl = mctl_[mem];
  // ADC12SHT0 times ADC12MEM0-7 and MEM24-31, ADC12SHT1 MEM8-23 (SLAU367P ADC12CTL0).
  const unsigned sht = (mem >= 8 && mem <= 23) ? (ctl0_ >> 12) & 15 : (ctl0_ >> 8) & 15;
  const uint64_t adc_clocks =
      uint64_t(sample_cycles(sht) + conversion_cycles((ctl2_ & kResMask) >> 4)) * adc_divider();
  // The sample is taken now: the voltage is read at conversion start.
  sampled_V_ = channel_V(mctl & kInchMask);
  sampled_ref_V_ = reference_V((mctl & kVrselMask) >> 8);
  busy_mem_ = mem;
  timing_src_hz_ = std::max<uint32_t>(adc_source_hz(), 1);
  timing_mclk_hz_ = std::max<uint32_t>(cs_.mclk_hz(), 1);
  // The ADC clock is not synchronous to MCLK: the result is there at the first MCLK cycle at or
  // after the last ADC clock (rounded up).
  const uint64_t now = ctx().cycles;
  anchor_cycle_ = now;
  remaining_src_ticks_ = double(adc_clocks);
  done_cycle_ = now + (adc_clocks * timing_mclk_hz_ + timing_src_hz_ - 1) / timing_src_hz_;
  busy_ = true;
  ctx().request_sync();
}

void Adc12B::finish_conversion() {
  busy_ = false;
  ++conversions_;
  const unsigned res = (ctl2_ & kResMask) >> 4;
  const unsigned bits = res == 0 ? 8 : res == 1 ? 10 : 12;
  const double full_scale = double((1u << bits) - 1);
  double code = 0.0;
  if (sampled_ref_V_ > 0.0) code = std::round(sampled_V_ / sampled_ref_V_ * full_scale);
  code = std::clamp(code, 0.0, full_scale);
  uint16_t result = uint16_t(code);
  if (ctl2_ & kDf) {
    // ADC12DF = 1: signed binary (two's complement), left-justified (SLAU367P ADC12CTL2.ADC12DF).
    result = uint16_t(uint16_t(int(result) - int(1u << (bits - 1))) << (16 - bits));
  }
  const unsigned reg = busy_mem_ / 16;
  const uint16_t bit = uint16_t(1u << (busy_mem_ % 16));
  // A result written over one not yet read sets ADC12OVIFG (SLAU367P "ADC12_B Interrupts").
  if (ifg_[reg] & bit) ifg_[2] |= kOvIfg;
  mem_[busy_mem_] = result;
  ifg_[reg] |= bit;
  update_irq();
}

void Adc12B::advance_to(uint64_t now) {
  if (busy_ && now >= done_cycle_) finish_conversion();
}

void Adc12B::clocks_changed() {
  if (!busy_) return;
  const uint64_t now = ctx().cycles;
  if (now >= done_cycle_) return;  // finishes at the next advance_to
  const uint32_t src_hz = std::max<uint32_t>(adc_source_hz(), 1);
  const uint32_t mclk_hz = std::max<uint32_t>(cs_.mclk_hz(), 1);
  if (src_hz == timing_src_hz_ && mclk_hz == timing_mclk_hz_) return;
  // Source ticks still to go at the old rates, re-timed at the new ones.
  remaining_src_ticks_ -= double(now - anchor_cycle_) * timing_src_hz_ / timing_mclk_hz_;
  anchor_cycle_ = now;
  timing_src_hz_ = src_hz;
  timing_mclk_hz_ = mclk_hz;
  done_cycle_ = now + uint64_t(std::ceil(remaining_src_ticks_ * mclk_hz / src_hz - 1e-9));
  ctx().request_sync();
}

uint16_t Adc12B::compute_iv() const {
  const uint16_t f2 = ifg_[2] & ie_[2];
  if (f2 & kOvIfg) return kIvOv;
  if (f2 & kTovIfg) return 0x04;
  if (f2 & kHiIfg) return 0x06;
  if (f2 & kLoIfg) return 0x08;
  if (f2 & kInIfg) return 0x0A;
  for (unsigned reg = 0; reg < 2; ++reg) {
    const uint16_t f = ifg_[reg] & ie_[reg];
    if (f) return uint16_t(kIvIfg0 + 2 * (16 * reg + __builtin_ctz(f)));
  }
  if (f2 & kRdyIfg) return kIvRdy;
  return 0;
}

void Adc12B::clear_iv_flag(uint16_t iv) {
  if (iv == 0) return;
  if (iv >= kIvIfg0 && iv < kIvRdy) {
    const unsigned mem = (iv - kIvIfg0) / 2;
    ifg_[mem / 16] &= uint16_t(~(1u << (mem % 16)));
  } else {
    static constexpr uint16_t kByIv[6] = {0, kOvIfg, kTovIfg, kHiIfg, kLoIfg, kInIfg};
    ifg_[2] &= uint16_t(~(iv == kIvRdy ? kRdyIfg : kByIv[iv / 2]));
  }
  update_irq();
}

void Adc12B::update_irq() {
  const bool pending = (ifg_[0] & ie_[0]) || (ifg_[1] & ie_[1]) || (ifg_[2] & ie_[2]);
  if (pending) {
    ctx().irq.raise(kVector);
  } else {
    ctx().irq.clear(kVector);
  }
}

uint16_t Adc12B::peek_word(uint16_t offset) {
  if (offset >= kMem0 && offset < kMem0 + 64) return mem_[(offset - kMem0) / 2];
  if (offset >= kMctl0 && offset < kMctl0 + 64) return mctl_[(offset - kMctl0) / 2];
  switch (offset) {
    case kCtl0:
      return ctl0_;
    case kCtl1:
      return uint16_t((ctl1_ & ~kBusy) | (busy_ ? kBusy : 0));
    case kCtl2:
      return ctl2_;
    case kCtl3:
      return ctl3_;
    case kLo:
      return lo_;
    case kHi:
      return hi_;
    case kIfgR0:
    case kIfgR1:
    case kIfgR2:
      return ifg_[(offset - kIfgR0) / 2];
    case kIerR0:
    case kIerR1:
    case kIerR2:
      return ie_[(offset - kIerR0) / 2];
    case kIv:
      return compute_iv();
    default:
      return 0;
  }
}

uint16_t Adc12B::read_word(uint16_t offset) {
  advance_to(ctx().cycles);  // a result due by now is visible to this access
  const uint16_t value = peek_word(offset);
  if (offset >= kMem0 && offset < kMem0 + 64) {
    // Reading ADC12MEMx clears ADC12IFGx (SLAU367P ADC12IFGR0 description).
    const unsigned mem = (offset - kMem0) / 2;
    ifg_[mem / 16] &= uint16_t(~(1u << (mem % 16)));
    update_irq();
  } else if (offset == kIv) {
    clear_iv_flag(value);  // reading ADC12IV clears the flag it reports (SLAU367P ADC12IV)
  }
  return value;
}

void Adc12B::write_word(uint16_t offset, uint16_t value) {
  advance_to(ctx().cycles);
  if (offset >= kMem0 && offset < kMem0 + 64) {
    mem_[(offset - kMem0) / 2] = value;
    return;
  }
  if (offset >= kMctl0 && offset < kMctl0 + 64) {
    mctl_[(offset - kMctl0) / 2] = value & 0x6F9F;
    return;
  }
  switch (offset) {
    case kCtl0: {
      ctl0_ = value;
      const bool enabled = (ctl0_ & kOn) && (ctl0_ & kEnc);
      if (busy_ && !enabled) {
        // Clearing ADC12ENC (or ADC12ON) in single-channel single-conversion mode stops the
        // conversion at once with no result (SLAU367P "Stopping Conversions").
        busy_ = false;
        ctx().request_sync();
      }
      if ((ctl0_ & kSc) && enabled && !busy_ && (ctl1_ & kShsMask) == 0) start_conversion();
      // ADC12SC resets itself once the conversion has been triggered (pulse-sample mode).
      ctl0_ &= ~kSc;
      break;
    }
    case kCtl1:
      ctl1_ = value & 0x7FFE;  // ADC12BUSY is read-only
      clocks_changed();
      break;
    case kCtl2:
      ctl2_ = value & 0x0039;
      break;
    case kCtl3:
      ctl3_ = value & 0x0FDF;
      break;
    case kLo:
      lo_ = value;
      break;
    case kHi:
      hi_ = value;
      break;
    case kIfgR0:
    case kIfgR1:
    case kIfgR2:
      ifg_[(offset - kIfgR0) / 2] = value;
      update_irq();
      break;
    case kIerR0:
    case kIerR1:
    case kIerR2:
      ie_[(offset - kIerR0) / 2] = value;
      update_irq();
      break;
    case kIv:
      break;  // read-only
    default:
      break;
  }
}

}  // namespace ehsim::mcu

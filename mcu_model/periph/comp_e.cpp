#include "mcu_model/periph/comp_e.h"

namespace ehsim::mcu {

CompE::CompE(McuContext& ctx) : Peripheral("COMP_E", kBase, 0x10, ctx) {
  reset_power_up();
}

double CompE::reference_V(unsigned cerefl) {
  static constexpr double kRef_V[4] = {0.0, 1.2, 2.0, 2.5};
  return kRef_V[cerefl & 3];
}

void CompE::reset_power_up() {
  // All Comparator_E registers reset to 0000h (SLAU367P Comparator_E register table) [U: CEIV
  // and CECTL3 reset values not read here, 0 assumed]. The supply is the owner's and survives.
  ctl0_ = ctl1_ = ctl2_ = ctl3_ = int_ = 0;
  update_irq();
}

bool CompE::has_supply_threshold() const {
  return (ctl1_ & kCeOn) && (ctl2_ & kCeRsMask) == kCeRsVcc && (ctl2_ & kCeReflMask) != 0;
}

unsigned CompE::selected_tap() const {
  // CEMRVS = 1: CEMRVL picks VREF0 (0) or VREF1 (1). CEMRVS = 0: the output state picks the tap
  // so that two taps give hysteresis; CEOUT = 1 → VREF1, CEOUT = 0 → VREF0 [U: direction taken
  // from the Comparator_B/E reference block diagram as recalled, not re-read].
  bool use_ref1;
  if (ctl1_ & kCeMrvs) {
    use_ref1 = ctl1_ & kCeMrvl;
  } else {
    use_ref1 = ctl1_ & kCeOut;
  }
  return use_ref1 ? (ctl2_ & kCeRef1Mask) >> 8 : (ctl2_ & kCeRef0Mask);
}

double CompE::threshold_V() const {
  if (!has_supply_threshold()) return 0.0;
  // Tap n gives (n+1)/32 of the ladder supply (TI header CEREF0_n comments "n+1/32"); the output
  // flips where VCC·(n+1)/32 equals the reference.
  const double vref_V = reference_V((ctl2_ & kCeReflMask) >> 13);
  return vref_V * 32.0 / double(selected_tap() + 1);
}

bool CompE::raw_output() const {
  if (!has_supply_threshold()) {
    // Inputs from pins (CEIPSEL/CEIMSEL channels) and the shared-reference ladder modes are not
    // modelled: with no modelled input the comparator reads low.
    return false;
  }
  const double ladder_V = vcc_V_ * double(selected_tap() + 1) / 32.0;
  const double vref_V = reference_V((ctl2_ & kCeReflMask) >> 13);
  // CERSEL = 0: the ladder tap drives V+; CERSEL = 1: it drives V- (SLAU367P CECTL2.CERSEL, with
  // CEEX = 0). The other terminal is taken to be the internal reference selected by CEREFL [U: on
  // the device that terminal is the channel selected by CEIPSEL/CEIMSEL]. CEEX swaps the inputs
  // and inverts the output, which for an ideal comparator leaves CEOUT unchanged, so it is not
  // modelled separately. CESHORT (inputs shorted) and the output filter (CEF) are not modelled.
  const bool ladder_on_plus = !(ctl2_ & kCeRsel);
  return ladder_on_plus ? ladder_V > vref_V : vref_V > ladder_V;
}

void CompE::update_output() {
  const bool old_out = ctl1_ & kCeOut;
  bool out = (ctl1_ & kCeOn) ? raw_output() : false;
  if ((ctl1_ & kCeOn) && (ctl1_ & kCeOutPol)) out = !out;  // CEOUTPOL inverts CEOUT
  // With CEMRVS = 0 the tap follows CEOUT: the new tap applies from the next comparison on, which
  // is what makes two taps a hysteresis band.
  if (out != old_out) {
    ctl1_ = uint16_t(out ? (ctl1_ | kCeOut) : (ctl1_ & ~kCeOut));
    // CEIES = 0: rising edge sets CEIFG, falling edge CEIIFG; CEIES = 1: the reverse
    // (SLAU367P CECTL1.CEIES).
    const bool rising = out;
    const bool ies = ctl1_ & kCeIes;
    int_ |= (rising != ies) ? kCeIfg : kCeIifg;
  }
  update_irq();
}

void CompE::update_irq() {
  const bool pending = ((int_ & kCeIfg) && (int_ & kCeIe)) ||
                       ((int_ & kCeIifg) && (int_ & kCeIie)) ||
                       ((int_ & kCeRdyIfg) && (int_ & kCeRdyIe));
  if (pending) {
    ctx().irq.raise(kVector);
  } else {
    ctx().irq.clear(kVector);
  }
}

void CompE::supply_voltage_changed(double vcc_V) {
  vcc_V_ = vcc_V;
  update_output();
}

uint16_t CompE::peek_word(uint16_t offset) {
  switch (offset) {
    case kCeCtl0:
      return ctl0_;
    case kCeCtl1:
      return ctl1_;
    case kCeCtl2:
      return ctl2_;
    case kCeCtl3:
      return ctl3_;
    case kCeInt:
      return int_;
    case kCeIv:
      if ((int_ & kCeIfg) && (int_ & kCeIe)) return kIvCeIfg;
      if ((int_ & kCeIifg) && (int_ & kCeIie)) return kIvCeIifg;
      if ((int_ & kCeRdyIfg) && (int_ & kCeRdyIe)) return kIvCeRdyIfg;
      return 0;
    default:
      return 0;
  }
}

uint16_t CompE::read_word(uint16_t offset) {
  const uint16_t value = peek_word(offset);
  if (offset == kCeIv && value != 0) {
    // Reading CEIV clears the highest-priority pending flag it reports (SLAU367P CEIV).
    int_ &= uint16_t(~(value == kIvCeIfg ? kCeIfg : value == kIvCeIifg ? kCeIifg : kCeRdyIfg));
    update_irq();
  }
  return value;
}

void CompE::write_word(uint16_t offset, uint16_t value) {
  switch (offset) {
    case kCeCtl0:
      ctl0_ = value & 0x8F8F;  // CEIPSEL[3:0], CEIPEN, CEIMSEL[11:8], CEIMEN
      break;
    case kCeCtl1: {
      const bool was_on = ctl1_ & kCeOn;
      // CEOUT is read-only; bits 15:13 are reserved.
      ctl1_ = uint16_t((value & 0x1FFE) | (ctl1_ & kCeOut));
      if (!(ctl1_ & kCeOn)) ctl1_ &= ~kCeOut;  // a comparator that is off drives CEOUT low
      // Switching on sets CERDYIFG once the comparator has settled; the settling time (tEN_CMP,
      // ~µs) is not modelled, the flag is set at once [U].
      if (!was_on && (ctl1_ & kCeOn)) int_ |= kCeRdyIfg;
      break;
    }
    case kCeCtl2:
      ctl2_ = value;
      break;
    case kCeCtl3:
      ctl3_ = value;  // CEPDx: input-buffer disables for the pins, no effect on the model
      break;
    case kCeInt:
      int_ = value & (kCeIfg | kCeIifg | kCeRdyIfg | kCeIe | kCeIie | kCeRdyIe);
      break;
    case kCeIv:
      // Writing CEIV also clears the highest pending flag [U: by analogy with the other IV
      // registers; SLAU367P text not re-read].
      read_word(kCeIv);
      return;
    default:
      return;
  }
  // Any configuration change can move the comparison and so flip CEOUT (and set a flag).
  update_output();
}

}  // namespace ehsim::mcu

// Comparator_E @0x08C0 (SLAU367P chapter "Comparator_E (COMP_E)"; offsets and bits from TI
// msp430fr5994.h; facts §3.3). Modelled for supply monitoring: the resistor ladder fed from VCC
// (CERS = 01) gives a tap VCC·(n+1)/32 that is compared against the internal reference selected by
// CEREFL (1.2/2.0/2.5 V). The supply voltage lives outside the MCU and changes continuously, so
// the owner reports it through supply_voltage_changed() and schedules the next call at
// threshold_V() — the comparator never polls.
#pragma once

#include <array>
#include <cstdint>

#include "mcu_model/periph/peripheral.h"

namespace ehsim::mcu {

class CompE : public Peripheral {
 public:
  static constexpr uint16_t kBase = 0x08C0;
  // Register offsets (TI msp430fr5994.h OFS_CExxx).
  static constexpr uint16_t kCeCtl0 = 0x00, kCeCtl1 = 0x02, kCeCtl2 = 0x04, kCeCtl3 = 0x06,
                            kCeInt = 0x0C, kCeIv = 0x0E;
  // CECTL1 bits (TI header).
  static constexpr uint16_t kCeOut = 0x0001, kCeOutPol = 0x0002, kCeF = 0x0004, kCeIes = 0x0008,
                            kCeShort = 0x0010, kCeEx = 0x0020, kCeOn = 0x0400, kCeMrvl = 0x0800,
                            kCeMrvs = 0x1000;
  // CECTL2 fields (TI header): CEREF0[4:0], CERSEL, CERS[7:6], CEREF1[12:8], CEREFL[14:13].
  static constexpr uint16_t kCeRef0Mask = 0x001F, kCeRsel = 0x0020, kCeRsMask = 0x00C0,
                            kCeRef1Mask = 0x1F00, kCeReflMask = 0x6000, kCeRefAcc = 0x8000;
  static constexpr uint16_t kCeRsVcc = 0x0040;  // CERS_1: "Vcc" applied to the ladder
  // CEINT bits (TI header).
  static constexpr uint16_t kCeIfg = 0x0001, kCeIifg = 0x0002, kCeRdyIfg = 0x0010, kCeIe = 0x0100,
                            kCeIie = 0x0200, kCeRdyIe = 0x1000;
  // CEIV values (TI header CEIV_CEIFG / CEIV_CEIIFG / CEIV_CERDYIFG).
  static constexpr uint16_t kIvCeIfg = 0x02, kIvCeIifg = 0x04, kIvCeRdyIfg = 0x0A;
  static constexpr int kVector = 52;  // COMP_E_VECTOR (facts §2.1)
  // Supply assumed until the owner reports one: the continuous-power case of `ehsim exec`.
  static constexpr double kDefaultSupply_V = 3.0;

  explicit CompE(McuContext& ctx);

  uint16_t read_word(uint16_t offset) override;
  void write_word(uint16_t offset, uint16_t value) override;
  uint16_t peek_word(uint16_t offset) override;
  void reset_power_up() override;

  // Owner-facing: the supply (AVCC) is now vcc_V. Updates CEOUT and raises CEIFG/CEIIFG on the
  // edge CEIES selects.
  void supply_voltage_changed(double vcc_V);
  double supply_V() const { return vcc_V_; }
  // True when CEOUT depends on the supply through the VCC ladder (CEON = 1, CERS = 01, CEREFL ≠ 0):
  // only then is threshold_V() meaningful.
  bool has_supply_threshold() const;
  // Supply voltage at which CEOUT flips next: Vref·32/(n+1) for the tap n in use now (with
  // CEMRVS = 0 the tap depends on CEOUT, so after a flip the threshold may move — hysteresis).
  // Returns 0 when has_supply_threshold() is false.
  double threshold_V() const;
  // Comparator powered (for a later current model).
  bool is_on() const { return ctl1_ & kCeOn; }
  // Internal reference for CEREFL = 1..3 (TI header CEREFL_x comments: 1.2 V, 2.0 V, 2.5 V); 0
  // for CEREFL = 0 ("None").
  static double reference_V(unsigned cerefl);

 private:
  unsigned selected_tap() const;
  bool raw_output() const;  // comparator decision before CEOUTPOL
  void update_output();
  void update_irq();

  uint16_t ctl0_ = 0, ctl1_ = 0, ctl2_ = 0, ctl3_ = 0, int_ = 0;
  double vcc_V_ = kDefaultSupply_V;
};

}  // namespace ehsim::mcu

// ADC12_B @0x0800 (SLAU367P chapter "ADC12_B"; offsets and bits from TI msp430fr5994.h; facts
// §3.3). Modelled for measuring the supply: software-triggered (ADC12SC) single-channel single
// conversions in pulse-sample mode of the memory at ADC12CSTARTADD, with ADC12BATMAP routing
// ½·AVCC to channel 31 and VR+ = AVCC or the buffered internal reference. Conversion takes
// SHT + resolution cycles of the ADC clock and completes as a lazy event (next_event_cycle).
// Not modelled: sequences/repeat modes (CONSEQ ≠ 0 converts once like CONSEQ = 0), extended
// sample mode (SHP = 0 is timed like SHP = 1), timer triggers (SHS ≠ 0 never start a
// conversion), the window comparator, differential mode and the temperature sensor.
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "mcu_model/periph/cs.h"
#include "mcu_model/periph/peripheral.h"

namespace ehsim::mcu {

class Adc12B : public Peripheral {
 public:
  using VoltageSource = std::function<double()>;

  static constexpr uint16_t kBase = 0x0800;
  // Register offsets (TI msp430fr5994.h OFS_ADC12xxx; facts §3.3).
  static constexpr uint16_t kCtl0 = 0x00, kCtl1 = 0x02, kCtl2 = 0x04, kCtl3 = 0x06, kLo = 0x08,
                            kHi = 0x0A, kIfgR0 = 0x0C, kIfgR1 = 0x0E, kIfgR2 = 0x10, kIerR0 = 0x12,
                            kIerR1 = 0x14, kIerR2 = 0x16, kIv = 0x18, kMctl0 = 0x20, kMem0 = 0x60;
  // ADC12CTL0 bits.
  static constexpr uint16_t kSc = 0x0001, kEnc = 0x0002, kOn = 0x0010, kMsc = 0x0080;
  // ADC12CTL1 bits/fields.
  static constexpr uint16_t kBusy = 0x0001, kConseqMask = 0x0006, kSselMask = 0x0018,
                            kDivMask = 0x00E0, kShp = 0x0200, kShsMask = 0x1C00, kPdivMask = 0x6000;
  // ADC12CTL2 fields.
  static constexpr uint16_t kPwrmd = 0x0001, kDf = 0x0008, kResMask = 0x0030;
  // ADC12CTL3 fields.
  static constexpr uint16_t kCstartAddMask = 0x001F, kBatMap = 0x0040, kTcMap = 0x0080;
  // ADC12MCTLx fields.
  static constexpr uint16_t kInchMask = 0x001F, kEos = 0x0080, kVrselMask = 0x0F00;
  // ADC12IFGR2 bits (TI header): ADC12INIFG 02h, LOIFG 04h, HIIFG 08h, OVIFG 10h, TOVIFG 20h,
  // RDYIFG 40h; ADC12IER2 uses the same positions.
  static constexpr uint16_t kInIfg = 0x0002, kLoIfg = 0x0004, kHiIfg = 0x0008, kOvIfg = 0x0010,
                            kTovIfg = 0x0020, kRdyIfg = 0x0040;
  // ADC12IV values (TI header ADC12IV_xxx): OVIFG 02h, TOVIFG 04h, HIIFG 06h, LOIFG 08h,
  // INIFG 0Ah, ADC12IFG0 0Ch … ADC12IFG31 4Ah, RDYIFG 4Ch [U: RDYIFG value not re-read].
  static constexpr uint16_t kIvOv = 0x02, kIvIfg0 = 0x0C, kIvRdy = 0x4C;
  static constexpr int kVector = 46;  // ADC12_B_VECTOR (facts §2.1)
  // ADC12OSC is the MODOSC: fMODOSC typ 4.8 MHz (SLASE54D "Module Oscillator (MODOSC)" table,
  // min 4.0 / max 5.4 MHz). Cs::kModHz keeps Fused's 5 MHz for MODCLK as a system clock; the ADC
  // uses the datasheet's typical value.
  static constexpr uint32_t kAdc12OscHz = 4'800'000;
  // Supply assumed until the owner installs a source: the continuous-power case of `ehsim exec`.
  static constexpr double kDefaultSupply_V = 3.0;

  Adc12B(McuContext& ctx, const Cs& cs);

  uint16_t read_word(uint16_t offset) override;
  void write_word(uint16_t offset, uint16_t value) override;
  uint16_t peek_word(uint16_t offset) override;
  void reset_power_up() override;

  uint64_t next_event_cycle() const override { return busy_ ? done_cycle_ : kNeverCycle; }
  void advance_to(uint64_t now) override;
  // MCLK or the ADC's clock source changed: keep the conversion's elapsed fraction, time the
  // remaining ADC clocks at the new rates.
  void clocks_changed() override;

  // AVCC, read at the start of each conversion (sample-and-hold).
  void set_supply_voltage_source(VoltageSource source) { supply_ = std::move(source); }
  // Voltage on an external analog input Ax (x < 32). Without a source the pin reads 0 V.
  void set_input_voltage_source(unsigned channel, VoltageSource source);
  // Output of REF_A as the buffered internal reference (VRSEL = 1). REF_A is not modelled as a
  // peripheral; the owner sets its level (see ref_a_level_V). Default 1.2 V = REFVSEL_0, the
  // REFCTL0 reset value [U: reset value not re-read].
  void set_internal_reference_V(double vref_V) { vref_internal_V_ = vref_V; }
  // REF_A REFVSEL 0/1/2 = 1.2/2.0/2.5 V (TI header REFVSEL_x comments); 3 is reserved (2.5 V).
  static double ref_a_level_V(unsigned refvsel);

  // For a current model: a conversion is in progress, and how many have finished.
  bool conversion_active() const { return busy_; }
  uint64_t conversions_completed() const { return conversions_; }
  bool is_on() const { return ctl0_ & kOn; }

  // ADC12 clock cycles of one conversion: sample-and-hold (SHT) plus conversion (RES).
  static unsigned sample_cycles(unsigned sht);
  static unsigned conversion_cycles(unsigned res);

 private:
  void start_conversion();
  void finish_conversion();
  uint32_t adc_source_hz() const;
  unsigned adc_divider() const;
  double channel_V(unsigned inch) const;
  double reference_V(unsigned vrsel) const;
  uint16_t compute_iv() const;
  void clear_iv_flag(uint16_t iv);
  void update_irq();

  const Cs& cs_;
  uint16_t ctl0_ = 0, ctl1_ = 0, ctl2_ = 0, ctl3_ = 0, lo_ = 0, hi_ = 0;
  std::array<uint16_t, 3> ifg_{}, ie_{};
  std::array<uint16_t, 32> mctl_{}, mem_{};
  bool busy_ = false;
  unsigned busy_mem_ = 0;     // ADC12MEMx receiving the result
  double sampled_V_ = 0.0;    // input held at the start of the conversion
  double sampled_ref_V_ = 0;  // reference at the start of the conversion
  uint64_t done_cycle_ = 0;
  uint64_t anchor_cycle_ = 0;         // when remaining_src_ticks_ was last brought up to date
  double remaining_src_ticks_ = 0.0;  // ADC source-clock ticks (before dividers) still to go
  uint32_t timing_mclk_hz_ = 1;       // rates the remaining conversion time was computed with
  uint32_t timing_src_hz_ = 1;
  uint64_t conversions_ = 0;
  VoltageSource supply_;
  std::array<VoltageSource, 32> inputs_{};
  double vref_internal_V_ = 1.2;
};

}  // namespace ehsim::mcu

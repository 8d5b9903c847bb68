// Constants and arithmetic of the MSP430FR5994 supply-current model (see current_model.h).
//
// Sources and legend (as in docs/reference/msp430fr5994-facts.md):
//   SLASE54D  MSP430FR599x, MSP430FR596x Mixed-Signal Microcontrollers datasheet, rev. D (2021).
//   JAJSG26C  the Japanese edition of SLASE54 rev. C (same tables, read where the English page
//             could not be).
//   SLAS704G  MSP430FR59xx (FR5969 family) datasheet, a sibling with the same table structure.
//   [V] read in the named document; [U] not verified for the FR5994 (value from a sibling part or
//   from recollection) — replace when the FR5994 table is read.
#include "mcu_model/power/current_model.h"

#include <algorithm>

namespace ehsim::mcu::power {
namespace {

constexpr double kMicro = 1e-6;
constexpr double kNano = 1e-9;

// Piecewise-linear interpolation of ys over the ascending abscissae xs. Below xs[0] the first
// segment is extended (the tables start at 1 MHz, and the firmware may run MCLK slower); above
// the last point the value is held (16 MHz is the part's maximum MCLK, SLASE54D operating modes).
template <size_t N>
double interpolate(const std::array<double, N>& xs, const std::array<double, N>& ys, double x) {
  if (x >= xs[N - 1]) return ys[N - 1];
  size_t i = 0;
  while (i + 2 < N && x > xs[i + 1]) ++i;
  const double t = (x - xs[i]) / (xs[i + 1] - xs[i]);
  return ys[i] + t * (ys[i + 1] - ys[i]);
}

// Interpolation that never extrapolates (hit ratio and voltage axes): clamps to the end points.
template <size_t N>
double interpolate_clamped(const std::array<double, N>& xs, const std::array<double, N>& ys,
                           double x) {
  if (x <= xs[0]) return ys[0];
  return interpolate(xs, ys, x);
}

template <size_t N>
std::array<double, N> scaled(const std::array<double, N>& v, double factor) {
  std::array<double, N> out{};
  for (size_t i = 0; i < N; ++i) out[i] = v[i] * factor;
  return out;
}

// SLASE54D operating-modes table ("Typical current consumption, TA = 25°C") [V]: LPM2 1.0 µA,
// LPM3 0.7 µA, LPM4 0.5 µA, LPM3.5 0.45 µA, LPM4.5 0.3 µA with SVS / 0.07 µA without SVS.
// (The feature list quotes lower "best case" figures — LPM3 VLO 500 nA, LPM4.5 45 nA — for other
// clock and SVS settings; the operating-modes table is the one that names each mode.)
constexpr double kLpm2_A = 1.0 * kMicro;
constexpr double kLpm3_A = 0.7 * kMicro;
constexpr double kLpm4_A = 0.5 * kMicro;
constexpr double kLpm35_A = 0.45 * kMicro;
constexpr double kLpm45WithSvs_A = 0.3 * kMicro;
constexpr double kLpm45WithoutSvs_A = 0.07 * kMicro;

// JAJSG26C (= SLASE54C) table "Typical Wake-up Charge" [V]: Q_WAKE-UP per event, nAs.
// FRAM: "charge used for activating the FRAM in AM or during wake-up from LPM0 if previously
// disabled by the FRAM controller".
constexpr double kWakeLpm0_C = 3.8 * kNano;
constexpr double kWakeLpm1_C = 21 * kNano;
constexpr double kWakeLpm2_C = 22 * kNano;
constexpr double kWakeLpm3_C = 25 * kNano;
constexpr double kWakeLpm4_C = 25 * kNano;
constexpr double kWakeLpm35_C = 121 * kNano;
constexpr double kWakeLpm45WithSvs_C = 123 * kNano;     // SVSHE = 1
constexpr double kWakeLpm45WithoutSvs_C = 121 * kNano;  // SVSHE = 0
constexpr double kWakeReset_C = 102 * kNano;            // Q_WAKE-UP-RESET, RST or BOR
constexpr double kWakeFram_C = 16.5 * kNano;            // Q_WAKE-UP-FRAM

// Module currents.
// SLAS704G (FR5969 sibling) "Typical Characteristics, Current Consumption per Module" [V for the
// sibling, U for the FR5994]: Timer_A 3 µA/MHz of its input clock; MPY 25 µA/MHz of MCLK "only
// from start to end of operation". SLASE54's per-module table has the same rows (not read).
constexpr double kTimerA_A_per_Hz = 3 * kMicro / 1e6;
constexpr double kMpy_A_per_Hz = 25 * kMicro / 1e6;
// ADC12_B "I_ADC12_B operating supply current into AVCC plus DVCC, single-ended, REFON = 0",
// 3.0 V typical: 145 µA [U — FR59xx family recollection; SLASE54 ADC12_B table not read].
constexpr double kAdcConverting_A = 145 * kMicro;
// COMP_E "I_AVCC_COMP, CEPWRMD = 00 (high-speed, the reset value)", 3.0 V typical: 11 µA [U].
constexpr double kComparatorOn_A = 11 * kMicro;
// REF_A "I_REF+ operating supply current into AVCC, REFON = 1", 3.0 V typical: 19 µA [U].
constexpr double kReferenceOn_A = 19 * kMicro;

}  // namespace

// Datasheet columns: f_MCLK = f_SMCLK = 1, 4, 8, 12, 16 MHz.
const std::array<double, CurrentModel::kNumFrequencies> CurrentModel::kTableFrequencies_Hz{
    1e6, 4e6, 8e6, 12e6, 16e6};
// Rows I_AM,FRAM(0%), (50%), (66%), (75%), (100%) — the percentage is the cache hit ratio.
const std::array<double, CurrentModel::kNumHitRatios> CurrentModel::kTableHitRatios{0.0, 0.50, 0.66,
                                                                                    0.75, 1.0};

// "Active Mode Supply Current Into VCC Excluding External Current", 3.0 V, typical, µA.
// [U] These are the SLAS704G (MSP430FR5969 sibling) rows as recalled — the SLASE54D table could
// not be read (only its LPM tables were reachable). Cross-check against what was verified: the
// FR5994's operating-modes table gives 120 µA/MHz active from FRAM and 65 µA/MHz with FRAM off
// (SLASE54D [V]); the 75 % row below gives (890 − 170) µA / 7 MHz = 103 µA/MHz and the RAM row
// 55 µA/MHz, i.e. the FR5994 is likely ~15 % higher than these numbers. The 12 and 16 MHz columns
// include the FRAM wait state (NWAITS = 1 above 8 MHz), which is why the 0 % row falls from
// 8 to 12 MHz: fewer FRAM array accesses per second.
const std::array<std::array<double, CurrentModel::kNumFrequencies>, CurrentModel::kNumHitRatios>
    CurrentModel::kActiveFram_A{
        scaled(std::array<double, 5>{370, 1280, 2510, 2080, 2650}, kMicro),  // 0 %
        scaled(std::array<double, 5>{240, 745, 1440, 1575, 1990}, kMicro),   // 50 %
        scaled(std::array<double, 5>{200, 560, 1070, 1300, 1620}, kMicro),   // 66 %
        scaled(std::array<double, 5>{170, 480, 890, 1085, 1350}, kMicro),    // 75 %
        scaled(std::array<double, 5>{110, 250, 440, 585, 750}, kMicro),      // 100 %
    };
// I_AM,RAM (program in SRAM, FRAM idle), same table, 3.0 V typical, µA [U, as above].
const std::array<double, CurrentModel::kNumFrequencies> CurrentModel::kActiveRam_A =
    scaled(std::array<double, 5>{130, 320, 575, 750, 955}, kMicro);

// SLASE54D "Low-Power Mode (LPM0, LPM1) Supply Currents Into VCC Excluding External Current",
// typical, µA, columns f_SMCLK = 1/4/8/12/16 MHz [V]. The web rendering drops empty MAX cells;
// the alignment used (3.0 V: typ 85 max 135 | 115 | 175 | 250 | typ 240 max 290) is the one that
// keeps the 3.0 V typicals 10–20 µA above the 2.2 V row, as in the FR58xx/FR6043 siblings.
const std::array<std::array<double, CurrentModel::kNumFrequencies>, 2> CurrentModel::kLpm0_A{
    scaled(std::array<double, 5>{75, 105, 165, 240, 220}, kMicro),  // 2.2 V
    scaled(std::array<double, 5>{85, 115, 175, 250, 240}, kMicro),  // 3.0 V
};
const std::array<std::array<double, CurrentModel::kNumFrequencies>, 2> CurrentModel::kLpm1_A{
    scaled(std::array<double, 5>{40, 65, 130, 215, 195}, kMicro),  // 2.2 V
    scaled(std::array<double, 5>{40, 65, 130, 215, 195}, kMicro),  // 3.0 V
};

double CurrentModel::active_fram_current_A(double mclk_hz, double hit_ratio) {
  // Interpolate each hit-ratio row at the frequency first, then across the rows.
  std::array<double, kNumHitRatios> at_f{};
  for (size_t r = 0; r < kNumHitRatios; ++r) {
    at_f[r] = interpolate(kTableFrequencies_Hz, kActiveFram_A[r], mclk_hz);
  }
  return interpolate_clamped(kTableHitRatios, at_f, hit_ratio);
}

double CurrentModel::active_ram_current_A(double mclk_hz) {
  return interpolate(kTableFrequencies_Hz, kActiveRam_A, mclk_hz);
}

double CurrentModel::low_power_current_A(LowPowerMode mode, double smclk_hz, double vcc_V,
                                         bool lpm45_svs_enabled) {
  const auto by_voltage = [&](const std::array<std::array<double, kNumFrequencies>, 2>& t) {
    const std::array<double, 2> at_f{interpolate(kTableFrequencies_Hz, t[0], smclk_hz),
                                     interpolate(kTableFrequencies_Hz, t[1], smclk_hz)};
    return interpolate_clamped(kLpmTableVoltages_V, at_f, vcc_V);
  };
  switch (mode) {
    case LowPowerMode::kLpm0:
      return by_voltage(kLpm0_A);
    case LowPowerMode::kLpm1:
      return by_voltage(kLpm1_A);
    case LowPowerMode::kLpm2:
      return kLpm2_A;
    case LowPowerMode::kLpm3:
      return kLpm3_A;
    case LowPowerMode::kLpm4:
      return kLpm4_A;
    case LowPowerMode::kLpm35:
      return kLpm35_A;
    case LowPowerMode::kLpm45:
      return lpm45_svs_enabled ? kLpm45WithSvs_A : kLpm45WithoutSvs_A;
  }
  return 0;
}

double CurrentModel::wakeup_charge_C(LowPowerMode mode, bool lpm45_svs_enabled) {
  switch (mode) {
    case LowPowerMode::kLpm0:
      return kWakeLpm0_C;
    case LowPowerMode::kLpm1:
      return kWakeLpm1_C;
    case LowPowerMode::kLpm2:
      return kWakeLpm2_C;
    case LowPowerMode::kLpm3:
      return kWakeLpm3_C;
    case LowPowerMode::kLpm4:
      return kWakeLpm4_C;
    case LowPowerMode::kLpm35:
      return kWakeLpm35_C;
    case LowPowerMode::kLpm45:
      return lpm45_svs_enabled ? kWakeLpm45WithSvs_C : kWakeLpm45WithoutSvs_C;
  }
  return 0;
}

double CurrentModel::reset_charge_C() {
  return kWakeReset_C;
}
double CurrentModel::fram_activation_charge_C() {
  return kWakeFram_C;
}
double CurrentModel::adc_conversion_current_A() {
  return kAdcConverting_A;
}
double CurrentModel::comparator_current_A() {
  return kComparatorOn_A;
}
double CurrentModel::reference_current_A() {
  return kReferenceOn_A;
}
double CurrentModel::timer_a_charge_per_clock_C() {
  return kTimerA_A_per_Hz;
}
double CurrentModel::mpy_charge_per_cycle_C() {
  return kMpy_A_per_Hz;
}

IntervalCharge CurrentModel::charge(const IntervalActivity& a) {
  IntervalCharge out;
  const double f = std::max(a.mclk_hz, 1.0);  // a stopped MCLK runs no active cycles anyway
  const double active_s = double(a.active_cycles) / f;

  if (a.active_cycles > 0) {
    const uint64_t fram_accesses = a.fram_reads + a.fram_writes;
    const double hit_ratio =
        fram_accesses == 0 ? 1.0 : double(a.fram_cache_hits) / double(fram_accesses);
    const uint64_t fetches = a.fetch_words_fram + a.fetch_words_sram;
    const double fram_share = fetches == 0 ? 1.0 : double(a.fetch_words_fram) / double(fetches);
    const double current_A = fram_share * active_fram_current_A(f, hit_ratio) +
                             (1.0 - fram_share) * active_ram_current_A(f);
    out.active_C = current_A * active_s;
  }

  double lpm_s = 0;
  for (size_t m = 0; m < kNumLowPowerModes; ++m) {
    const double t = a.lpm_time_s[m];
    if (t <= 0) continue;
    const auto mode = LowPowerMode(m);
    const double current_A = low_power_current_A(mode, a.mclk_hz, a.vcc_V, a.lpm45_svs_enabled);
    out.low_power_C += current_A * t;
    lpm_s += t;
  }

  out.peripheral_C = kAdcConverting_A * a.adc_converting_s + kComparatorOn_A * a.comparator_on_s +
                     kReferenceOn_A * a.reference_on_s + kTimerA_A_per_Hz * a.timer_a_clock_cycles +
                     kMpy_A_per_Hz * double(a.mpy_cycles);

  for (size_t m = 0; m < kNumLowPowerModes; ++m) {
    out.event_C += double(a.wakeups[m]) * wakeup_charge_C(LowPowerMode(m), a.lpm45_svs_enabled);
  }
  out.event_C += double(a.resets) * kWakeReset_C + double(a.fram_activations) * kWakeFram_C;

  out.duration_s = active_s + lpm_s;
  out.charge_C = out.active_C + out.low_power_C + out.peripheral_C + out.event_C;
  out.average_current_A = out.duration_s > 0 ? out.charge_C / out.duration_s : 0.0;
  return out;
}

}  // namespace ehsim::mcu::power

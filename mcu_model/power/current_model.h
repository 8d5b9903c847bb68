// Supply-current model of the MSP430FR5994 (docs/architecture.md "The power interface and power
// failure").
//
// Pure and deterministic, no SystemC: the MCU hands it the activity since its last synchronisation
// point (an IntervalActivity of deltas) and gets back the charge drawn from VCC in that interval,
// which it reports to the supply as a piecewise-constant current (charge / duration).
//
// What is modelled and how (constants and their sources are in current_model.cpp):
//  * Active mode: the datasheet's "Active Mode Supply Current Into VCC Excluding External Current"
//    table gives I_AM at 1/4/8/12/16 MHz for execution from FRAM at 0/50/66/75/100 % cache hit
//    ratio and from RAM. The model interpolates linearly in MCLK frequency between the table's
//    columns (extrapolating the 1-4 MHz segment below 1 MHz, clamping above 16 MHz, the part's
//    maximum) and linearly in hit ratio between the table's rows. Active charge is
//    I_AM(f, h) x active_cycles / f.
//  * The hit ratio of an interval is fram_cache_hits / (fram_reads + fram_writes): the rows differ
//    by how often the FRAM array is accessed, and FRCTL_A's cache is write-around (bus.h), so a
//    write reaches the array like a miss. The datasheet gives no separate FRAM write charge.
//  * RAM vs FRAM execution is split by the instruction-fetch source counts when the caller knows
//    them (fetch_words_fram / fetch_words_sram); with both zero the whole interval executes from
//    FRAM (the project's firmware links .text into FRAM).
//  * LPM0/LPM1 depend on the SMCLK that stays on (datasheet table vs f_SMCLK at 2.2 V and 3.0 V,
//    interpolated linearly in both); LPM2, LPM3, LPM4, LPM3.5, LPM4.5 are constants.
//  * Peripherals add currents while active: ADC12_B converting, COMP_E on, REF_A on, Timer_A per
//    MHz of its input clock, MPY32 per MHz of MCLK while multiplying.
//  * Events add fixed charges: wake-up from each LPM, reset from RST/BOR, FRAM re-activation.
//
// Additivity: every term is linear in the interval's counters and times except the active-mode
// term, which is evaluated at the interval's own hit ratio and RAM/FRAM fetch share. Splitting an
// interval into pieces with the same ratios therefore gives the same total charge (to rounding);
// pieces with different ratios are each charged at their own ratio, which is closer to the device
// (its current follows the local access pattern) than charging the whole at the average ratio.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace ehsim::mcu::power {

// Low-power modes the CPU can sit in while MCLK is stopped (LPMx.5 shut the core regulator down).
enum class LowPowerMode : uint8_t { kLpm0, kLpm1, kLpm2, kLpm3, kLpm4, kLpm35, kLpm45 };
inline constexpr size_t kNumLowPowerModes = 7;

// Deltas since the last synchronisation point. Every field defaults to "nothing happened".
struct IntervalActivity {
  double mclk_hz = 8e6;        // MCLK during the active cycles (and SMCLK for LPM0/LPM1)
  double vcc_V = 3.0;          // supply voltage (only LPM0/LPM1 have voltage-dependent table rows)
  uint64_t active_cycles = 0;  // CPU cycles executed (including FRAM wait states)

  // Memory traffic (mcu_model/mem/bus.h BusStats deltas).
  uint64_t fram_reads = 0;
  uint64_t fram_cache_hits = 0;
  uint64_t fram_writes = 0;
  // Instruction words fetched from FRAM and from SRAM, if known; both 0 = all from FRAM.
  uint64_t fetch_words_fram = 0;
  uint64_t fetch_words_sram = 0;

  // Time spent in each low-power mode, indexed by LowPowerMode.
  std::array<double, kNumLowPowerModes> lpm_time_s{};

  // Peripheral activity: seconds during which the module drew its current in this interval
  // (the caller passes the whole interval duration for a module that was on throughout).
  double adc_converting_s = 0;
  double comparator_on_s = 0;
  double reference_on_s = 0;
  double timer_a_clock_cycles = 0;  // Timer_A input-clock cycles counted (all running instances)
  uint64_t mpy_cycles = 0;          // MCLK cycles during which MPY32 was computing

  // Events (counts).
  std::array<uint64_t, kNumLowPowerModes> wakeups{};  // wake-ups from each LPM to active mode
  uint64_t resets = 0;                                // RST pin or BOR reset to active mode
  uint64_t fram_activations = 0;                      // FRAM powered up again by FRCTL_A
  bool lpm45_svs_enabled = true;                      // SVSHE during LPM4.5 (wake-up charge)
};

// The charge of one interval and where it went.
struct IntervalCharge {
  double duration_s = 0;         // active_cycles / MCLK + time in low-power modes
  double charge_C = 0;           // total
  double average_current_A = 0;  // charge_C / duration_s (0 for an empty interval)
  // Breakdown.
  double active_C = 0;
  double low_power_C = 0;
  double peripheral_C = 0;
  double event_C = 0;
};

class CurrentModel {
 public:
  // Table axes (datasheet columns and rows).
  static constexpr size_t kNumFrequencies = 5;  // 1, 4, 8, 12, 16 MHz
  static constexpr size_t kNumHitRatios = 5;    // 0, 50, 66, 75, 100 %
  static const std::array<double, kNumFrequencies> kTableFrequencies_Hz;
  static const std::array<double, kNumHitRatios> kTableHitRatios;
  // I_AM,FRAM(hit ratio) [row][frequency column] and I_AM,RAM [frequency column], amperes.
  static const std::array<std::array<double, kNumFrequencies>, kNumHitRatios> kActiveFram_A;
  static const std::array<double, kNumFrequencies> kActiveRam_A;
  // I_LPM0 and I_LPM1 at 2.2 V and 3.0 V [voltage][frequency column], amperes.
  static const std::array<std::array<double, kNumFrequencies>, 2> kLpm0_A;
  static const std::array<std::array<double, kNumFrequencies>, 2> kLpm1_A;
  static constexpr std::array<double, 2> kLpmTableVoltages_V{2.2, 3.0};

  // Active-mode current at frequency f executing from FRAM at hit ratio h in [0, 1].
  static double active_fram_current_A(double mclk_hz, double hit_ratio);
  // Active-mode current at frequency f executing from SRAM.
  static double active_ram_current_A(double mclk_hz);
  // Current in a low-power mode; LPM0/LPM1 use smclk_hz and vcc_V, the others ignore them;
  // LPM4.5 depends on whether the high-side SVS stays on.
  static double low_power_current_A(LowPowerMode mode, double smclk_hz, double vcc_V,
                                    bool lpm45_svs_enabled = true);
  // Charge of one wake-up from `mode` to active mode.
  static double wakeup_charge_C(LowPowerMode mode, bool lpm45_svs_enabled = true);
  static double reset_charge_C();
  static double fram_activation_charge_C();

  // Peripheral currents.
  static double adc_conversion_current_A();
  static double comparator_current_A();
  static double reference_current_A();
  static double timer_a_charge_per_clock_C();  // (A per Hz of input clock) = C per input cycle
  static double mpy_charge_per_cycle_C();      // C per MCLK cycle while MPY32 computes

  // The charge of one interval. Deterministic: the same activity always gives the same bits.
  static IntervalCharge charge(const IntervalActivity& activity);
};

}  // namespace ehsim::mcu::power

// The MSP430FR5994 current model (mcu_model/power/current_model.h). Two kinds of test:
//  - "datasheet": the expected currents and charges are the FR5994's own, as read in SLASE54D /
//    JAJSG26C and recorded in docs/reference/msp430fr5994-facts.md (facts §3.6 operating-modes
//    table and wake-up charges, §4 LPM0/LPM1 at 1 MHz).
//  - "arithmetic only": the FR5994 active-mode and per-module tables have not been read; the
//    model holds FR5969 (SLAS704G) rows marked [U] in current_model.cpp. These tests copy those
//    rows and check only the interpolation and charge arithmetic on them, not that the currents
//    are the FR5994's.
#include <catch2/catch.hpp>
#include <cmath>

#include "mcu_model/power/current_model.h"

using ehsim::mcu::power::CurrentModel;
using ehsim::mcu::power::IntervalActivity;
using ehsim::mcu::power::IntervalCharge;
using ehsim::mcu::power::LowPowerMode;

namespace {

constexpr double kMicro = 1e-6;
constexpr double kNano = 1e-9;

size_t idx(LowPowerMode m) {
  return size_t(m);
}

bool close(double a, double b, double rel = 1e-12) {
  return std::fabs(a - b) <= rel * std::max(std::fabs(a), std::fabs(b));
}

}  // namespace

TEST_CASE("arithmetic only: active charge at a [U] table point, 8 MHz, 75 % cache hits, 1 ms",
          "[power]") {
  IntervalActivity a;
  a.mclk_hz = 8e6;
  a.active_cycles = 8000;  // 1 ms at 8 MHz
  a.fram_reads = 400;
  a.fram_cache_hits = 300;  // 75 %
  const IntervalCharge q = CurrentModel::charge(a);
  // I_AM,FRAM(75%) at 8 MHz = 890 µA -> 890 µA x 1 ms.
  CHECK(close(q.duration_s, 1e-3));
  CHECK(close(q.charge_C, 890 * kMicro * 1e-3));
  CHECK(close(q.average_current_A, 890 * kMicro));
  CHECK(q.low_power_C == 0);
  CHECK(q.event_C == 0);
}

TEST_CASE("arithmetic only: FRAM writes count as array accesses in the hit ratio", "[power]") {
  IntervalActivity a;
  a.mclk_hz = 16e6;
  a.active_cycles = 16000;
  a.fram_reads = 50;
  a.fram_cache_hits = 50;
  a.fram_writes = 50;  // hit ratio 50 / 100 = 50 %
  // I_AM,FRAM(50%) at 16 MHz = 1990 µA for 1 ms.
  CHECK(close(CurrentModel::charge(a).charge_C, 1990 * kMicro * 1e-3));
}

TEST_CASE("arithmetic only: interpolation mid-points of the [U] rows in frequency and hit ratio",
          "[power]") {
  // 6 MHz, 100 %: midway between 250 µA (4 MHz) and 440 µA (8 MHz).
  CHECK(close(CurrentModel::active_fram_current_A(6e6, 1.0), (250 + 440) / 2.0 * kMicro));
  // 8 MHz, 87.5 %: midway between 890 µA (75 %) and 440 µA (100 %).
  CHECK(close(CurrentModel::active_fram_current_A(8e6, 0.875), (890 + 440) / 2.0 * kMicro));
  // 6 MHz, 25 %: 0 % row at 6 MHz = (1280 + 2510) / 2, 50 % row = (745 + 1440) / 2, then halfway.
  const double row0 = (1280 + 2510) / 2.0, row50 = (745 + 1440) / 2.0;
  CHECK(close(CurrentModel::active_fram_current_A(6e6, 0.25), (row0 + row50) / 2.0 * kMicro));
  // 10 MHz RAM: midway between 575 and 750 µA.
  CHECK(close(CurrentModel::active_ram_current_A(10e6), (575 + 750) / 2.0 * kMicro));
  // Below 1 MHz the 1-4 MHz segment is extended: 0.5 MHz RAM = 130 - 0.5 x (320 - 130) / 3.
  CHECK(close(CurrentModel::active_ram_current_A(0.5e6), (130 - 0.5 * 190 / 3.0) * kMicro));
  // Above 16 MHz the 16 MHz column is held.
  CHECK(close(CurrentModel::active_fram_current_A(24e6, 0.75), 1350 * kMicro));
}

TEST_CASE("arithmetic only: execution from SRAM uses the [U] I_AM,RAM row, mixed fetches weighted",
          "[power]") {
  IntervalActivity a;
  a.mclk_hz = 4e6;
  a.active_cycles = 4000;  // 1 ms
  a.fetch_words_sram = 1000;
  CHECK(close(CurrentModel::charge(a).charge_C, 320 * kMicro * 1e-3));
  a.fetch_words_fram = 1000;  // half the fetches from FRAM, no data access: 100 % hits
  a.fram_reads = 1000;
  a.fram_cache_hits = 1000;
  CHECK(close(CurrentModel::charge(a).charge_C, (320 + 250) / 2.0 * kMicro * 1e-3));
}

TEST_CASE("datasheet: LPM3, LPM4, LPM4.5 and LPM0/LPM1 (1 MHz) currents times the time asleep",
          "[power]") {
  // SLASE54D operating-modes table, typical at 25 °C (facts §3.6): LPM3 0.7 µA, LPM4 0.5 µA,
  // LPM4.5 0.3 µA with SVS and 0.07 µA without.
  IntervalActivity a;
  a.lpm_time_s[idx(LowPowerMode::kLpm3)] = 2.0;
  a.lpm_time_s[idx(LowPowerMode::kLpm4)] = 1.0;
  a.lpm_time_s[idx(LowPowerMode::kLpm45)] = 10.0;
  IntervalCharge q = CurrentModel::charge(a);
  // 0.7 µA x 2 s + 0.5 µA x 1 s + 0.3 µA (SVS on) x 10 s.
  const double expected = 0.7 * kMicro * 2 + 0.5 * kMicro * 1 + 0.3 * kMicro * 10;
  CHECK(close(q.charge_C, expected));
  CHECK(close(q.duration_s, 13.0));
  a.lpm45_svs_enabled = false;  // 0.07 µA without SVS
  q = CurrentModel::charge(a);
  CHECK(close(q.charge_C, 0.7 * kMicro * 2 + 0.5 * kMicro * 1 + 0.07 * kMicro * 10));

  // LPM0 follows SMCLK and VCC: SLASE54D I_LPM0 at 1 MHz (facts §4) is 85 µA at 3.0 V and 75 µA
  // at 2.2 V; 80 µA at 2.6 V is the model's linear interpolation between them.
  IntervalActivity l0;
  l0.mclk_hz = 1e6;
  l0.lpm_time_s[idx(LowPowerMode::kLpm0)] = 0.01;
  CHECK(close(CurrentModel::charge(l0).charge_C, 85 * kMicro * 0.01));
  l0.vcc_V = 2.2;
  CHECK(close(CurrentModel::charge(l0).charge_C, 75 * kMicro * 0.01));
  l0.vcc_V = 2.6;
  CHECK(close(CurrentModel::charge(l0).charge_C, 80 * kMicro * 0.01));
  // LPM1 at 1 MHz: 40 µA at both voltages (SLASE54D I_LPM1, facts §4; the columns above 1 MHz
  // lost their alignment in the source, so they are not checked here).
  CHECK(close(CurrentModel::low_power_current_A(LowPowerMode::kLpm1, 1e6, 3.0), 40 * kMicro));
  CHECK(close(CurrentModel::low_power_current_A(LowPowerMode::kLpm1, 1e6, 2.2), 40 * kMicro));
  // The same table's LPM2 1.0 µA and LPM3.5 0.45 µA.
  CHECK(close(CurrentModel::low_power_current_A(LowPowerMode::kLpm2, 1e6, 3.0), 1.0 * kMicro));
  CHECK(close(CurrentModel::low_power_current_A(LowPowerMode::kLpm35, 0, 3.0), 0.45 * kMicro));
}

TEST_CASE("datasheet: wake-up, reset and FRAM activation charges are counted per event",
          "[power]") {
  // JAJSG26C (= SLASE54C) "Typical Wake-up Charge" (facts §3.6): LPM0 3.8, LPM3 25, LPM4.5 123
  // (SVSHE = 1) / 121 (SVSHE = 0), reset 102, FRAM activation 16.5 nAs.
  IntervalActivity a;
  a.wakeups[idx(LowPowerMode::kLpm3)] = 10;
  a.wakeups[idx(LowPowerMode::kLpm0)] = 4;
  a.wakeups[idx(LowPowerMode::kLpm45)] = 1;
  a.resets = 2;
  a.fram_activations = 3;
  // 10 x 25 + 4 x 3.8 + 123 (SVSHE = 1) + 2 x 102 + 3 x 16.5 nAs.
  const double expected = (10 * 25 + 4 * 3.8 + 123 + 2 * 102 + 3 * 16.5) * kNano;
  const IntervalCharge q = CurrentModel::charge(a);
  CHECK(close(q.event_C, expected));
  CHECK(close(q.charge_C, expected));
  CHECK(q.duration_s == 0);
  CHECK(q.average_current_A == 0);
  a.lpm45_svs_enabled = false;
  CHECK(close(CurrentModel::charge(a).event_C, expected - 2 * kNano));
}

TEST_CASE("arithmetic only: peripheral adders from the [U] module rows times their on-time",
          "[power]") {
  IntervalActivity a;
  a.adc_converting_s = 1e-3;
  a.comparator_on_s = 2.0;
  a.reference_on_s = 0.5;
  a.timer_a_clock_cycles = 32768;  // one second of ACLK
  a.mpy_cycles = 8000;
  const double expected = 145 * kMicro * 1e-3 + 11 * kMicro * 2.0 + 19 * kMicro * 0.5 +
                          3 * kMicro / 1e6 * 32768 + 25 * kMicro / 1e6 * 8000;
  CHECK(close(CurrentModel::charge(a).peripheral_C, expected));
}

TEST_CASE("charge is additive when an interval is reported in pieces", "[power]") {
  // One interval of everything at once ...
  IntervalActivity whole;
  whole.mclk_hz = 8e6;
  whole.vcc_V = 2.8;
  whole.active_cycles = 800000;
  whole.fram_reads = 400000;
  whole.fram_cache_hits = 280000;
  whole.fram_writes = 40000;
  whole.fetch_words_fram = 300000;
  whole.fetch_words_sram = 100000;
  whole.lpm_time_s[idx(LowPowerMode::kLpm0)] = 0.04;
  whole.lpm_time_s[idx(LowPowerMode::kLpm3)] = 0.5;
  whole.adc_converting_s = 0.002;
  whole.comparator_on_s = 0.6;
  whole.timer_a_clock_cycles = 20000;
  whole.mpy_cycles = 16000;
  whole.wakeups[idx(LowPowerMode::kLpm3)] = 120;  // counts divisible by the piece count
  whole.wakeups[idx(LowPowerMode::kLpm0)] = 40;
  whole.resets = 1;
  whole.fram_activations = 40;
  const IntervalCharge one = CurrentModel::charge(whole);

  // ... and the same activity as 40 synchronisation points with the same access mix.
  constexpr unsigned kPieces = 40;
  IntervalActivity piece = whole;
  piece.active_cycles /= kPieces;
  piece.fram_reads /= kPieces;
  piece.fram_cache_hits /= kPieces;
  piece.fram_writes /= kPieces;
  piece.fetch_words_fram /= kPieces;
  piece.fetch_words_sram /= kPieces;
  for (double& t : piece.lpm_time_s) t /= kPieces;
  piece.adc_converting_s /= kPieces;
  piece.comparator_on_s /= kPieces;
  piece.timer_a_clock_cycles /= kPieces;
  piece.mpy_cycles /= kPieces;
  for (uint64_t& w : piece.wakeups) w /= kPieces;
  piece.fram_activations /= kPieces;
  piece.resets = 0;
  double total_C = 0, total_s = 0;
  for (unsigned i = 0; i < kPieces; ++i) {
    IntervalActivity p = piece;
    if (i == kPieces - 1) p.resets = whole.resets;  // an event lands in exactly one piece
    const IntervalCharge q = CurrentModel::charge(p);
    total_C += q.charge_C;
    total_s += q.duration_s;
  }
  CHECK(close(total_C, one.charge_C));
  CHECK(close(total_s, one.duration_s));

  // Uneven pieces of low-power time and events are additive too.
  IntervalActivity sleep;
  sleep.lpm_time_s[idx(LowPowerMode::kLpm4)] = 0.3;
  sleep.wakeups[idx(LowPowerMode::kLpm4)] = 3;
  IntervalActivity a = sleep, b = sleep;
  a.lpm_time_s[idx(LowPowerMode::kLpm4)] = 0.1;
  a.wakeups[idx(LowPowerMode::kLpm4)] = 1;
  b.lpm_time_s[idx(LowPowerMode::kLpm4)] = 0.2;
  b.wakeups[idx(LowPowerMode::kLpm4)] = 2;
  CHECK(close(CurrentModel::charge(a).charge_C + CurrentModel::charge(b).charge_C,
              CurrentModel::charge(sleep).charge_C));
}

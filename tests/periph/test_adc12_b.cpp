// ADC12_B supply measurement: results against round(Vin/Vref·(2^bits − 1)) and completion cycles
// derived here from SHT/RES cycle counts (SLAU367P ADC12CTL0/ADC12CTL2) and the clock ratio.
#include <catch2/catch.hpp>
#include <cmath>

#include "mcu_model/periph/adc12_b.h"
#include "mcu_model/periph/cs.h"

using namespace ehsim::mcu;

namespace {
// Register values spelled out from the TI header, not from the model's constants.
constexpr uint16_t kSht0_2 = 0x0200;  // ADC12SHT0_2: 16 cycles
constexpr uint16_t kAdcOn = 0x0010, kEnc = 0x0002, kSc = 0x0001;
constexpr uint16_t kShp = 0x0200, kSsel3 = 0x0018, kDiv4 = 0x0060;  // SMCLK, /4
constexpr uint16_t kRes10 = 0x0010, kRes12 = 0x0020;
constexpr uint16_t kBatMap = 0x0040;
constexpr uint16_t kInch31 = 0x001F, kVrsel1 = 0x0100;
constexpr uint16_t kBusy = 0x0001;
constexpr int kAdcVector = 46;

struct Adc {
  McuContext ctx;
  Cs cs{ctx};
  Adc12B adc{ctx, cs};
  Adc() {
    cs.set_on_change([this] { adc.clocks_changed(); });
  }
  void trigger() { adc.write_word(Adc12B::kCtl0, uint16_t(adc.read_word(0) | kEnc | kSc)); }
};

uint16_t expected_code(double vin_V, double vref_V, int bits) {
  const double full = std::pow(2.0, bits) - 1.0;
  double code = std::round(vin_V / vref_V * full);
  if (code > full) code = full;
  if (code < 0) code = 0;
  return uint16_t(code);
}
}  // namespace

TEST_CASE("ADC12 measures ½·AVCC on A31 against the 2.0 V reference, done after SHT + 14 clocks",
          "[adc12]") {
  Adc a;
  a.adc.set_supply_voltage_source([] { return 3.3; });
  a.adc.set_internal_reference_V(Adc12B::ref_a_level_V(1));  // REFVSEL_1 = 2.0 V
  a.adc.write_word(Adc12B::kCtl0, kSht0_2 | kAdcOn);
  a.adc.write_word(Adc12B::kCtl1, kShp);  // ADC12SSEL = 0: MODOSC
  a.adc.write_word(Adc12B::kCtl2, kRes12);
  a.adc.write_word(Adc12B::kCtl3, kBatMap);
  a.adc.write_word(Adc12B::kMctl0, kInch31 | kVrsel1);
  a.adc.write_word(Adc12B::kIerR0, 0x0001);
  a.ctx.cycles = 100;
  a.ctx.sync_requested = false;
  a.trigger();
  REQUIRE(a.ctx.sync_requested);
  REQUIRE(a.adc.conversion_active());
  REQUIRE((a.adc.read_word(Adc12B::kCtl1) & kBusy) != 0);
  REQUIRE((a.adc.read_word(Adc12B::kCtl0) & kSc) == 0);  // ADC12SC resets itself
  // 16 sample + 14 conversion = 30 clocks of 4.8 MHz = 6.25 µs = 6.25 MCLK cycles at 1 MHz:
  // the result is there at the 7th cycle.
  REQUIRE(a.adc.next_event_cycle() == 107);
  a.ctx.cycles = 106;
  a.adc.advance_to(106);
  REQUIRE(a.adc.conversion_active());
  REQUIRE_FALSE(a.ctx.irq.is_pending(kAdcVector));
  a.ctx.cycles = 107;
  a.adc.advance_to(107);
  REQUIRE_FALSE(a.adc.conversion_active());
  REQUIRE(a.adc.conversions_completed() == 1);
  REQUIRE(a.adc.next_event_cycle() == kNeverCycle);
  REQUIRE(a.ctx.irq.is_pending(kAdcVector));
  REQUIRE(a.adc.peek_word(Adc12B::kIv) == 0x0C);  // ADC12IFG0
  // 1.65 V / 2.0 V · 4095 = 3378.375 → 3378.
  REQUIRE(a.adc.read_word(Adc12B::kMem0) == expected_code(3.3 / 2, 2.0, 12));
  REQUIRE(a.adc.read_word(Adc12B::kMem0) == 3378);
  // Reading ADC12MEM0 cleared ADC12IFG0.
  REQUIRE(a.adc.read_word(Adc12B::kIfgR0) == 0);
  REQUIRE_FALSE(a.ctx.irq.is_pending(kAdcVector));
}

TEST_CASE("ADC12 result formula for several supplies and references", "[adc12]") {
  double supply_V = 3.0;
  Adc a;
  a.adc.set_supply_voltage_source([&] { return supply_V; });
  a.adc.write_word(Adc12B::kCtl0, kSht0_2 | kAdcOn);
  a.adc.write_word(Adc12B::kCtl1, kShp);
  a.adc.write_word(Adc12B::kCtl3, kBatMap);
  auto convert = [&](uint16_t mctl0) {
    a.adc.write_word(Adc12B::kMctl0, mctl0);
    a.trigger();
    a.ctx.cycles = a.adc.next_event_cycle();
    a.adc.advance_to(a.ctx.cycles);
    return a.adc.read_word(Adc12B::kMem0);
  };
  // AVCC reference: ½·AVCC / AVCC = 0.5 → round(2047.5) = 2048 whatever the supply.
  for (double v : {1.8, 2.4, 3.6}) {
    supply_V = v;
    CHECK(convert(kInch31) == 2048);
  }
  // 1.2 V internal reference (the REF_A reset level).
  supply_V = 2.0;  // 1.0 V on A31
  CHECK(convert(kInch31 | kVrsel1) == expected_code(1.0, 1.2, 12));
  CHECK(convert(kInch31 | kVrsel1) == 3413);  // 4095 / 1.2 = 3412.5 → 3413
  supply_V = 3.0;                             // 1.5 V > 1.2 V: clamps at full scale
  CHECK(convert(kInch31 | kVrsel1) == 4095);
  // An external pin with an installed source, 10-bit result.
  a.adc.write_word(Adc12B::kCtl2, kRes10);
  a.adc.set_input_voltage_source(5, [] { return 0.9; });
  CHECK(convert(5 | kVrsel1) == expected_code(0.9, 1.2, 10));  // 767.25 → 767
  CHECK(convert(5 | kVrsel1) == 767);
  // Without BATMAP, A31 is a pin with nothing on it.
  a.adc.write_word(Adc12B::kCtl3, 0);
  a.adc.write_word(Adc12B::kCtl2, kRes12);
  CHECK(convert(kInch31) == 0);
}

TEST_CASE("ADC12 synchronous SMCLK/4 timing, 10-bit: (4 + 12)·4 MCLK cycles", "[adc12]") {
  Adc a;
  a.adc.write_word(Adc12B::kCtl0, kAdcOn);  // ADC12SHT0 = 0: 4 cycles
  a.adc.write_word(Adc12B::kCtl1, kShp | kSsel3 | kDiv4);
  a.adc.write_word(Adc12B::kCtl2, kRes10);
  a.ctx.cycles = 1000;
  a.trigger();
  REQUIRE(a.adc.next_event_cycle() == 1000 + (4 + 12) * 4);
}

TEST_CASE("ADC12 samples the supply at conversion start, ENC = 0 aborts", "[adc12]") {
  double supply_V = 3.0;
  Adc a;
  a.adc.set_supply_voltage_source([&] { return supply_V; });
  a.adc.write_word(Adc12B::kCtl0, kSht0_2 | kAdcOn);
  a.adc.write_word(Adc12B::kCtl1, kShp);
  a.adc.write_word(Adc12B::kCtl3, kBatMap);
  a.adc.write_word(Adc12B::kMctl0, kInch31 | kVrsel1);
  a.adc.set_internal_reference_V(2.5);
  a.trigger();
  supply_V = 2.0;  // changes after the sample was taken
  a.ctx.cycles = a.adc.next_event_cycle();
  a.adc.advance_to(a.ctx.cycles);
  REQUIRE(a.adc.read_word(Adc12B::kMem0) == expected_code(1.5, 2.5, 12));  // 2457
  // Abort: clearing ENC stops the conversion with no result.
  a.trigger();
  REQUIRE(a.adc.conversion_active());
  a.adc.write_word(Adc12B::kCtl0, kSht0_2 | kAdcOn);
  REQUIRE_FALSE(a.adc.conversion_active());
  REQUIRE(a.adc.next_event_cycle() == kNeverCycle);
  REQUIRE(a.adc.conversions_completed() == 1);
  // ADC12ON = 0: ADC12SC does not start anything.
  a.adc.write_word(Adc12B::kCtl0, kEnc | kSc);
  REQUIRE_FALSE(a.adc.conversion_active());
}

TEST_CASE("ADC12IV: overflow outranks IFG0, reading IV clears the reported flag", "[adc12]") {
  Adc a;
  a.adc.write_word(Adc12B::kCtl0, kSht0_2 | kAdcOn);
  a.adc.write_word(Adc12B::kCtl1, kShp);
  a.adc.write_word(Adc12B::kIerR0, 0x0001);
  a.adc.write_word(Adc12B::kIerR2, 0x0010);  // ADC12OVIE
  for (int i = 0; i < 2; ++i) {              // second result overwrites the unread first
    a.trigger();
    a.ctx.cycles = a.adc.next_event_cycle();
    a.adc.advance_to(a.ctx.cycles);
  }
  REQUIRE(a.adc.read_word(Adc12B::kIv) == 0x02);  // ADC12OVIFG
  REQUIRE(a.ctx.irq.is_pending(kAdcVector));
  REQUIRE(a.adc.read_word(Adc12B::kIv) == 0x0C);  // then ADC12IFG0
  REQUIRE(a.adc.read_word(Adc12B::kIv) == 0x00);
  REQUIRE_FALSE(a.ctx.irq.is_pending(kAdcVector));
}

TEST_CASE("ADC12 MCLK change mid-conversion re-times the rest", "[adc12]") {
  Adc a;
  a.adc.write_word(Adc12B::kCtl0, kSht0_2 | kAdcOn);
  a.adc.write_word(Adc12B::kCtl1, kShp);  // MODOSC 4.8 MHz, 30 clocks = 6.25 µs
  a.trigger();
  REQUIRE(a.adc.next_event_cycle() == 7);
  // After 2 µs (2 cycles at 1 MHz) MCLK goes to 8 MHz (DCO 8 MHz, DIVM /1): the remaining
  // 4.25 µs are 34 cycles.
  a.ctx.cycles = 2;
  a.cs.write_word(Cs::kCsCtl0, 0xA500);
  a.cs.write_word(Cs::kCsCtl3, 0x0000);
  REQUIRE(a.ctx.mclk_hz == 8'000'000);
  REQUIRE(a.adc.next_event_cycle() == 2 + 34);
}

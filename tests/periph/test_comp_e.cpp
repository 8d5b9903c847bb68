// Comparator_E supply monitoring: VCC ladder tap (n+1)/32 against the CEREFL reference
// (TI msp430fr5994.h CEREF0_n / CEREFL_x; SLAU367P CECTL1.CEIES, CEIV). Thresholds are derived here
// from the tap and the reference, not taken from the model.
#include <catch2/catch.hpp>

#include "mcu_model/periph/comp_e.h"

using namespace ehsim::mcu;

namespace {
// Register values spelled out from the TI header so the test does not reuse the model's constants.
constexpr uint16_t kCeRefl1 = 0x2000;  // CEREFL_1: 1.2 V
constexpr uint16_t kCeRefl2 = 0x4000;  // CEREFL_2: 2.0 V
constexpr uint16_t kCeRs1 = 0x0040;    // CERS_1: VCC on the ladder
constexpr uint16_t kCeRsel = 0x0020;
constexpr uint16_t kCeOn = 0x0400, kCeIes = 0x0008, kCeOut = 0x0001, kCeMrvs = 0x1000,
                   kCeMrvl = 0x0800;
constexpr uint16_t kCeIfg = 0x0001, kCeIifg = 0x0002, kCeIe = 0x0100, kCeIie = 0x0200;
constexpr int kCompEVector = 52;
}  // namespace

TEST_CASE("COMP_E falling supply through the ladder threshold sets CEIFG (CEIES = 1)", "[comp_e]") {
  McuContext ctx;
  CompE ce(ctx);
  ce.supply_voltage_changed(3.0);
  // Tap 19 = 20/32 of VCC against 1.2 V: flips at VCC = 1.2 · 32 / 20 = 1.92 V.
  const unsigned tap = 19;
  const double threshold_V = 1.2 * 32.0 / (tap + 1);
  ce.write_word(CompE::kCeCtl2, uint16_t(kCeRefl1 | kCeRs1 | tap | (tap << 8)));
  ce.write_word(CompE::kCeCtl1, kCeOn | kCeIes);
  REQUIRE(ce.has_supply_threshold());
  REQUIRE(ce.threshold_V() == Approx(threshold_V));
  // 3.0 V · 20/32 = 1.875 V > 1.2 V: output high.
  REQUIRE((ce.read_word(CompE::kCeCtl1) & kCeOut) != 0);
  ce.write_word(CompE::kCeInt, kCeIe);  // clear the flags of the power-on edge, enable CEIFG
  REQUIRE_FALSE(ctx.irq.is_pending(kCompEVector));

  ce.supply_voltage_changed(threshold_V + 0.01);  // still above: no edge
  REQUIRE((ce.read_word(CompE::kCeCtl1) & kCeOut) != 0);
  REQUIRE_FALSE(ctx.irq.is_pending(kCompEVector));

  ce.supply_voltage_changed(threshold_V - 0.01);  // falls through: CEOUT 1 → 0
  REQUIRE((ce.read_word(CompE::kCeCtl1) & kCeOut) == 0);
  REQUIRE((ce.read_word(CompE::kCeInt) & kCeIfg) != 0);
  REQUIRE(ctx.irq.is_pending(kCompEVector));
  // CEIV reports CEIFG (02h) and reading it clears the flag.
  REQUIRE(ce.read_word(CompE::kCeIv) == 0x02);
  REQUIRE((ce.read_word(CompE::kCeInt) & kCeIfg) == 0);
  REQUIRE_FALSE(ctx.irq.is_pending(kCompEVector));
  REQUIRE(ce.read_word(CompE::kCeIv) == 0);

  // Rising again is the other edge: CEIIFG, not enabled, so no interrupt.
  ce.supply_voltage_changed(threshold_V + 0.2);
  REQUIRE((ce.read_word(CompE::kCeInt) & kCeIifg) != 0);
  REQUIRE((ce.read_word(CompE::kCeInt) & kCeIfg) == 0);
  REQUIRE_FALSE(ctx.irq.is_pending(kCompEVector));
}

TEST_CASE("COMP_E CEIES = 0: falling edge sets CEIIFG, CEIV 04h", "[comp_e]") {
  McuContext ctx;
  CompE ce(ctx);
  // Tap 31 = 32/32 of VCC against 2.0 V: flips at exactly 2.0 V.
  ce.write_word(CompE::kCeCtl2, uint16_t(kCeRefl2 | kCeRs1 | 31 | (31 << 8)));
  ce.write_word(CompE::kCeCtl1, kCeOn);
  REQUIRE(ce.threshold_V() == Approx(2.0));
  ce.write_word(CompE::kCeInt, kCeIie);
  ce.supply_voltage_changed(1.99);
  REQUIRE((ce.read_word(CompE::kCeCtl1) & kCeOut) == 0);
  REQUIRE(ctx.irq.is_pending(kCompEVector));
  REQUIRE(ce.read_word(CompE::kCeIv) == 0x04);
  REQUIRE_FALSE(ctx.irq.is_pending(kCompEVector));
}

TEST_CASE("COMP_E CERSEL = 1 puts the ladder on V-: output high below the threshold", "[comp_e]") {
  McuContext ctx;
  CompE ce(ctx);
  ce.supply_voltage_changed(3.3);
  const unsigned tap = 15;  // 16/32: threshold 2 · 1.2 V = 2.4 V
  ce.write_word(CompE::kCeCtl2, uint16_t(kCeRefl1 | kCeRs1 | kCeRsel | tap | (tap << 8)));
  ce.write_word(CompE::kCeCtl1, kCeOn | kCeIes);  // CEIES = 1: CEIIFG on the rising edge
  REQUIRE(ce.threshold_V() == Approx(1.2 * 32.0 / 16.0));
  REQUIRE((ce.read_word(CompE::kCeCtl1) & kCeOut) == 0);  // 1.2 V < 3.3 V / 2
  ce.write_word(CompE::kCeInt, kCeIie);
  ce.supply_voltage_changed(2.3);  // 1.15 V < 1.2 V: output rises
  REQUIRE((ce.read_word(CompE::kCeCtl1) & kCeOut) != 0);
  REQUIRE(ce.read_word(CompE::kCeIv) == 0x04);
}

TEST_CASE("COMP_E CEMRVS = 1: CEMRVL picks the CEREF1 tap", "[comp_e]") {
  McuContext ctx;
  CompE ce(ctx);
  // CEREF0 = 19 (1.92 V) and CEREF1 = 23 (24/32: 1.2 · 32 / 24 = 1.6 V).
  ce.write_word(CompE::kCeCtl2, uint16_t(kCeRefl1 | kCeRs1 | 19 | (23 << 8)));
  ce.write_word(CompE::kCeCtl1, kCeOn | kCeMrvs);
  REQUIRE(ce.threshold_V() == Approx(1.2 * 32.0 / 20.0));
  ce.write_word(CompE::kCeCtl1, kCeOn | kCeMrvs | kCeMrvl);
  REQUIRE(ce.threshold_V() == Approx(1.2 * 32.0 / 24.0));
  ce.supply_voltage_changed(1.7);  // 1.7 · 24/32 = 1.275 V > 1.2 V
  REQUIRE((ce.read_word(CompE::kCeCtl1) & kCeOut) != 0);
  ce.supply_voltage_changed(1.55);  // 1.1625 V < 1.2 V
  REQUIRE((ce.read_word(CompE::kCeCtl1) & kCeOut) == 0);
}

TEST_CASE("COMP_E off: no threshold, CEOUT low, CEOUT not writable, PUC clears", "[comp_e]") {
  McuContext ctx;
  CompE ce(ctx);
  ce.write_word(CompE::kCeCtl2, uint16_t(kCeRefl1 | kCeRs1 | 19));
  REQUIRE_FALSE(ce.has_supply_threshold());
  ce.write_word(CompE::kCeCtl1, kCeOut);
  REQUIRE(ce.read_word(CompE::kCeCtl1) == 0);
  ce.write_word(CompE::kCeCtl1, kCeOn);
  REQUIRE((ce.read_word(CompE::kCeCtl1) & kCeOut) != 0);  // 3.0 V default supply: above 1.92 V
  ce.write_word(CompE::kCeInt, kCeIfg | kCeIe);
  REQUIRE(ctx.irq.is_pending(kCompEVector));  // software can set the flag
  ce.reset_puc();
  REQUIRE(ce.read_word(CompE::kCeCtl1) == 0);
  REQUIRE(ce.read_word(CompE::kCeInt) == 0);
  REQUIRE_FALSE(ctx.irq.is_pending(kCompEVector));
  REQUIRE(ce.supply_V() == Approx(3.0));  // the supply is outside the MCU and survives
}

// How many cycles of inference one charge of the storage capacitor pays for: the unit budget the
// compiler sizes FreeML's intermittent units to (freeml/FORMAT.md "Intermittent units").
//
// The MCU runs straight off the capacitor (the scenarios' converter "none"). It turns on at v_on
// and off at v_off, and draws a current, so one charge hands it Q = C (v_on - v_off); at the mean
// voltage that is the energy 1/2 C (v_on^2 - v_off^2) exactly, with no converter to lose any.
// From Q go the boot (ehsim's boot delay charge, mcu_model/power/boot_charge.h, and the reset's)
// and the capacitor's leakage; the rest buys cycles at the worst active current of ehsim's current
// model at this MCLK: execution from FRAM at a 0 % cache hit ratio (the largest row of the
// datasheet table, mcu_model/power/current_model.cpp) with the multiplier busy on every cycle.
// Nothing harvested during the charge is counted. The safety factor then leaves room for what
// the model does not know (its active-current table is the FR5969 sibling's, marked [U]).
#pragma once

#include <cstdint>

namespace freeml::ref {

// The default safety factor and why: docs in freeml/FORMAT.md "Intermittent units".
inline constexpr double kDefaultSafetyFactor = 0.8;
// The unit cost model (unit_cost.h) holds at MCLK <= 8 MHz: above it FRAM adds wait states.
inline constexpr double kMaxBudgetMclk_Hz = 8e6;

struct ChargeSupply {
  double capacitance_F = 10e-6;
  double v_on_V = 2.4;
  double v_off_V = 1.8;
  double mclk_Hz = 8e6;
  double leakage_A = 0;                         // the capacitor's constant leakage current
  double safety_factor = kDefaultSafetyFactor;  // the share of the modelled cycles a unit may use
};

struct ChargeBudget {
  double energy_J = 0;            // 1/2 C (v_on^2 - v_off^2)
  double charge_C = 0;            // C (v_on - v_off)
  double boot_charge_C = 0;       // the boot delay's and the reset's
  double current_A = 0;           // worst active current at this MCLK, multiplier included
  double charge_per_cycle_C = 0;  // (current + leakage) / MCLK
  uint64_t cycles = 0;            // cycles one charge pays for after the boot
  uint64_t budget_cycles = 0;     // cycles * safety factor
};

// Throws std::invalid_argument for a supply the model cannot answer for (v_off >= v_on, a
// non-positive capacitance, MCLK above kMaxBudgetMclk_Hz, a safety factor outside (0, 1], or a
// charge that does not even pay for the boot).
ChargeBudget charge_budget(const ChargeSupply& supply);

}  // namespace freeml::ref

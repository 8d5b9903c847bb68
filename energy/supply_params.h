// Parameters of the storage capacitor and power-management unit (PMU). All SI units.
#pragma once

#include <optional>

#include "energy/harvester.h"
#include "energy/table.h"

namespace ehsim::energy {

struct CapacitorParams {
  double capacitance_F = 100e-6;
  double rated_V = 3.6;  // the capacitor is clipped here (PMU/shunt regulator); excess counted
  double initial_V = 0.0;
  double leakage_A = 0.0;  // constant leakage current (drawn while V > 0)
  double leakage_S = 0.0;  // leakage conductance (current proportional to V)
  double esr_Ohm = 0.0;    // series resistance: loss I_in^2*ESR and a rail sag I_in*ESR
};

// The MCU rail converter. none: the MCU runs straight off the capacitor. ldo: input current =
// load + quiescent, rail = min(V - I*ESR, vout_V). buck: input power = vout_V*I/eta(V, I) +
// quiescent*V while V is above the output (below it the switch stays closed, like an LDO in
// dropout).
enum class ConverterType { none, ldo, buck };

struct ConverterParams {
  ConverterType type = ConverterType::none;
  double vout_V = 0.0;
  double quiescent_A = 0.0;
  // Efficiency table: rows V_in (V), columns I_out (A). A 1x1 table is a constant efficiency.
  Table2D efficiency{{0.0}, {0.0}, {{1.0}}};
};

struct ThresholdParams {
  double v_on_V = 2.0;   // power-good rises when the capacitor rises to this
  double v_off_V = 1.8;  // and falls when it falls to this (v_off_V < v_on_V)
};

struct SupplyParams {
  CapacitorParams capacitor;
  ConverterParams converter;
  ThresholdParams thresholds;
  std::optional<ChargerParams> charger;
  // Relative local error bound of the adaptive integrator used for non-polynomial dynamics:
  // each step's energy error is below rk_rtol * max(E, E(v_on)).
  double rk_rtol = 1e-11;
};

}  // namespace ehsim::energy

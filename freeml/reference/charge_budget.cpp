#include "freeml/reference/charge_budget.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "mcu_model/power/boot_charge.h"
#include "mcu_model/power/current_model.h"

namespace freeml::ref {

using ehsim::mcu::power::CurrentModel;

ChargeBudget charge_budget(const ChargeSupply& s) {
  if (!(s.capacitance_F > 0) || !std::isfinite(s.capacitance_F))
    throw std::invalid_argument("the capacitance must be positive");
  if (!(s.v_off_V > 0) || !(s.v_on_V > s.v_off_V) || !std::isfinite(s.v_on_V))
    throw std::invalid_argument("v_on must be above v_off, and v_off above 0 V");
  if (!(s.mclk_Hz > 0) || s.mclk_Hz > kMaxBudgetMclk_Hz)
    throw std::invalid_argument(
        "MCLK must be in (0, 8 MHz]: the unit cost model counts no FRAM wait states");
  if (!(s.safety_factor > 0) || s.safety_factor > 1)
    throw std::invalid_argument("the safety factor must be in (0, 1]");
  if (!(s.leakage_A >= 0) || !std::isfinite(s.leakage_A))
    throw std::invalid_argument("the leakage current must be >= 0");
  ChargeBudget b;
  b.energy_J = 0.5 * s.capacitance_F * (s.v_on_V * s.v_on_V - s.v_off_V * s.v_off_V);
  b.charge_C = s.capacitance_F * (s.v_on_V - s.v_off_V);
  b.boot_charge_C = ehsim::mcu::power::kBootCharge_C + CurrentModel::reset_charge_C() +
                    s.leakage_A * ehsim::mcu::power::kBootDelay_s;
  b.current_A = CurrentModel::active_fram_current_A(s.mclk_Hz, 0.0) +
                CurrentModel::mpy_charge_per_cycle_C() * s.mclk_Hz;
  b.charge_per_cycle_C = (b.current_A + s.leakage_A) / s.mclk_Hz;
  const double left_C = b.charge_C - b.boot_charge_C;
  if (!(left_C > 0)) {
    throw std::invalid_argument("one charge (" + std::to_string(b.charge_C * 1e6) +
                                " uC) does not even pay for the boot (" +
                                std::to_string(b.boot_charge_C * 1e6) + " uC)");
  }
  b.cycles = uint64_t(std::floor(left_C / b.charge_per_cycle_C));
  b.budget_cycles = uint64_t(std::floor(double(b.cycles) * s.safety_factor));
  return b;
}

}  // namespace freeml::ref

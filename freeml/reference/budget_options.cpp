#include "freeml/reference/budget_options.h"

#include <stdexcept>

#include "sim/scenario/units.h"

namespace freeml::ref {

using ehsim::InputError;
using ehsim::parse_quantity;

nlohmann::ordered_json ResolvedBudget::to_json() const {
  nlohmann::ordered_json j;
  j["unit_budget_cycles"] = cycles;
  if (supply && charge) {
    j["from_supply"] = {{"capacitance_F", supply->capacitance_F},
                        {"v_on_V", supply->v_on_V},
                        {"v_off_V", supply->v_off_V},
                        {"mclk_Hz", supply->mclk_Hz},
                        {"leakage_A", supply->leakage_A},
                        {"safety_factor", supply->safety_factor}};
    j["charge"] = {{"energy_J", charge->energy_J},
                   {"charge_C", charge->charge_C},
                   {"boot_charge_C", charge->boot_charge_C},
                   {"worst_active_current_A", charge->current_A},
                   {"cycles_per_charge", charge->cycles}};
  }
  return j;
}

ResolvedBudget resolve_budget(const BudgetRequest& r) {
  ResolvedBudget out;
  if (!r.unit_budget_cycles.empty() && !r.capacitor.empty())
    throw InputError("--unit-budget-cycles and --capacitor exclude each other: give one");
  if (!r.unit_budget_cycles.empty()) {
    const double v = parse_quantity(r.unit_budget_cycles, "", "--unit-budget-cycles");
    if (!(v >= 1000 && v <= 65535000))
      throw InputError("--unit-budget-cycles: expected 1000..65535000 cycles, got " +
                       r.unit_budget_cycles);
    out.cycles = uint64_t(v);
    return out;
  }
  if (r.capacitor.empty())
    throw InputError("no unit budget: give --unit-budget-cycles or --capacitor");
  ChargeSupply s;
  s.capacitance_F = parse_quantity(r.capacitor, "F", "--capacitor");
  s.v_on_V = parse_quantity(r.v_on, "V", "--v-on");
  s.v_off_V = parse_quantity(r.v_off, "V", "--v-off");
  s.mclk_Hz = parse_quantity(r.mclk, "Hz", "--mclk");
  s.leakage_A = parse_quantity(r.leakage, "A", "--leakage");
  s.safety_factor = parse_quantity(r.safety, "", "--safety");
  try {
    out.charge = charge_budget(s);
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("--capacitor/--v-on/--v-off/--mclk/--leakage/--safety: ") +
                     e.what());
  }
  out.supply = s;
  out.cycles = out.charge->budget_cycles;
  return out;
}

}  // namespace freeml::ref

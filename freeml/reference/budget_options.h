// The unit budget as the FreeML tools' options give it (freeml-compile emit, freeml-ref
// validate/units/plan): either a number of cycles, or the worst supply the model must make
// progress on, from which charge_budget() computes the cycles.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "freeml/reference/charge_budget.h"

namespace freeml::ref {

// Option texts as typed (empty = not given). Quantities take units: "10uF", "2.4V", "8MHz".
struct BudgetRequest {
  std::string unit_budget_cycles;
  std::string capacitor;
  std::string v_on = "2.4V";
  std::string v_off = "1.8V";
  std::string mclk = "8MHz";
  std::string leakage = "0A";
  std::string safety = "0.8";
  bool given() const { return !unit_budget_cycles.empty() || !capacitor.empty(); }
};

struct ResolvedBudget {
  uint64_t cycles = 0;
  std::optional<ChargeSupply> supply;  // when derived from a capacitor
  std::optional<ChargeBudget> charge;
  // How the budget was obtained, for reports: the supply, the charge, the energy and the cycles.
  nlohmann::ordered_json to_json() const;
};

// Throws ehsim::InputError naming the option (--capacitor, --v-on, ...) and what was expected.
// --unit-budget-cycles and --capacitor exclude each other.
ResolvedBudget resolve_budget(const BudgetRequest& request);

}  // namespace freeml::ref

// What a debugger may see and do of the supply (`monitor energy`, `monitor charge`, voltage
// breaks). sim/run/platform.cpp fills it for `ehsim run`; `ehsim exec` runs on continuous power
// and leaves the functions empty.
#pragma once

#include <functional>
#include <string>

namespace ehsim {

struct SupplyControl {
  // Capacitor voltage, stored energy, energy harvested and consumed so far, time to power
  // failure at the present load: one "name value" line per figure (Platform::energy_report).
  std::function<std::string()> energy_report;
  std::function<double()> capacitor_V;          // empty without a supply
  std::function<void(double)> set_capacitor_V;  // empty without a supply
  bool has_supply() const { return bool(capacitor_V); }
};

}  // namespace ehsim

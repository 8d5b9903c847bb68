// What `ehsim check` reports (docs/check.md "Output"): check.json and the terminal summary.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "sim/check/check_driver.h"
#include "sim/run/firmware_symbols.h"

namespace ehsim {

struct CheckContext {
  std::string firmware;
  std::string strategy;        // e.g. "every instruction", "every 10th instruction"
  std::string reproduce_base;  // "ehsim exec FW [--mclk ...]": + --power-fail-at-cycle C
  std::vector<std::string> observed;
};

// Marks each hazard confirmed when a divergent injected run failed inside one of its windows.
void confirm_hazards(std::vector<Hazard>& hazards,
                     const std::map<uint64_t, DivergentStretch>& stretches);

// check.json: the reference outcome, the injections, every divergence up to plan.max_listed (by
// injection point; all are counted per function), the hazards, and the result.
nlohmann::ordered_json check_json(const CheckContext& context, CheckDriver& driver,
                                  const FirmwareSymbols& symbols, const mcu::FirmwareImage& image);

// A few lines for the terminal, from check_json's document.
void print_check_summary(const nlohmann::ordered_json& report, std::ostream& out);

// 0 when nothing diverged and no hazard was confirmed, else 1.
int check_exit_status(const nlohmann::ordered_json& report);

}  // namespace ehsim

// The "harvester" and "supply" scenario keys (documented in docs/scenario.md), plus the "load"
// and "run" keys that only `ehsim supply` uses. Every error is an InputError naming the JSON path.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "energy/harvester.h"
#include "energy/supply_core.h"
#include "energy/test_load.h"
#include "energy/trace.h"
#include "sim/units.h"

namespace ehsim {

struct HarvesterConfig {
  std::string trace_path;  // resolved
  std::string trace_format = "auto";
  energy::TraceOptions trace_options;
  nlohmann::json model;  // the "harvester" object, validated; built once the trace is read
  std::string json_path;
};

// Parses "/supply" (capacitor, thresholds, converter) into params; the charger comes from the
// harvester section.
energy::SupplyParams parse_supply_section(const nlohmann::json& supply, const std::string& path);

// Parses "/harvester". Relative trace files are looked up next to the scenario file, then in
// trace_dir (see resolve_trace_dir).
HarvesterConfig parse_harvester_section(const nlohmann::json& harvester, const std::string& path,
                                        const std::string& scenario_dir,
                                        const std::string& trace_dir, energy::SupplyParams& params);

// The directory searched for trace files: the scenario's "trace_dir" (relative to the
// scenario), else $EHSIM_TRACE_DIR, else ../shared/traces relative to the working directory.
std::string resolve_trace_dir(const nlohmann::json& doc, const std::string& scenario_dir);

// Reads the trace and builds the integrator. Trace errors come back as InputError.
std::shared_ptr<energy::SupplyCore> build_supply_core(const HarvesterConfig& h,
                                                      const energy::SupplyParams& params);

struct SupplyRunConfig {
  energy::TestLoadParams load;
  double duration_s = 0.0;         // 0: the trace's duration
  double voltage_period_s = 0.01;  // 0: no voltage series
  double lookahead_s = 60.0;
};

// Everything `ehsim supply` needs from one scenario document.
struct SupplyScenario {
  energy::SupplyParams params;
  HarvesterConfig harvester;
  SupplyRunConfig run;
};

SupplyScenario parse_supply_scenario(const nlohmann::json& doc, const std::string& scenario_dir);

// Applies "a.b.c=value" (value parsed as JSON when it is valid JSON, else taken as a string).
void apply_override(nlohmann::json& doc, const std::string& assignment);

}  // namespace ehsim

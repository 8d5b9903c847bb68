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
#include "sim/scenario/units.h"

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
// Thresholds outside the MSP430FR5994's supply range are errors unless allow_out_of_spec.
energy::SupplyParams parse_supply_section(const nlohmann::json& supply, const std::string& path,
                                          bool allow_out_of_spec = false);

// Parses "/harvester". Relative trace files are looked up next to the scenario file, then in
// trace_dir (see resolve_trace_dir).
HarvesterConfig parse_harvester_section(const nlohmann::json& harvester, const std::string& path,
                                        const std::string& scenario_dir,
                                        const std::string& trace_dir, energy::SupplyParams& params);

// The directory searched for trace files: the scenario's "trace_dir" (relative to the
// scenario), else $EHSIM_TRACE_DIR, else the build's default (CMake EHSIM_TRACE_DIR: the source
// tree's traces/recorded, an absolute path, so it works from any working directory).
std::string resolve_trace_dir(const nlohmann::json& doc, const std::string& scenario_dir);

// Reads the trace and builds the integrator. Trace errors come back as InputError.
std::shared_ptr<energy::SupplyCore> build_supply_core(const HarvesterConfig& h,
                                                      const energy::SupplyParams& params);

// Files written at a fixed period (voltage.csv, timeseries.csv) have at most this many rows
// unless the scenario raises it (max_output_rows): ten million rows is about 300 MB of CSV.
constexpr uint64_t kDefaultMaxOutputRows = 10000000;

struct SupplyRunConfig {
  energy::TestLoadParams load;
  double duration_s = 0.0;         // 0: the trace's duration
  double voltage_period_s = 0.01;  // 0: no voltage series
  double lookahead_s = 60.0;
  uint64_t max_output_rows = kDefaultMaxOutputRows;
};

// Everything `ehsim supply` needs from one scenario document.
struct SupplyScenario {
  energy::SupplyParams params;
  HarvesterConfig harvester;
  SupplyRunConfig run;
};

SupplyScenario parse_supply_scenario(const nlohmann::json& doc, const std::string& scenario_dir);

// "/run/duration" in `run` at `path`: 0 when absent (the trace's length), else positive and at
// most 1e8 s.
double parse_run_duration(const nlohmann::json& run, const std::string& path);
// "max_output_rows" in `section`, default kDefaultMaxOutputRows.
uint64_t parse_max_output_rows(const nlohmann::json& section, const std::string& path);
// Throws InputError at period_path unless duration_s / period_s rows fit within max_rows.
void check_output_rows(double duration_s, double period_s, uint64_t max_rows,
                       const std::string& period_path, const std::string& max_path);
// Throws InputError unless a looping trace repeats at most 1e7 times within the run (each
// repetition costs host time however short it is).
void check_trace_loops(const HarvesterConfig& h, const energy::SupplyCore& core, double duration_s);
// The simulated time of a run: `configured_s` (/run/duration), or the trace's length when it is
// 0. Throws InputError prefixed with `scenario_file` when there is none, when a looping trace
// would repeat too often (check_trace_loops), or when a file sampled every `period_s` would
// exceed `max_rows` (check_output_rows, naming period_path and max_path).
double checked_run_duration(const std::string& scenario_file, const HarvesterConfig& h,
                            const energy::SupplyCore& core, double configured_s, double period_s,
                            uint64_t max_rows, const std::string& period_path,
                            const std::string& max_path);
// "/device/allow_out_of_spec": lets thresholds leave the FR5994's supply range.
bool parse_allow_out_of_spec(const nlohmann::json& device, const std::string& path);

// Applies "a.b.c=value" (value parsed as JSON when it is valid JSON, else taken as a string).
void apply_override(nlohmann::json& doc, const std::string& assignment);

}  // namespace ehsim

// Two hand-written runs for the compare tests: summary.json and profile.json of a baseline A and
// a candidate B whose values are exact in binary floating point, so that every expected change
// below is computed by hand and compared exactly.
#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/test_support.h"

namespace comparetest {

using nlohmann::ordered_json;

inline ordered_json summary_a() {
  return ordered_json::parse(R"({
    "schema": "ehsim-summary", "schema_version": 1,
    "scenario": {"name": "fixture", "firmware": "a.elf", "seed": 1},
    "end": {"reason": "host_exit", "exit_code": 0, "fault": null},
    "time": {"simulated_s": 2.0, "first_boot_s": null},
    "mcu": {"instructions": 1000, "cycles": 4000, "wakeups": 0, "resets": 0, "drops": 0},
    "energy": {"mcu_consumed_J": 0.5, "books_residual_J": -0.5},
    "power": {"power_failure_pcs": [{"pc": 17000, "where": "main+0x4", "count": 3}]},
    "progress": {"markers": [{"id": 33, "name": "commit", "count": 10}]},
    "counts": [5, 6]
  })");
}

// Against A: instructions +100 (+10 %), cycles -1000 (-25 %), mcu_consumed_J +0.125 (+25 %),
// books_residual_J -0.5 -> -0.25 (+0.25, +50 % of |A|), wakeups 0 -> 4 (+inf), resets 0 -> 0,
// drops 0 -> -2 (-inf), first_boot_s null -> 0.25, a new power-failure PC, marker 33 10 -> 12,
// "counts" gone.
inline ordered_json summary_b() {
  return ordered_json::parse(R"({
    "schema": "ehsim-summary", "schema_version": 1,
    "scenario": {"name": "fixture", "firmware": "b.elf", "seed": 1},
    "end": {"reason": "host_exit", "exit_code": 0, "fault": null},
    "time": {"simulated_s": 2.0, "first_boot_s": 0.25},
    "mcu": {"instructions": 1100, "cycles": 3000, "wakeups": 4, "resets": 0, "drops": -2},
    "energy": {"mcu_consumed_J": 0.625, "books_residual_J": -0.25},
    "power": {"power_failure_pcs": [{"pc": 18000, "where": "f+0x2", "count": 1},
                                    {"pc": 17000, "where": "main+0x4", "count": 5}]},
    "progress": {"markers": [{"id": 33, "name": "commit", "count": 12}]}
  })");
}

inline ordered_json function(const char* name, int calls, int instructions, int cycles,
                             double energy_J, int misses, int reexecuted) {
  return {{"function", name},
          {"file", "src.c"},
          {"line", 12},
          {"calls", calls},
          {"instructions", instructions},
          {"cycles", cycles},
          {"energy_J", energy_J},
          {"fram_cache_misses", misses},
          {"reexecuted_cycles", reexecuted}};
}

// main 2000 -> 1500 cycles (-25 %), f 1000 -> 1250 (+25 %), old_fn only in A, new_fn only in B.
inline ordered_json profile_a() {
  return {{"schema", "ehsim-profile-1"},
          {"firmware", "a.elf"},
          {"totals", {{"instructions", 1000}, {"cycles", 4000}}},
          {"functions",
           {function("main", 1, 500, 2000, 0.25, 10, 0), function("f", 4, 300, 1000, 0.125, 2, 8),
            function("old_fn", 2, 100, 600, 0.0625, 0, 0)}}};
}

inline ordered_json profile_b() {
  ordered_json p = {
      {"schema", "ehsim-profile-1"},
      {"firmware", "b.elf"},
      {"totals", {{"instructions", 1100}, {"cycles", 3000}}},
      {"functions",
       {function("f", 5, 375, 1250, 0.15625, 2, 0), function("main", 1, 400, 1500, 0.375, 12, 0),
        function("new_fn", 1, 50, 250, 0.03125, 1, 0)}}};
  p["functions"][2]["file"] = nullptr;  // file and line may be null
  p["functions"][2].erase("line");      // or absent
  return p;
}

inline void write_json(const std::filesystem::path& path, const ordered_json& j) {
  std::ofstream(path) << j.dump(2) << "\n";
}

// DIR/a and DIR/b, with profile.json when `profiles`. Returns DIR.
inline std::string write_runs(const std::string& name, bool profiles) {
  const std::filesystem::path dir = ehsim_test::scratch_dir(name);
  std::filesystem::create_directories(dir / "a");
  std::filesystem::create_directories(dir / "b");
  write_json(dir / "a" / "summary.json", summary_a());
  write_json(dir / "b" / "summary.json", summary_b());
  if (profiles) {
    write_json(dir / "a" / "profile.json", profile_a());
    write_json(dir / "b" / "profile.json", profile_b());
  }
  return dir.string();
}

}  // namespace comparetest

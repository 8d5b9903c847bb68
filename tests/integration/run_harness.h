// Runs `ehsim run` on a scenario written by the test and reads back what it wrote.
#ifndef EHSIM_TESTS_RUN_HARNESS_H
#define EHSIM_TESTS_RUN_HARNESS_H

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/test_support.h"

namespace runtest {

struct RunOutput {
  std::string dir;
  int status = -1;
  std::string console;  // stdout + stderr
  nlohmann::json summary;
  std::vector<nlohmann::json> events;
};

// A fresh directory under the build tree for one test (removed first if present).
std::string scratch_dir(const std::string& name);

// Writes `scenario` to DIR/scenario-in.json and runs `ehsim run` on it with `extra` arguments,
// output to DIR/out. Parses summary.json and events.jsonl when the run wrote them.
RunOutput run_scenario(const std::string& dir, const nlohmann::json& scenario,
                       const std::string& extra = "");
// Runs an existing scenario file.
RunOutput run_scenario_file(const std::string& file, const std::string& out_dir,
                            const std::string& extra = "");

std::string read_file(const std::string& path);

// A scenario on the project's square trace (traces/square-2mW-1Hz.csv: 2 mW for 0.5 s, nothing
// for 0.5 s) into 47 uF, v_on 2.4 V, v_off 1.8 V, at 8 MHz, for 3 s, with the test firmware
// `firmware` (a name in the build's firmware directory) and a 0.1 ms time series.
nlohmann::json square_scenario(const std::string& firmware);

// Markers with the given id, in order.
std::vector<nlohmann::json> markers(const RunOutput& r, int id);
std::vector<nlohmann::json> events_of(const RunOutput& r, const std::string& kind);

// timeseries.csv as columns by header name.
struct Series {
  std::vector<std::string> header;
  std::vector<std::vector<double>> rows;
  size_t column(const std::string& name) const;
  // Linear interpolation of column `name` at time t (first column).
  double at(const std::string& name, double t) const;
};
Series read_timeseries(const std::string& dir);

bool recorded_traces_available();

// First statement of a test case that needs traces/recorded: without them the test fails (a
// missing dependency must not pass). Needs catch.hpp and tests/test_support.h at the point of use.
#define RUNTEST_REQUIRE_RECORDED_TRACES()                             \
  EHSIM_REQUIRE_DEPENDENCY(runtest::recorded_traces_available(),      \
                           "the recorded traces at " EHSIM_TRACE_DIR, \
                           "the repository's traces/recorded (or -DEHSIM_TRACE_DIR=)")

}  // namespace runtest

#endif

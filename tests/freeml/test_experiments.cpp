// Short versions of the FreeML experiments (scenarios/experiments/, issue 7): qualitative facts
// that must hold on the recorded rf-mobile trace. Skipped, visibly, without ../shared/traces.
#include <catch2/catch.hpp>
#include <string>

#include "run_harness.h"

namespace {

runtest::RunOutput run_point(const std::string& name, const std::string& sets) {
  const std::string scenario =
      std::string(EHSIM_SOURCE_DIR) + "/scenarios/experiments/capacitor-sweep.json";
  return runtest::run_scenario_file(
      scenario, runtest::scratch_dir("exp-" + name) + "/out",
      std::string("--set trace_dir=") + EHSIM_TRACE_DIR +
          " --set run.duration=60s --set outputs.timeseries_period=0 " + sets);
}

}  // namespace

TEST_CASE("experiment 1 (short): checkpointing beats restarting, early exit beats both",
          "[freeml][experiment][recorded]") {
  if (!runtest::recorded_traces_available()) {
    WARN("SKIPPED: recorded traces not found at " EHSIM_TRACE_DIR " (set EHSIM_TRACE_DIR)");
    return;
  }
  const auto energy = run_point("energy", "--set inference.policy=energy");
  const auto none = run_point("none", "--set inference.policy=none");
  const auto restart = run_point(
      "restart", "--set inference.policy=none --set firmware=freeml_infer_continuous.elf");
  for (const auto* r : {&energy, &none, &restart}) {
    INFO(r->console);
    REQUIRE(r->status == 0);
    REQUIRE(r->summary["power"]["power_failures"].get<int>() > 0);
  }
  const auto done = [](const runtest::RunOutput& r) {
    return r.summary["inference"]["completed"].get<int>();
  };
  INFO("completed: energy " << done(energy) << ", none " << done(none) << ", restart "
                            << done(restart));
  CHECK(done(none) > done(restart));  // progress kept in FRAM survives the power failures
  CHECK(done(energy) > done(none));   // stopping early finishes more samples
  // Without an early exit every answer is the final layer's: at least as accurate.
  CHECK(none.summary["inference"]["accuracy"].get<double>() >=
        energy.summary["inference"]["accuracy"].get<double>());
  CHECK(energy.summary["inference"]["exits"].size() >= 2);
}

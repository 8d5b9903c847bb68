// The intermittent checksum demo under every recorded trace (scenarios/checksum-*.json): the
// checkpointing app reports the same CRC as on continuous power (host re-computation:
// test_checksum_apps.cpp) after many power failures; the restarting app never finishes where the
// power cycles are shorter than its run time. Skipped, visibly, without the recorded traces.
#include <catch2/catch.hpp>
#include <string>

#include "run_harness.h"

namespace {

constexpr int kMarkDoneLo = 0x13, kMarkDoneHi = 0x14;
constexpr uint32_t kContinuousPowerCrc = 0x283c0ca3;  // checksum_common.h over 4 passes

std::string scenario(const std::string& name) {
  return std::string(EHSIM_SOURCE_DIR) + "/scenarios/" + name + ".json";
}

std::string trace_dir_arg() {
  return std::string("--set trace_dir=") + EHSIM_TRACE_DIR;
}

}  // namespace

TEST_CASE("checkpointing checksum finishes with the continuous-power CRC on every recorded trace",
          "[run][recorded]") {
  RUNTEST_REQUIRE_RECORDED_TRACES();
  for (const char* name : {"checksum-rf-cart", "checksum-rf-mobile", "checksum-rf-obstruction",
                           "checksum-solar-nrel", "checksum-enhants-indoor-outdoor",
                           "checksum-enhants-nyt-nighttime", "checksum-enhants-car"}) {
    const std::string out = runtest::scratch_dir(std::string("ckpt-") + name);
    const runtest::RunOutput r = runtest::run_scenario_file(scenario(name), out, trace_dir_arg());
    INFO(name << "\n" << r.console);
    REQUIRE(r.status == 0);
    CHECK(r.summary["end"]["reason"] == "host_exit");
    CHECK(r.summary["power"]["power_failures"].get<int>() > 0);
    const auto lo = runtest::markers(r, kMarkDoneLo);
    const auto hi = runtest::markers(r, kMarkDoneHi);
    REQUIRE(lo.size() == 1);
    REQUIRE(hi.size() == 1);
    CHECK(((hi[0]["arg"].get<uint32_t>() << 16) | lo[0]["arg"].get<uint32_t>()) ==
          kContinuousPowerCrc);
    CHECK(r.summary["progress"]["work_units_done"] == 1);
    CHECK(r.summary["diagnostics"]["run_ahead_bound_overruns"] == 0);
  }
}

TEST_CASE("the restarting checksum never finishes under short RF power cycles", "[run][recorded]") {
  RUNTEST_REQUIRE_RECORDED_TRACES();
  const std::string out = runtest::scratch_dir("restart-rf-obstruction");
  const runtest::RunOutput r =
      runtest::run_scenario_file(scenario("checksum-rf-obstruction"), out,
                                 trace_dir_arg() + " --set firmware=checksum_restart.elf");
  INFO(r.console);
  REQUIRE(r.status == 0);
  CHECK(r.summary["end"]["reason"] == "end_time");
  CHECK(r.summary["power"]["power_failures"].get<int>() > 100);
  CHECK(runtest::markers(r, kMarkDoneLo).empty());
  CHECK(r.summary["progress"]["work_units_done"] == 0);
  // Without commits every power failure throws away all the work since boot.
  CHECK(r.summary["progress"]["cycles_lost_to_reexecution"].get<double>() >
        0.9 * r.summary["mcu"]["cycles"].get<double>());
}

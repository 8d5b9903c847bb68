// Runs the points of a sweep plan as `ehsim run` child processes, N at a time, with a per-point
// timeout, resumable (a point is complete when DIR/points/<name>/result.json says "ok" and its
// summary.json parses), then collects the results (sweep_collect.h).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "sim/sweep/sweep_spec.h"

namespace ehsim {

struct SweepRunOptions {
  std::string executable;  // the ehsim binary the points run (absolute)
  int jobs = 1;
  double timeout_s = 0;  // 0: none
  bool progress_bar = false;
  bool retry_failed = true;  // re-run points whose result says failed
};

// Runs one point now (used by `--point I`, e.g. from a Slurm array task). Returns 0 ok, 1 failed.
int run_one_point(const SweepPlan& plan, const std::string& sweep_dir, const SweepPoint& point,
                  const SweepRunOptions& options);

// Runs every incomplete point, then writes the results. Returns 0 when every point is ok, 1 when
// some failed, 130 when interrupted (SIGINT/SIGTERM; finished points stay complete).
int run_sweep(const SweepPlan& plan, const std::string& sweep_dir, const SweepRunOptions& options);

}  // namespace ehsim

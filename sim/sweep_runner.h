// Runs the points of a sweep plan as `ehsim run` child processes, N at a time, with a per-point
// timeout, resumable (a point is complete when DIR/points/<name>/result.json says "ok" and its
// summary.json parses), and collects DIR/sweep.csv, sweep.json and report.html.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "sim/sweep_spec.h"

namespace ehsim {

struct SweepRunOptions {
  std::string executable;  // the ehsim binary the points run (absolute)
  int jobs = 1;
  double timeout_s = 0;  // 0: none
  bool progress_bar = false;
  bool retry_failed = true;  // re-run points whose result says failed
};

// Directory of a point, inside the sweep directory.
std::string point_dir(const std::string& sweep_dir, const SweepPoint& point);

// True when the point finished successfully earlier (its result marker says ok for the same
// parameters, and summary.json is readable).
bool point_complete(const std::string& sweep_dir, const SweepPoint& point);

// Runs one point now (used by `--point I`, e.g. from a Slurm array task). Returns 0 ok, 1 failed.
int run_one_point(const SweepPlan& plan, const std::string& sweep_dir, const SweepPoint& point,
                  const SweepRunOptions& options);

// Runs every incomplete point, then writes the results. Returns 0 when every point is ok, 1 when
// some failed, 130 when interrupted (SIGINT/SIGTERM; finished points stay complete).
int run_sweep(const SweepPlan& plan, const std::string& sweep_dir, const SweepRunOptions& options);

// Writes DIR/sweep.csv, DIR/sweep.json and DIR/report.html from the point directories (also
// `ehsim sweep --collect DIR`). Points without a result are rows with status "missing".
// Returns the number of points that are not ok.
size_t collect_sweep(const SweepPlan& plan, const std::string& sweep_dir);

// The plan of a sweep directory: DIR/plan.json, or rebuilt from DIR/points/*/point.json.
SweepPlan read_sweep_plan(const std::string& sweep_dir);

}  // namespace ehsim

// Collects the results of a sweep's points into DIR/sweep.csv, DIR/sweep.json and report.html
// (after a run, and for `ehsim sweep --collect DIR`), and reads a sweep directory's plan.
#pragma once

#include <cstddef>
#include <string>

#include "sim/sweep/sweep_spec.h"

namespace ehsim {

// Writes DIR/sweep.csv, DIR/sweep.json and DIR/report.html from the point directories (also
// `ehsim sweep --collect DIR`). Points without a result are rows with status "missing".
// Returns the number of points that are not ok.
size_t collect_sweep(const SweepPlan& plan, const std::string& sweep_dir);

// The plan of a sweep directory: DIR/plan.json, or rebuilt from DIR/points/*/point.json.
SweepPlan read_sweep_plan(const std::string& sweep_dir);

}  // namespace ehsim

// report.html of a sweep, from DIR/sweep.json: each numeric metric against each swept parameter
// (log axis for capacitance and other wide positive ranges, categories for non-numeric values),
// one line per combination of the other parameters' values, the table of points and, when the
// points are FreeML runs, their exit distribution (from each point's summary.json).
#pragma once

#include <string>

namespace ehsim {

// Writes SWEEP_DIR/report.html. Never throws (a warning on stderr instead); true when written.
bool write_sweep_report(const std::string& sweep_dir);

// The report text (throws InputError naming the file when sweep.json is unreadable).
std::string sweep_report_html(const std::string& sweep_dir);

}  // namespace ehsim

// report.html of one `ehsim run`, built from the files the run wrote (summary.json, scenario.json,
// timeseries.csv, events.jsonl): supply voltage with powered intervals and the v_on/v_off
// thresholds, harvested power, progress markers, the energy books, and (when summary.json has an
// "inference" object) the exits histogram and accuracy per exit. Self-contained HTML + SVG.
#pragma once

#include <string>

namespace ehsim {

// Writes OUT_DIR/report.html. Never throws: a report that cannot be made is a warning on stderr
// (the run's results stand). Returns true when written.
bool write_run_report(const std::string& out_dir);

// The report text (throws InputError naming the file when summary.json is unreadable).
std::string run_report_html(const std::string& out_dir);

}  // namespace ehsim

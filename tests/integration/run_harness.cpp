#include "run_harness.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "firmware_harness.h"
#include "tests/test_support.h"

namespace runtest {

namespace fs = std::filesystem;

std::string scratch_dir(const std::string& name) {
  return ehsim_test::scratch_dir(name);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "";
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

RunOutput run_scenario_file(const std::string& file, const std::string& out_dir,
                            const std::string& extra) {
  RunOutput r;
  r.dir = out_dir;
  const std::string cmd = fwtest::shell_quote(EHSIM_EXECUTABLE) + " run " +
                          fwtest::shell_quote(file) + " --out " + fwtest::shell_quote(out_dir) +
                          " --no-progress " + extra;
  const fwtest::CommandResult c = fwtest::run_command(cmd);
  r.status = c.status;
  r.console = cmd + "\n" + c.output;
  const std::string summary = read_file(out_dir + "/summary.json");
  if (!summary.empty()) r.summary = nlohmann::json::parse(summary);
  std::ifstream events(out_dir + "/events.jsonl");
  for (std::string line; std::getline(events, line);) {
    r.events.push_back(nlohmann::json::parse(line));
  }
  return r;
}

nlohmann::json square_scenario(const std::string& firmware) {
  return {
      {"name", firmware},
      {"firmware", fwtest::firmware_path(firmware)},
      {"device", {{"mclk", "8MHz"}}},
      {"harvester",
       {{"type", "direct"},
        {"trace", {{"file", std::string(EHSIM_SOURCE_DIR) + "/traces/square-2mW-1Hz.csv"}}}}},
      {"supply",
       {{"capacitance", "47uF"}, {"v_on", "2.4V"}, {"v_off", "1.8V"}, {"rated_voltage", "3.6V"}}},
      {"run", {{"duration", "3s"}}},
      {"outputs", {{"timeseries_period", "0.1ms"}}}};
}

RunOutput run_scenario(const std::string& dir, const nlohmann::json& scenario,
                       const std::string& extra) {
  const std::string file = dir + "/scenario-in.json";
  std::ofstream(file) << scenario.dump(2);
  // Output in a fresh subdirectory so a failed run never shows an earlier run's files.
  fs::remove_all(dir + "/out");
  return run_scenario_file(file, dir + "/out", extra);
}

std::vector<nlohmann::json> markers(const RunOutput& r, int id) {
  std::vector<nlohmann::json> out;
  for (const auto& e : r.events) {
    if (e["event"] == "marker" && e["id"] == id) out.push_back(e);
  }
  return out;
}

std::vector<nlohmann::json> events_of(const RunOutput& r, const std::string& kind) {
  std::vector<nlohmann::json> out;
  for (const auto& e : r.events) {
    if (e["event"] == kind) out.push_back(e);
  }
  return out;
}

size_t Series::column(const std::string& name) const {
  const auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end()) throw std::runtime_error("timeseries.csv: no column " + name);
  return size_t(it - header.begin());
}

double Series::at(const std::string& name, double t) const {
  const size_t c = column(name);
  const auto it =
      std::lower_bound(rows.begin(), rows.end(), t,
                       [](const std::vector<double>& row, double x) { return row[0] < x; });
  if (it == rows.begin()) return (*it)[c];
  if (it == rows.end()) return rows.back()[c];
  const auto& b = *it;
  const auto& a = *(it - 1);
  const double f = (t - a[0]) / (b[0] - a[0]);
  return a[c] + f * (b[c] - a[c]);
}

Series read_timeseries(const std::string& dir) {
  Series s;
  std::ifstream in(dir + "/timeseries.csv");
  std::string line;
  if (!std::getline(in, line)) throw std::runtime_error(dir + "/timeseries.csv: empty");
  std::stringstream h(line);
  for (std::string cell; std::getline(h, cell, ',');) s.header.push_back(cell);
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::stringstream ls(line);
    for (std::string cell; std::getline(ls, cell, ',');) row.push_back(std::stod(cell));
    s.rows.push_back(row);
  }
  return s;
}

bool recorded_traces_available() {
  return fs::exists(fs::path(EHSIM_TRACE_DIR) / "rf-cart.trace");
}

}  // namespace runtest

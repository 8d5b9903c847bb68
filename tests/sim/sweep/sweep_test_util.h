// Helpers of the sweep tests: scratch directories, shell commands, a small scenario on the
// project's square-wave trace, and headless Chromium.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/test_support.h"

namespace sweeptest {

namespace fs = std::filesystem;

inline std::string q(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Result {
  int status = -1;
  std::string output;  // stdout + stderr
};

inline Result sh(const std::string& command) {
  Result r;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  for (size_t n; (n = fread(buf.data(), 1, buf.size(), p)) > 0;) r.output.append(buf.data(), n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return r;
}

inline std::string ehsim_bin() {
  return q(EHSIM_EXECUTABLE);
}

inline std::string scratch(const std::string& name) {
  return ehsim_test::scratch_dir(name);
}

inline std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream s(text);
  for (std::string l; std::getline(s, l);) out.push_back(l);
  return out;
}

inline std::string square_trace() {
  return std::string(EHSIM_SOURCE_DIR) + "/traces/square-2mW-1Hz.csv";
}

// The checkpointing CRC demo on the square trace: 2 mW for 0.5 s, nothing for 0.5 s.
inline nlohmann::json square_scenario(const std::string& duration = "2s") {
  return {
      {"name", "sweep test: checksum on the square trace"},
      {"firmware", std::string(EHSIM_FIRMWARE_DIR) + "/checksum_ckpt.elf"},
      {"device", {{"mclk", "8MHz"}}},
      {"harvester", {{"type", "direct"}, {"trace", {{"file", square_trace()}, {"loop", true}}}}},
      {"supply",
       {{"capacitance", "47uF"}, {"v_on", "2.4V"}, {"v_off", "1.8V"}, {"rated_voltage", "3.6V"}}},
      {"progress", {{"commit_marker", "0x11"}, {"done_marker", "0x13"}}},
      {"run", {{"duration", duration}}},
      {"outputs", {{"timeseries_period", "1ms"}}}};
}

inline std::string write_scenario(const std::string& dir, const nlohmann::json& sc) {
  const std::string file = dir + "/scenario.json";
  std::ofstream(file) << sc.dump(2);
  return file;
}

inline bool chromium_available() {
  return sh("command -v chromium").status == 0;
}

inline std::string chromium(const std::string& args) {
  const Result r =
      sh("d=$(mktemp -d) && chromium --headless --no-sandbox --disable-gpu "
         "--disable-quic --no-first-run --disable-background-networking "
         "--disable-component-update --disable-sync --user-data-dir=\"$d\" " +
         args + " 2>/dev/null; s=$?; rm -rf \"$d\"; exit $s");
  return r.output;
}

inline std::string dump_dom(const std::string& html_file) {
  return chromium("--dump-dom " + q("file://" + html_file));
}

inline void screenshot(const std::string& html_file, const std::string& png) {
  chromium("--screenshot=" + q(png) + " --window-size=1100,2200 " + q("file://" + html_file));
}

}  // namespace sweeptest

// README "Your own firmware", followed literally (issue 18): the shell commands between the
// README's `your-own-firmware:begin`/`end` markers run as written, in a fresh temporary
// directory, with EHSIM set to this checkout and the built ehsim first on PATH, as the README
// asks. They copy examples/checkpoint-counter, build it with the SDK (cmake/ehsim-config.cmake)
// and run its scenario, so the test fails if the README's commands, the SDK or the example stop
// working. The result is checked against values computed here: the example's documented work
// (10000 steps of 32 xorshift32 rounds from seed 0x2545F491, counter.c's header) done on the host.
// About 10 s (a CMake configure and an MSP430 build); runs in the default suite.
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "firmware_harness.h"
#include "tests/test_support.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using ehsim_test::read_text;

// The ```sh block between the markers, exactly as the README shows it.
std::string readme_commands() {
  const std::string readme = read_text(fs::path(EHSIM_SOURCE_DIR) / "README.md");
  const std::string begin = "<!-- your-own-firmware:begin -->",
                    end = "<!-- your-own-firmware:end -->";
  const size_t b = readme.find(begin), e = readme.find(end);
  REQUIRE(b != std::string::npos);
  REQUIRE(e != std::string::npos);
  REQUIRE(b < e);
  const std::string section = readme.substr(b + begin.size(), e - b - begin.size());
  const size_t open = section.find("```sh\n"), close = section.rfind("```");
  REQUIRE(open != std::string::npos);
  REQUIRE(close > open);
  return section.substr(open + 6, close - open - 6);
}

uint32_t xorshift32(uint32_t x) {
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return x;
}

}  // namespace

TEST_CASE("README 'Your own firmware': the commands build and run the example",
          "[integration][sdk]") {
  const std::string commands = readme_commands();
  INFO("README commands:\n" << commands);
  CHECK(commands.find("ehsim run") != std::string::npos);

  std::string templ = (fs::temp_directory_path() / "ehsim-own-fw-XXXXXX").string();
  REQUIRE(mkdtemp(templ.data()) != nullptr);
  const fs::path tmp = templ;
  std::ofstream(tmp / "commands.sh") << commands;
  const std::string exe_dir = fs::path(EHSIM_EXECUTABLE).parent_path().string();
  const fwtest::CommandResult r = fwtest::run_command(
      "cd " + fwtest::shell_quote(tmp.string()) +
      " && env -u EHSIM_TRACE_DIR -u EHSIM_FIRMWARE_DIR EHSIM=" +
      fwtest::shell_quote(EHSIM_SOURCE_DIR) + " PATH=" + fwtest::shell_quote(exe_dir) +
      ":\"$PATH\" bash -euo pipefail commands.sh");
  INFO(r.output);
  REQUIRE(r.status == 0);

  // The README's commands work in my-firmware/ and write the run to my-firmware/out.
  const fs::path project = tmp / "my-firmware";
  CHECK(fs::is_regular_file(project / "build/firmware/checkpoint_counter.elf"));
  const json s = json::parse(read_text(project / "out/summary.json"));
  CHECK(s["end"]["reason"] == "host_exit");
  CHECK(s["end"]["exit_code"] == 0);
  CHECK(s["scenario"]["firmware"] == "checkpoint_counter.elf");
  const int failures = s["power"]["power_failures"].get<int>();
  CHECK(failures > 10);
  CHECK(s["power"]["boots"].get<int>() == failures + 1);

  // Independent truth: the example's work done here.
  const uint16_t kSteps = 10000, kRounds = 32;
  uint32_t expected = 0x2545F491u;
  for (unsigned i = 0; i < unsigned(kSteps) * kRounds; ++i) expected = xorshift32(expected);

  std::vector<json> events;
  std::istringstream lines(read_text(project / "out/events.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) events.push_back(json::parse(line));
  }
  int lo = -1, hi = -1, boots_marked = 0, max_commit = 0, last_boot_arg = -1;
  std::string host_log;
  for (const json& e : events) {
    if (e["event"] == "marker") {
      const int id = e["id"], arg = e["arg"];
      if (id == 0x20) ++boots_marked, last_boot_arg = arg;
      if (id == 0x21) max_commit = std::max(max_commit, arg);
      if (id == 0x22) lo = arg;
      if (id == 0x23) hi = arg;
    } else if (e["event"] == "host_log") {
      host_log += e["text"].get<std::string>() + "\n";
    }
  }
  CHECK(max_commit == kSteps);
  REQUIRE(lo >= 0);
  REQUIRE(hi >= 0);
  CHECK((uint32_t(hi) << 16 | uint32_t(lo)) == expected);
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", expected);
  CHECK(host_log.find(std::string("checkpoint-counter: ") + hex) != std::string::npos);
  // Every boot resumed from FRAM: one MARK_BOOT per boot, and the last one resumed mid-way.
  CHECK(boots_marked >= failures);
  CHECK(last_boot_arg > 0);

  std::error_code ec;
  fs::remove_all(tmp, ec);
}

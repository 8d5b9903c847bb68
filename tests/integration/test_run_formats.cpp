// `ehsim run` with a firmware image in Intel HEX and TI-TXT (issue 13): the power-loss test
// firmware converted from its ELF by llvm-objcopy and srec_cat (independent of ehsim's readers)
// must give the same events and summary as the ELF.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "run_harness.h"
#include "tests/test_support.h"

using json = nlohmann::json;

namespace {

// `j` with every "where" member removed, at any depth.
json without_where(json j) {
  if (j.is_object()) j.erase("where");
  if (j.is_structured()) {
    for (auto& value : j) value = without_where(value);
  }
  return j;
}

}  // namespace

TEST_CASE("run: Intel HEX and TI-TXT firmware behave like the ELF they came from",
          "[run][formats]") {
  namespace fs = std::filesystem;
  EHSIM_REQUIRE_DEPENDENCY(fs::exists(EHSIM_LLVM_OBJCOPY), "llvm-objcopy",
                           "the Debian package llvm");
  EHSIM_REQUIRE_DEPENDENCY(fs::exists(EHSIM_SREC_CAT), "srec_cat", "the Debian package srecord");
  const std::string dir = runtest::scratch_dir("run_formats");
  const std::string elf = std::string(EHSIM_FIRMWARE_DIR) + "/power_patterns.elf";
  const std::string hex = dir + "/power_patterns.hex", txt = dir + "/power_patterns.txt";
  REQUIRE(std::system((std::string(EHSIM_LLVM_OBJCOPY) + " -O ihex " + elf + " " + hex).c_str()) ==
          0);
  REQUIRE(std::system((std::string(EHSIM_SREC_CAT) + " " + hex + " -intel -o " + txt + " -ti-txt")
                          .c_str()) == 0);
  const runtest::RunOutput from_elf = runtest::run_scenario(
      runtest::scratch_dir("elf"), runtest::square_scenario("power_patterns"));
  INFO(from_elf.console);
  REQUIRE(from_elf.status == 0);
  REQUIRE(from_elf.summary["power"]["power_failures"] == 1);  // the run crosses a power loss
  for (const std::string& image : {hex, txt}) {
    json sc = runtest::square_scenario("power_patterns");
    sc["firmware"] = image;
    const runtest::RunOutput r = runtest::run_scenario(
        runtest::scratch_dir(fs::path(image).extension().string().substr(1)), sc);
    INFO(image << "\n" << r.console);
    REQUIRE(r.status == 0);
    // HEX and TI-TXT carry no symbols, so a PC's "where" is a bare address there and
    // function+offset from the ELF: everything else must be the same.
    REQUIRE(r.events.size() == from_elf.events.size());
    for (size_t i = 0; i < r.events.size(); ++i) {
      CHECK(without_where(r.events[i]) == without_where(from_elf.events[i]));
    }
    for (const char* part : {"end", "power", "mcu", "energy", "progress"}) {
      CHECK(without_where(r.summary[part]) == without_where(from_elf.summary[part]));
    }
  }
}

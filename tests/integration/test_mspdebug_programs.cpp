// Differential tests: every program in tests/firmware/ runs under mspdebug's simulator (an
// independent MSP430 implementation) and under `ehsim exec`; both must stop at `done` with the
// same R0..R15 and the same bytes of initialised RAM. Where a host re-computation exists
// (host_truth.cpp) both are also checked against it.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "firmware_harness.h"
#include "host_truth.h"
#include "tests/test_support.h"

using namespace fwtest;

namespace {

// Programs run against mspdebug (built with -mhwmult=none, see tests/firmware/CMakeLists.txt).
const std::vector<std::string> kDiffPrograms = {
    "bcd",    "bytes", "crc16",     "crc32",  "div32", "div64",      "funcptr",
    "matmul", "mul",   "recursion", "shifts", "sort",  "structcopy", "switch"};

// The memory both simulators must agree on: .data and .bss, which crt0 initialises, so every
// byte is defined (mspdebug fills untouched RAM with 0xff, ehsim with its own pattern).
struct Range {
  uint16_t address;
  uint16_t length;
};
Range initialised_ram(const std::string& elf) {
  uint16_t start = elf_symbol(elf, "__data_start").address;
  uint16_t end = elf_symbol(elf, "__bss_end").address;
  return {start, uint16_t(end - start)};
}

SymbolOffset offsets_in(const std::string& elf, const Range& range) {
  return [elf, range](const std::string& sym) {
    Symbol s = elf_symbol(elf, sym);
    REQUIRE(s.address >= range.address);
    REQUIRE(s.address + s.size <= range.address + range.length);
    return size_t(s.address - range.address);
  };
}

void require_mspdebug() {
  EHSIM_REQUIRE_DEPENDENCY(mspdebug_available(), "mspdebug",
                           "the Debian package mspdebug (scripts/install-deps)");
}

}  // namespace

TEST_CASE("every differential program has a host truth or is listed as differential-only",
          "[firmware]") {
  // Guards the program list against silently dropping a host check.
  const std::vector<std::string> differential_only = {"bytes", "structcopy"};
  for (const auto& p : kDiffPrograms) {
    bool has_truth = host_checks().count(p) != 0;
    bool listed =
        std::find(differential_only.begin(), differential_only.end(), p) != differential_only.end();
    CAPTURE(p);
    CHECK(has_truth != listed);
  }
  CHECK(kDiffPrograms.size() >= 12);
}

TEST_CASE("mspdebug sim runs each test program to done with host-verified results",
          "[firmware][mspdebug]") {
  require_mspdebug();
  for (const auto& prog : kDiffPrograms) {
    DYNAMIC_SECTION(prog) {
      const std::string elf = firmware_path(prog);
      const Range range = initialised_ram(elf);
      StopState ref = run_mspdebug(elf, "done", range.address, range.length);
      CHECK(ref.regs[0] == elf_symbol(elf, "done").address);
      auto check = host_checks().find(prog);
      if (check != host_checks().end()) check->second(ref.memory, offsets_in(elf, range));
    }
  }
}

TEST_CASE("ehsim exec matches mspdebug sim registers and RAM at done", "[firmware][mspdebug]") {
  require_mspdebug();
  for (const auto& prog : kDiffPrograms) {
    DYNAMIC_SECTION(prog) {
      const std::string elf = firmware_path(prog);
      const Range range = initialised_ram(elf);
      StopState ref = run_mspdebug(elf, "done", range.address, range.length);
      EhsimResult got = run_ehsim(elf, "done", range.address, range.length);
      for (int r = 0; r < 16; ++r) {
        CAPTURE(prog, r);
        CHECK(got.state.regs[r] == ref.regs[r]);
      }
      REQUIRE(got.state.memory.size() == ref.memory.size());
      for (size_t i = 0; i < ref.memory.size(); ++i) {
        if (got.state.memory[i] != ref.memory[i]) {
          CAPTURE(prog, range.address + i, int(got.state.memory[i]), int(ref.memory[i]));
          FAIL_CHECK("RAM differs from mspdebug");
        }
      }
      auto check = host_checks().find(prog);
      if (check != host_checks().end()) check->second(got.state.memory, offsets_in(elf, range));
    }
  }
}

TEST_CASE("MPY32 multiply helpers (_f5hw) agree with shift-and-add and host products",
          "[firmware]") {
  // mspdebug has no MPY32, so this program is checked through ehsim alone: the firmware compares
  // the hardware-helper products with its own multiplier-free reference (exit code = mismatches)
  // and the host recomputes every product.
  const std::string elf = firmware_path("mpy32_helpers");
  const Range range = initialised_ram(elf);
  EhsimResult got = run_ehsim_to_exit(elf, range.address, range.length);
  REQUIRE(got.exit_code.has_value());
  CHECK(*got.exit_code == 0);
  host_checks().at("mpy32_helpers")(got.state.memory, offsets_in(elf, range));
}

TEST_CASE("hello app prints one line through host_io and the UART and exits 0", "[firmware]") {
  const std::string elf = firmware_path("hello");
  EhsimResult got = run_ehsim_to_exit(elf, 0x1C00, 2);
  REQUIRE(got.exit_code.has_value());
  CHECK(*got.exit_code == 0);
  CHECK(got.host_log == "hello from ehsim\n");
  CHECK(got.uart == "hello from ehsim\n");
}

// The 1 MB bus of the MSP430X CPU: FRAM2 (0x10000-0x43FFF, facts §2.1) has the lower FRAM's wait
// states and read cache (one FRAM controller, SLAU367P FRCTL_A; facts §2.3), the space above it
// is vacant, the host loader reaches all of it, and cache lines above 64 KB do not alias lines
// below it.
#include <catch2/catch.hpp>
#include <string>

#include "mcu_model/mem/bus.h"
#include "mcu_model/mem/memory_map.h"

using namespace ehsim::mcu;

namespace {
struct Fixture {
  McuContext ctx;
  Bus bus{MemoryMap::msp430fr5994(), ctx};
};
}  // namespace

TEST_CASE("FRAM2 above 64 KB: wait states on misses, cache hits free, writes cost NWAITS",
          "[mem][fram][msp430x]") {
  Fixture f;
  f.bus.set_fram_wait_states(2);
  f.bus.write_word(0x23456, 0xBEEF);  // FRAM write: NWAITS
  CHECK(f.ctx.cycles == 2);
  CHECK(f.bus.read_word(0x23456) == 0xBEEF);  // miss: +2
  CHECK(f.ctx.cycles == 4);
  CHECK(f.bus.read_byte(0x23451) == 0x00);  // same 8-byte line (0x23450-0x23457): hit
  CHECK(f.bus.fetch_word(0x23454) == 0x0000);
  CHECK(f.ctx.cycles == 4);
  CHECK(f.bus.read_word(0x43FFE) == 0x0000);  // last FRAM2 word: miss
  CHECK(f.ctx.cycles == 6);
  CHECK(f.ctx.fault.kind == FaultKind::kNone);
  CHECK(f.bus.stats().fram_reads == 4);
  CHECK(f.bus.stats().fram_cache_hits == 2);
  CHECK(f.bus.stats().fram_writes == 1);
}

TEST_CASE("Cache lines above 64 KB do not alias the lower 64 KB", "[mem][fram][msp430x]") {
  Fixture f;
  f.bus.set_fram_wait_states(1);
  f.bus.read_word(0x04400);  // miss
  f.bus.read_word(0x14400);  // the same 16-bit line number, another line: miss
  f.bus.read_word(0x04400);  // still cached (2 ways): hit
  CHECK(f.ctx.cycles == 2);
  CHECK(f.bus.stats().fram_cache_hits == 1);
}

TEST_CASE("Above FRAM2 is vacant, and the loader reaches FRAM2 and names the first bad address",
          "[mem][msp430x]") {
  Fixture f;
  CHECK(f.bus.read_word(0x44000) == 0x3FFF);
  CHECK(f.ctx.fault.kind == FaultKind::kVacantRead);
  CHECK(f.ctx.fault.address == 0x44000);
  std::string error;
  const uint8_t data[4] = {1, 2, 3, 4};
  CHECK(f.bus.load(0x10000, data, 4, &error));
  CHECK(f.bus.peek_word(0x10002) == 0x0403);
  CHECK(f.bus.load(0x43FFC, data, 4, &error));
  CHECK_FALSE(f.bus.load(0x43FFE, data, 4, &error));
  CHECK(error.find("0x44000") != std::string::npos);
  CHECK_FALSE(f.bus.load(0xFFFFE, data, 4, &error));  // past 1 MB
}

// Memory map and bus: region lookup (TI msp430fr5994.ld / facts §2.1), vacant and protected
// accesses, byte/word access, FRAM wait states and the 2-set x 2-way x 8-byte LRU read cache
// (facts §2.3), statistics and power-loss behaviour.
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

// A peripheral with a few plain registers that records its accesses.
class Scratch : public Peripheral {
 public:
  Scratch(McuContext& ctx, uint16_t base) : Peripheral("scratch", base, 8, ctx) {}
  uint16_t read_word(uint16_t offset) override {
    ++reads;
    return regs[offset / 2];
  }
  void write_word(uint16_t offset, uint16_t value) override {
    ++writes;
    regs[offset / 2] = value;
  }
  void reset_power_up() override {}
  uint16_t regs[4] = {0x1111, 0x2222, 0x3333, 0x4444};
  int reads = 0, writes = 0;
};

}  // namespace

TEST_CASE("FR5994 memory map: regions and gaps", "[mem][map]") {
  const MemoryMap map = MemoryMap::msp430fr5994();
  struct Probe {
    uint32_t addr;
    RegionKind kind;
  };
  const Probe probes[] = {
      {0x0000, RegionKind::kPeripheral}, {0x0FFF, RegionKind::kPeripheral},
      {0x1000, RegionKind::kRom},        {0x17FF, RegionKind::kRom},
      {0x1800, RegionKind::kFram},       {0x19FF, RegionKind::kFram},
      {0x1A00, RegionKind::kRom},        {0x1AFF, RegionKind::kRom},
      {0x1B00, RegionKind::kVacant},     {0x1BFF, RegionKind::kVacant},
      {0x1C00, RegionKind::kSram},       {0x3BFF, RegionKind::kSram},
      {0x3C00, RegionKind::kVacant},     {0x3FFF, RegionKind::kVacant},
      {0x4000, RegionKind::kFram},       {0xFFFF, RegionKind::kFram},
      {0x10000, RegionKind::kFram},      {0x43FFF, RegionKind::kFram},
      {0x44000, RegionKind::kVacant},
  };
  for (const Probe& p : probes) {
    const Region* r = map.find(p.addr);
    INFO("address 0x" << std::hex << p.addr);
    CHECK((r ? r->kind : RegionKind::kVacant) == p.kind);
  }
  CHECK(map.contains(0x1C00, 0x2000));
  CHECK(map.contains(0x1800, 0x0300));  // info FRAM + TLV: adjacent regions
  CHECK_FALSE(map.contains(0x3B00, 0x0200));
  CHECK_FALSE(map.contains(0x1800, 0x0400));  // runs into the 0x1B00 gap
}

TEST_CASE("Byte and word access, little endian, word ignores bit 0", "[mem][bus]") {
  Fixture f;
  f.bus.write_word(0x1C00, 0xBEEF);
  CHECK(f.bus.read_byte(0x1C00) == 0xEF);
  CHECK(f.bus.read_byte(0x1C01) == 0xBE);
  CHECK(f.bus.read_word(0x1C01) == 0xBEEF);
  f.bus.write_byte(0x1C01, 0x12);
  CHECK(f.bus.read_word(0x1C00) == 0x12EF);
  f.bus.write_word(0x1C03, 0xA55A);  // goes to 0x1C02
  CHECK(f.bus.peek_word(0x1C02) == 0xA55A);
  f.bus.write_word(0x4400, 0x1234);
  CHECK(f.bus.read_word(0x4400) == 0x1234);
  CHECK(f.ctx.fault.kind == FaultKind::kNone);
  CHECK(f.bus.stats().sram_accesses == 7);  // 4 reads + 3 writes
  CHECK(f.bus.stats().fram_writes == 1);
  CHECK(f.bus.stats().fram_reads == 1);
}

TEST_CASE("Vacant and protected accesses fault and return 0x3FFF", "[mem][bus]") {
  {
    Fixture f;
    CHECK(f.bus.read_word(0x3C00) == 0x3FFF);
    CHECK(f.ctx.fault.kind == FaultKind::kVacantRead);
    CHECK(f.ctx.fault.address == 0x3C00);
    CHECK(f.ctx.stop_requested);
  }
  {
    Fixture f;
    f.bus.write_byte(0x1B10, 1);
    CHECK(f.ctx.fault.kind == FaultKind::kVacantWrite);
    CHECK(f.ctx.fault.address == 0x1B10);
  }
  {
    Fixture f;
    f.bus.write_word(0x1000, 1);  // BSL ROM
    CHECK(f.ctx.fault.kind == FaultKind::kWriteProtected);
    CHECK(f.bus.peek_word(0x1000) == 0);
  }
  {
    Fixture f;  // peripheral area with nothing attached: unmodelled, reported, not a fault
    CHECK(f.bus.read_word(0x0340) == 0);
    CHECK(f.ctx.fault.kind == FaultKind::kNone);
    CHECK(f.ctx.unmodelled_accesses == 1);
  }
  {
    Fixture f;
    CHECK(f.bus.fetch_word(0x0200) == 0x3FFF);
    CHECK(f.ctx.fault.kind == FaultKind::kVacantFetch);
  }
  {
    Fixture f;  // the first fault stays latched
    f.bus.read_word(0x3C00);
    f.bus.write_word(0x1B00, 0);
    CHECK(f.ctx.fault.kind == FaultKind::kVacantRead);
  }
  {
    Fixture f;
    std::string error;
    const uint8_t data[4] = {1, 2, 3, 4};
    CHECK_FALSE(f.bus.load(0x3BFE, data, 4, &error));
    CHECK(error.find("0x03C00") != std::string::npos);
    CHECK(f.bus.load(0x1000, data, 4, &error));  // ROM may be loaded by the host
    CHECK(f.bus.peek_word(0x1002) == 0x0403);
  }
}

TEST_CASE("Peripheral routing: word and byte accesses, fetch faults", "[mem][bus]") {
  Fixture f;
  Scratch s(f.ctx, 0x0F00);
  f.bus.attach(s);
  CHECK(f.bus.read_word(0x0F02) == 0x2222);
  f.bus.write_byte(0x0F05, 0xAB);
  CHECK(s.regs[2] == 0xAB33);
  CHECK(f.bus.read_byte(0x0F05) == 0xAB);
  CHECK(f.bus.peek_word(0x0F06) == 0x4444);
  CHECK(f.bus.read_word(0x0F08) == 0);  // just past it: unattached, an unmodelled access
  CHECK(f.ctx.unmodelled_accesses == 1);
  CHECK(f.bus.stats().peripheral_accesses == 3);  // peek is not an access
}

TEST_CASE("FRAM wait states: none at NWAITS=0, only on cache misses otherwise", "[mem][fram]") {
  Fixture f;
  // NWAITS = 0: misses cost nothing, but the cache is still modelled for the statistics.
  f.bus.read_word(0x4400);
  f.bus.read_word(0x4402);
  CHECK(f.ctx.cycles == 0);
  CHECK(f.bus.stats().fram_reads == 2);
  CHECK(f.bus.stats().fram_cache_hits == 1);

  f.bus.set_fram_wait_states(3);
  f.bus.invalidate_fram_cache();
  f.bus.reset_stats();
  f.bus.read_word(0x4400);  // miss: +3
  CHECK(f.ctx.cycles == 3);
  f.bus.read_word(0x4406);  // same 8-byte line: hit
  f.bus.read_byte(0x4401);
  f.bus.fetch_word(0x4404);
  CHECK(f.ctx.cycles == 3);
  f.bus.read_word(0x4408);  // next line (other set): miss
  CHECK(f.ctx.cycles == 6);
  f.bus.read_word(0x1C00);  // SRAM: never waits
  CHECK(f.ctx.cycles == 6);
  CHECK(f.bus.stats().fram_reads == 5);
  CHECK(f.bus.stats().fram_cache_hits == 3);
  CHECK(f.bus.stats().fram_wait_cycles == 6);
  CHECK(f.bus.fram_wait_states() == 3);
}

TEST_CASE("FRAM cache: 2 ways per set with LRU replacement", "[mem][fram]") {
  Fixture f;
  f.bus.set_fram_wait_states(1);
  // Lines A, B, C map to set 0 (line number even): 0x4400, 0x4410, 0x4420.
  const uint16_t a = 0x4400, b = 0x4410, c = 0x4420, other_set = 0x4408;
  auto cost = [&](uint16_t addr) {
    const uint64_t before = f.ctx.cycles;
    f.bus.read_word(addr);
    return f.ctx.cycles - before;
  };
  CHECK(cost(a) == 1);
  CHECK(cost(b) == 1);
  CHECK(cost(other_set) == 1);  // set 1 does not disturb set 0
  CHECK(cost(a) == 0);          // both ways hold A and B; B is now LRU
  CHECK(cost(c) == 1);          // evicts B
  CHECK(cost(a) == 0);
  CHECK(cost(b) == 1);  // B was evicted; now C is LRU and goes
  CHECK(cost(c) == 1);
  CHECK(cost(b) == 0);
  CHECK(cost(other_set) == 0);
}

TEST_CASE("FRAM writes cost NWAITS and do not allocate cache lines", "[mem][fram]") {
  Fixture f;
  f.bus.set_fram_wait_states(2);
  f.bus.write_word(0x5000, 0x1234);
  CHECK(f.ctx.cycles == 2);
  f.bus.write_byte(0x5001, 0x56);
  CHECK(f.ctx.cycles == 4);
  CHECK(f.bus.read_word(0x5000) == 0x5634);  // write-around: the read still misses
  CHECK(f.ctx.cycles == 6);
  CHECK(f.bus.stats().fram_writes == 2);
  CHECK(f.bus.stats().fram_cache_hits == 0);
}

TEST_CASE("Power loss fills SRAM with the pattern, keeps FRAM, empties the cache", "[mem][power]") {
  Fixture f;
  f.bus.write_word(0x1C00, 0x1234);
  f.bus.write_word(0x3BFE, 0x5678);
  f.bus.write_word(0x4400, 0x9ABC);
  f.bus.write_word(0x1800, 0xDEF0);
  f.bus.set_fram_wait_states(1);
  f.bus.read_word(0x4400);
  const uint64_t before = f.ctx.cycles;
  f.bus.lose_volatile_state(0xA5);
  CHECK(f.bus.peek_word(0x1C00) == 0xA5A5);
  CHECK(f.bus.peek_word(0x3BFE) == 0xA5A5);
  CHECK(f.bus.peek_word(0x4400) == 0x9ABC);
  CHECK(f.bus.peek_word(0x1800) == 0xDEF0);
  f.bus.read_word(0x4400);  // the cache was emptied: miss again
  CHECK(f.ctx.cycles == before + 1);
}

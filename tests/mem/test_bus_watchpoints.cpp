// Bus watchpoints (the GDB server's Z2-Z4): a CPU data access that overlaps a watched range is
// reported once through McuContext::watch_hit and stops the CPU (a sync request); fetches are not
// data accesses; watched pages leave the fast paths and return to them afterwards, with data and
// FRAM timing unchanged.
#include <catch2/catch.hpp>

#include "mcu_model/mem/bus.h"
#include "mcu_model/mem/memory_map.h"

using namespace ehsim::mcu;

namespace {

struct Fixture {
  McuContext ctx;
  Bus bus{MemoryMap::msp430fr5994(), ctx};
  void clear() { ctx.watch_hit = McuContext::WatchHit{}, ctx.stop_requested = false; }
};

}  // namespace

TEST_CASE("a write watchpoint sees overlapping writes only, reads and fetches pass",
          "[mem][watch]") {
  Fixture f;
  REQUIRE(f.bus.is_fram_page(0x4400 >> Bus::kPageShift));
  f.bus.set_watchpoints({Watchpoint{0x1C10, 2, false, true}, Watchpoint{0x4401, 1, false, true}});
  // The watched SRAM and FRAM pages take the slow path.
  CHECK_FALSE(f.bus.is_fram_page(0x4400 >> Bus::kPageShift));
  f.bus.write_word(0x1C0E, 0xAAAA);  // 0x1C0E-0x1C0F: next to the range
  CHECK_FALSE(f.ctx.watch_hit.hit);
  CHECK(f.bus.read_word(0x1C10) == 0);   // a read
  CHECK(f.bus.fetch_word(0x1C10) == 0);  // an instruction fetch
  CHECK_FALSE(f.ctx.watch_hit.hit);
  f.bus.write_byte(0x1C11, 0x55);  // the range's second byte
  CHECK(f.ctx.watch_hit.hit);
  CHECK(f.ctx.watch_hit.address == 0x1C11);
  CHECK(f.ctx.watch_hit.write);
  CHECK(f.ctx.stop_requested);
  CHECK(f.ctx.sync_requested);
  CHECK(f.bus.peek_byte(0x1C11) == 0x55);  // the access took place
  f.clear();
  f.bus.write_word(0x4400, 0x1234);  // a word over the FRAM byte 0x4401
  CHECK(f.ctx.watch_hit.hit);
  CHECK(f.ctx.watch_hit.address == 0x4400);
  CHECK(f.bus.peek_word(0x4400) == 0x1234);
  // Cleared: the pages are fast again.
  f.bus.set_watchpoints({});
  CHECK(f.bus.is_fram_page(0x4400 >> Bus::kPageShift));
}

TEST_CASE("read and access watchpoints, and the first hit wins", "[mem][watch]") {
  Fixture f;
  f.bus.set_watchpoints({Watchpoint{0x1C20, 1, true, false}, Watchpoint{0x1C30, 2, true, true}});
  f.bus.write_byte(0x1C20, 7);  // a write to a read watchpoint
  CHECK_FALSE(f.ctx.watch_hit.hit);
  CHECK(f.bus.read_byte(0x1C20) == 7);
  CHECK(f.ctx.watch_hit.hit);
  CHECK_FALSE(f.ctx.watch_hit.write);
  f.bus.write_word(0x1C30, 1);  // a second hit before the owner cleared the first
  CHECK(f.ctx.watch_hit.address == 0x1C20);
  f.clear();
  f.bus.write_word(0x1C30, 2);
  CHECK(f.ctx.watch_hit.address == 0x1C30);
  CHECK(f.ctx.watch_hit.write);
}

TEST_CASE("watchpoints and the MPU's FRAM guard share the slow pages", "[mem][watch]") {
  struct AllowAll : FramGuard {
    bool allow(uint32_t, Access) override { return true; }
  } guard;
  Fixture f;
  const unsigned page = 0x5000 >> Bus::kPageShift;
  f.bus.set_fram_guard(&guard);
  f.bus.set_watchpoints({Watchpoint{0x5000, 2, false, true}});
  f.bus.set_watchpoints({});
  CHECK_FALSE(f.bus.is_fram_page(page));  // still guarded
  f.bus.set_fram_guard(nullptr);
  CHECK(f.bus.is_fram_page(page));
  // FRAM timing is the same through the slow path: a write costs the array access.
  f.bus.set_watchpoints({Watchpoint{0x5000, 2, false, true}});
  const uint64_t writes = f.bus.stats().fram_writes;
  f.bus.write_word(0x5002, 1);
  CHECK(f.bus.stats().fram_writes == writes + 1);
}

// The MCU's memory bus: one 64 KB byte image for the CPU's address space, a page table that says
// what each 256-byte page is (SRAM, FRAM, ROM, peripheral, vacant), the FRAM controller's wait
// states and read cache, and routing of peripheral accesses.
//
// CONTRACT (used by cpu/, periph/, elf/, sim/): the public API below is fixed; the fast paths may
// be inline in this header.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "mcu_model/mcu_context.h"
#include "mcu_model/mem/memory_map.h"
#include "mcu_model/periph/peripheral.h"

namespace ehsim::mcu {

struct BusStats {
  uint64_t fram_reads = 0;        // CPU reads (fetch + data) that targeted FRAM
  uint64_t fram_cache_hits = 0;   // of which served by the FRAM cache
  uint64_t fram_writes = 0;       // CPU writes to FRAM (byte or word)
  uint64_t sram_accesses = 0;
  uint64_t peripheral_accesses = 0;
  uint64_t fram_wait_cycles = 0;  // wait cycles added by FRAM misses / writes
};

class Bus {
 public:
  Bus(const MemoryMap& map, McuContext& ctx);

  // Route [p.base(), p.base()+p.size()) to p. The bus does not own peripherals.
  void attach(Peripheral& peripheral);

  // CPU accesses. Word accesses ignore address bit 0. Timing side effects (FRAM wait states)
  // are added to ctx.cycles; faults are latched in ctx (read returns 0x3FFF like the device's
  // vacant-memory answer, a write is dropped).
  uint16_t fetch_word(uint16_t addr);  // instruction stream (a fault here is kVacantFetch)
  uint16_t read_word(uint16_t addr);
  uint8_t read_byte(uint16_t addr);
  void write_word(uint16_t addr, uint16_t value);
  void write_byte(uint16_t addr, uint8_t value);

  // Host-side access for the loader, dumps and tests: no timing, no peripheral side effects
  // (peripherals are read with peek_word), may write ROM/FRAM. load() fails with a message if the
  // range is not backed by FRAM, SRAM or ROM.
  bool load(uint32_t addr, const uint8_t* data, size_t len, std::string* error);
  uint8_t peek_byte(uint16_t addr);
  uint16_t peek_word(uint16_t addr);
  void poke_byte(uint16_t addr, uint8_t value);

  // FRAM controller (FRCTL0.NWAITS, set by the FRCTL peripheral). Wait states apply to FRAM
  // accesses that miss the cache.
  void set_fram_wait_states(unsigned nwaits);
  unsigned fram_wait_states() const;
  void invalidate_fram_cache();

  // Power loss: SRAM is filled with `pattern`, the FRAM cache is invalidated, FRAM is kept.
  // Peripherals are reset by their owner, not by the bus.
  void lose_volatile_state(uint8_t sram_pattern);

  const MemoryMap& map() const;
  const BusStats& stats() const;
  void reset_stats();

  // The 64 KB image, for fast paths and debuggers. Peripheral pages hold no data here.
  uint8_t* image();
};

}  // namespace ehsim::mcu

#include "mcu_model/mem/memory_map.h"

#include <algorithm>

namespace ehsim::mcu {

const Region* MemoryMap::find(uint32_t addr) const {
  // Regions are sorted by start: the candidate is the last region starting at or below addr.
  auto it = std::upper_bound(regions.begin(), regions.end(), addr,
                             [](uint32_t a, const Region& r) { return a < r.start; });
  if (it == regions.begin()) return nullptr;
  --it;
  return addr < it->end() ? &*it : nullptr;
}

const Region* MemoryMap::find_next(uint32_t addr) const {
  auto it = std::upper_bound(regions.begin(), regions.end(), addr,
                             [](uint32_t a, const Region& r) { return a < r.start; });
  return it == regions.end() ? nullptr : &*it;
}

bool MemoryMap::contains(uint32_t addr, uint32_t len) const {
  uint64_t pos = addr;
  const uint64_t end = uint64_t{addr} + len;
  while (pos < end) {
    const Region* r = find(uint32_t(pos));
    if (r == nullptr) return false;
    pos = r->end();
  }
  return true;
}

MemoryMap MemoryMap::msp430fr5994() {
  // Ranges from TI's msp430fr5994.ld v1.206 and msp430fr5994.h (facts §2.1). The peripheral
  // block is split around TINYRAM (0x000A-0x001F), which the linker script lists as RAM.
  MemoryMap map;
  map.device = "MSP430FR5994";
  map.regions = {
      {"peripherals", 0x0000, 0x000A, RegionKind::kPeripheral},
      {"tinyram", 0x000A, 0x0016, RegionKind::kSram},
      {"peripherals", 0x0020, 0x0FE0, RegionKind::kPeripheral},
      {"bsl", 0x1000, 0x0800, RegionKind::kRom},         // BSL_START/BSL_LENGTH
      {"info_fram", 0x1800, 0x0200, RegionKind::kFram},  // INFOD..INFOA, 128 B each
      {"tlv", 0x1A00, 0x0100, RegionKind::kRom},         // device descriptor
      {"sram", 0x1C00, 0x2000, RegionKind::kSram},       // 8 KB incl. LEA RAM
      {"fram", 0x4000, 0xC000, RegionKind::kFram},       // code, signatures, vectors
      // FRAM2, reached by MSP430X (20-bit) addressing; same wait states and cache (facts §2.1).
      {"fram2", 0x10000, 0x34000, RegionKind::kFram},
  };
  return map;
}

}  // namespace ehsim::mcu

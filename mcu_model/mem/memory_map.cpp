#include "mcu_model/mem/memory_map.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace ehsim::mcu {
namespace {

// One row of a part's memory organisation. Regions are listed in address order; addresses not
// listed are vacant.
struct RegionRow {
  const char* name;
  uint32_t start;
  uint32_t size;
  RegionKind kind;
};

struct PartTable {
  const char* part;
  const RegionRow* rows;
  size_t count;
};

// MSP430FR5994: TI msp430fr5994.ld v1.206 and msp430fr5994.h (facts §2.1). The peripheral block
// is split around TINYRAM (0x000A-0x001F), which the linker script lists as RAM.
constexpr RegionRow kFr5994[] = {
    {"peripherals", 0x0000, 0x000A, RegionKind::kPeripheral},
    {"tinyram", 0x000A, 0x0016, RegionKind::kSram},
    {"peripherals", 0x0020, 0x0FE0, RegionKind::kPeripheral},
    {"bsl", 0x1000, 0x0800, RegionKind::kRom},         // BSL_START/BSL_LENGTH
    {"info_fram", 0x1800, 0x0200, RegionKind::kFram},  // INFOD..INFOA, 128 B each
    {"tlv", 0x1A00, 0x0100, RegionKind::kRom},         // device descriptor
    {"sram", 0x1C00, 0x2000, RegionKind::kSram},       // 8 KB incl. LEA RAM
    {"fram", 0x4000, 0xC000, RegionKind::kFram},       // code, signatures, vectors
    {"fram2", 0x10000, 0x34000, RegionKind::kFram},    // upper FRAM, 208 KB
};

// MSP430FR5969: TI msp430fr5969.ld v1.212 MEMORY (BSL 0x1000+0x800, INFOMEM 0x1800+0x200, RAM
// 0x1C00+0x800, FRAM 0x4400-0xFF7F, signatures and vectors 0xFF80-0xFFFF, HIFRAM from 0x10000)
// and msp430fr5969.h (TLV 0x1A00-0x1AFF: TLV_CRC_LENGTH 0x1A01, TLV_END 0x1AFF). The datasheet
// (SLAS704) gives code memory 0x4400-0x13FFF, 64 KB of FRAM in all; the linker script stops
// HIFRAM 8 bytes short (LENGTH 0x3FF7, "changed to fix CPU47"), a software workaround, not a
// hole in the memory.
constexpr RegionRow kFr5969[] = {
    {"peripherals", 0x0000, 0x1000, RegionKind::kPeripheral},
    {"bsl", 0x1000, 0x0800, RegionKind::kRom},
    {"info_fram", 0x1800, 0x0200, RegionKind::kFram},
    {"tlv", 0x1A00, 0x0100, RegionKind::kRom},
    {"sram", 0x1C00, 0x0800, RegionKind::kSram},  // 2 KB
    {"fram", 0x4400, 0xBC00, RegionKind::kFram},
    {"fram2", 0x10000, 0x4000, RegionKind::kFram},  // 16 KB
};

// MSP430FR6989: TI msp430fr6989.ld v1.212 MEMORY (TINYRAM 0x0006+0x1A, BSL 0x1000+0x800, INFOMEM
// 0x1800+0x200, RAM 0x1C00+0x800, FRAM 0x4400-0xFF7F, signatures and vectors 0xFF80-0xFFFF,
// HIFRAM 0x10000 LENGTH 0x13FF7 plus the 8 bytes held back for CPU47: FRAM up to 0x23FFF, 128 KB
// in all). TLV: the FR58xx/59xx/68xx/69xx family's TLV block at 0x1A00 (SLAU367P "TLV
// descriptors"); its end 0x1AFF is taken from msp430fr5969.h [U for the FR6989].
constexpr RegionRow kFr6989[] = {
    {"peripherals", 0x0000, 0x0006, RegionKind::kPeripheral},
    {"tinyram", 0x0006, 0x001A, RegionKind::kSram},
    {"peripherals", 0x0020, 0x0FE0, RegionKind::kPeripheral},
    {"bsl", 0x1000, 0x0800, RegionKind::kRom},
    {"info_fram", 0x1800, 0x0200, RegionKind::kFram},
    {"tlv", 0x1A00, 0x0100, RegionKind::kRom},
    {"sram", 0x1C00, 0x0800, RegionKind::kSram},  // 2 KB
    {"fram", 0x4400, 0xBC00, RegionKind::kFram},
    {"fram2", 0x10000, 0x14000, RegionKind::kFram},  // 80 KB
};

constexpr PartTable kParts[] = {
    {"MSP430FR5969", kFr5969, std::size(kFr5969)},
    {"MSP430FR5994", kFr5994, std::size(kFr5994)},
    {"MSP430FR6989", kFr6989, std::size(kFr6989)},
};

std::string upper(std::string s) {
  for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

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

std::vector<std::string> MemoryMap::known_parts() {
  std::vector<std::string> parts;
  for (const PartTable& t : kParts) parts.emplace_back(t.part);
  return parts;
}

MemoryMap MemoryMap::for_part(const std::string& part) {
  const std::string wanted = upper(part);
  for (const PartTable& t : kParts) {
    if (wanted != t.part) continue;
    MemoryMap map;
    map.device = t.part;
    for (size_t i = 0; i < t.count; ++i) {
      const RegionRow& row = t.rows[i];
      map.regions.push_back({row.name, row.start, row.size, row.kind});
    }
    return map;
  }
  std::string known;
  for (const std::string& name : known_parts()) known += (known.empty() ? "" : ", ") + name;
  throw std::invalid_argument("unknown part '" + part + "'; known parts: " + known);
}

MemoryMap MemoryMap::msp430fr5994() {
  return for_part("MSP430FR5994");
}

}  // namespace ehsim::mcu

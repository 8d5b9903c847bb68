#include "mcu_model/elf/elf_load.h"

#include <sstream>

namespace ehsim::mcu {
namespace {

std::string range(uint64_t start, uint64_t len) {
  std::ostringstream s;
  s << std::hex << std::uppercase << "0x" << start << "-0x" << (len ? start + len - 1 : start);
  return s.str();
}

bool fail(std::string* error, const ElfImage& image, const ElfSegment& seg, uint64_t start,
          uint64_t len, const std::string& what) {
  if (error) {
    *error = image.path + ": segment " + std::to_string(seg.index) + " (" + range(start, len) +
             ") " + what;
  }
  return false;
}

// True if every byte of [start, start+len) lies in loadable memory (FRAM, SRAM or ROM).
bool loadable(const MemoryMap& map, uint64_t start, uint64_t len) {
  uint64_t addr = start;
  while (addr < start + len) {
    if (addr > 0xFFFFFFFFull) return false;
    const Region* region = map.find(uint32_t(addr));
    if (!region || region->kind == RegionKind::kVacant || region->kind == RegionKind::kPeripheral) {
      return false;
    }
    addr = region->end();
  }
  return true;
}

bool all_fram(const MemoryMap& map, uint64_t start, uint64_t len) {
  uint64_t addr = start;
  while (addr < start + len) {
    if (addr > 0xFFFFFFFFull) return false;
    const Region* region = map.find(uint32_t(addr));
    if (!region || region->kind != RegionKind::kFram) return false;
    addr = region->end();
  }
  return true;
}

}  // namespace

bool load_elf_into(const ElfImage& image, Bus& bus, std::string* error) {
  const MemoryMap& map = bus.map();
  for (const ElfSegment& seg : image.segments) {
    if (seg.filesz > 0) {
      if (!loadable(map, seg.paddr, seg.filesz)) {
        return fail(error, image, seg, seg.paddr, seg.filesz,
                    "lies outside the memory map's FRAM/SRAM/ROM");
      }
      std::string bus_error;
      if (!bus.load(seg.paddr, seg.bytes.data(), seg.bytes.size(), &bus_error)) {
        return fail(error, image, seg, seg.paddr, seg.filesz, "cannot be loaded: " + bus_error);
      }
    }
    // p_memsz beyond p_filesz: zero-fill only in FRAM (a programmer can write it there); in SRAM
    // it is .bss, which crt0 clears at every boot.
    const uint64_t fill_start = uint64_t(seg.paddr) + seg.filesz;
    const uint64_t fill_len = seg.memsz - seg.filesz;
    if (fill_len > 0 && all_fram(map, fill_start, fill_len)) {
      const std::vector<uint8_t> zeros(fill_len, 0);
      std::string bus_error;
      if (!bus.load(uint32_t(fill_start), zeros.data(), zeros.size(), &bus_error)) {
        return fail(error, image, seg, fill_start, fill_len, "cannot be zero-filled: " + bus_error);
      }
    }
  }
  return true;
}

}  // namespace ehsim::mcu

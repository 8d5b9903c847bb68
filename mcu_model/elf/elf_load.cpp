#include "mcu_model/elf/elf_load.h"

namespace ehsim::mcu {
namespace {

bool fail(std::string* error, const FirmwareImage& image, const FirmwareSegment& seg,
          uint64_t start, uint64_t len, const std::string& what) {
  if (error) *error = image.path + ": " + seg.name + " (" + hex_range(start, len) + ") " + what;
  return false;
}

bool all_fram(const MemoryMap& map, uint64_t start, uint64_t len) {
  uint64_t addr = start;
  while (addr < start + len) {
    if (addr >= kAddressSpaceEnd) return false;
    const Region* region = map.find(uint32_t(addr));
    if (!region || region->kind != RegionKind::kFram) return false;
    addr = region->end();
  }
  return true;
}

}  // namespace

std::string check_loadable(const MemoryMap& map, uint64_t start, uint64_t len) {
  if (start + len > kAddressSpaceEnd) {
    return "lies beyond the 1 MB address space (0x0-0xFFFFF)";
  }
  uint64_t addr = start;
  while (addr < start + len) {
    const Region* region = map.find(uint32_t(addr));
    if (!region) {
      return "reaches " + hex_address(addr) + ", where the " + map.device +
             " has no memory (not FRAM, SRAM or ROM)";
    }
    if (region->kind == RegionKind::kPeripheral || region->kind == RegionKind::kVacant) {
      return "overlaps the peripheral region '" + region->name + "' (" +
             hex_range(region->start, region->size) + ") of the " + map.device;
    }
    addr = region->end();
  }
  return "";
}

bool load_firmware_into(const FirmwareImage& image, Bus& bus, std::string* error) {
  const MemoryMap& map = bus.map();
  for (const FirmwareSegment& seg : image.segments) {
    if (seg.filesz > 0) {
      const std::string problem = check_loadable(map, seg.paddr, seg.filesz);
      if (!problem.empty()) return fail(error, image, seg, seg.paddr, seg.filesz, problem);
      std::string bus_error;
      if (!bus.load(seg.paddr, seg.bytes.data(), seg.bytes.size(), &bus_error)) {
        return fail(error, image, seg, seg.paddr, seg.filesz, "cannot be loaded: " + bus_error);
      }
    }
    // memsz beyond filesz: zero-fill only in FRAM (a programmer can write it there); in SRAM it
    // is .bss, which crt0 clears at every boot.
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

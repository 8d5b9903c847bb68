// The address map of an MSP430 device, held as data: one table of regions per part in
// memory_map.cpp (MSP430FR5969, MSP430FR5994, MSP430FR6989, each with its TI source), so another
// part is one more table. Addresses are 20-bit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ehsim::mcu {

enum class RegionKind : uint8_t {
  kVacant,      // nothing answers: accesses are faults
  kPeripheral,  // routed to Peripheral objects attached to the bus
  kSram,        // volatile, no wait states
  kFram,        // non-volatile, wait states above 8 MHz, read cache
  kRom,         // read-only (BSL, device descriptor)
};

struct Region {
  std::string name;
  uint32_t start = 0;
  uint32_t size = 0;
  RegionKind kind = RegionKind::kVacant;
  uint32_t end() const { return start + size; }  // one past the last address
};

struct MemoryMap {
  std::string device;
  std::vector<Region> regions;  // sorted, non-overlapping; gaps are vacant

  // Region containing addr, or nullptr if vacant.
  const Region* find(uint32_t addr) const;
  // The first region starting above addr, or nullptr.
  const Region* find_next(uint32_t addr) const;
  // True if [addr, addr+len) lies in regions of the given kind (any kind if kind is kVacant).
  bool contains(uint32_t addr, uint32_t len) const;

  // The map of a part by name ("MSP430FR5994", case-insensitive). Throws std::invalid_argument
  // naming the known parts for any other name.
  static MemoryMap for_part(const std::string& part);
  // Names of the parts for_part() knows, in its table's order.
  static std::vector<std::string> known_parts();
  // MSP430FR5994 (TI msp430fr5994.ld v1.206 and msp430fr5994.h; facts §2.1).
  static MemoryMap msp430fr5994();
};

}  // namespace ehsim::mcu

// Writes a firmware image (any format, firmware_image.h) into the MCU's memory the way a flash
// programmer does: each segment's bytes at its load address (crt0 copies .data to its run
// address; facts §5.4), and the part of memsz beyond filesz zero-filled when it lies in FRAM.
// Every segment is first checked against the bus's memory map: it must lie in the 1 MB address
// space and in FRAM, SRAM or ROM (including information memory); the error names the file, the
// segment (section or lines), its address range and the region it hits.
#pragma once

#include <string>

#include "mcu_model/elf/firmware_image.h"
#include "mcu_model/mem/bus.h"

namespace ehsim::mcu {

bool load_firmware_into(const FirmwareImage& image, Bus& bus, std::string* error);
// The name from before the other formats.
inline bool load_elf_into(const FirmwareImage& image, Bus& bus, std::string* error) {
  return load_firmware_into(image, bus, error);
}

// Checks [start, start+len) against `map` for loading: empty when it lies in FRAM, SRAM or ROM,
// else what it hits ("overlaps the peripheral region 'peripherals' (0x20-0xFFF)").
std::string check_loadable(const MemoryMap& map, uint64_t start, uint64_t len);

}  // namespace ehsim::mcu

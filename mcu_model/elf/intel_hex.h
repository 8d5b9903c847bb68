// Intel HEX firmware images (Intel, "Hexadecimal Object File Format Specification" rev. A):
// records ":LLAAAATT<data>CC", types 00 data, 01 end of file, 02 extended segment address
// (base = value << 4), 03 start segment address (CS:IP), 04 extended linear address
// (base = value << 16), 05 start linear address. Every record's checksum is verified; data must
// lie in the 1 MB MSP430X address space.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mcu_model/elf/firmware_image.h"

namespace ehsim::mcu {

// Parses `data` (the contents of `path`, used in messages only). Errors name the file and the
// line: "fw.hex: line 7: checksum 0x12 is wrong, expected 0x34".
bool parse_intel_hex(const std::string& path, const std::vector<uint8_t>& data,
                     FirmwareImage* image, std::string* error);

}  // namespace ehsim::mcu

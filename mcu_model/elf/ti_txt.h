// TI-TXT firmware images, the format of MSP Flasher, UniFlash, the BSL scripts and mspdebug
// (TI SLAU101 "MSP430 Flash Programming Utility", TI-TXT description; SLAU319 BSL user guide):
//   @ADDR        hex start address of the following bytes (up to 0xFFFFF here)
//   XX XX ...    hex bytes separated by spaces, filling memory from ADDR upwards
//   q            end of file
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mcu_model/elf/firmware_image.h"

namespace ehsim::mcu {

// Parses `data` (the contents of `path`, used in messages only). Errors name the file and the
// line: "fw.txt: line 3: 'G1' is not a hex byte".
bool parse_ti_txt(const std::string& path, const std::vector<uint8_t>& data, FirmwareImage* image,
                  std::string* error);

}  // namespace ehsim::mcu

// A symbolised backtrace without debug information, for `--break-on` reports: the return
// addresses found on the stack. ehsim's firmware has no frame pointer and may lack DWARF CFI, so
// the stack is scanned, as debuggers do for frameless code: a word is taken for a return address
// when it points into loaded code just after a CALL (SLAU367 §4.6.2.9: 2 or 4 bytes long) or,
// with the word above it holding address bits 19:16, just after a CALLA (§4.6.3.3). A stale
// return address left in a dead frame can appear; a frame can be missed only if its return
// address does not follow a call (an interrupt's stacked PC is reported separately by GDB).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mcu_model/mem/bus.h"
#include "sim/run/firmware_symbols.h"

namespace ehsim {

struct StackFrame {
  uint32_t return_address;
  uint32_t stack_address;  // where on the stack it was found
};

// Return addresses between `sp` and the end of the SRAM region holding it, innermost first; at
// most `max_frames`, scanning at most 1024 words.
std::vector<StackFrame> scan_stack(mcu::Bus& bus, uint32_t sp, size_t max_frames);

// "#0 0x4412 main+0x12\n#1 ..." with the PC as frame 0, up to the first frame in main.
std::string format_backtrace(mcu::Bus& bus, uint32_t pc, uint32_t sp,
                             const FirmwareSymbols& symbols);

}  // namespace ehsim

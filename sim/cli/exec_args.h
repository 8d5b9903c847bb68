// Parsing of `ehsim exec` argument values: numbers (hex or decimal), memory dump requests
// ("0x1C00:16", "buffer", "buffer:8") and stop locations ("done", "0x4400"); frequencies go through
// sim/scenario/units.h like every other quantity. Each returns false with a message naming the
// option. Addresses are 20-bit (0x0-0xFFFFF, the MSP430X address space).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mcu_model/elf/firmware_image.h"
#include "mcu_model/mcu.h"
#include "mcu_model/mem/bus.h"
#include "sim/run/firmware_inputs.h"

namespace ehsim {

// Decimal, or hexadecimal with a 0x/0X prefix. Rejects signs, trailing junk and overflow.
bool parse_u64(const std::string& text, uint64_t* value);

// --sram-at-power-loss: "zero", "random" or a byte value (decimal or 0x hex), as the scenario's
// device.sram_at_power_loss. False with *error naming the option.
bool parse_sram_at_power_loss(const std::string& text, mcu::SramAtPowerLoss* mode, uint8_t* pattern,
                              std::string* error);

// A place in memory given as an address or an ELF symbol: the symbol is looked up once the
// firmware is read (resolve_dump, resolve_location).
struct DumpRequest {
  std::string key;     // ADDR or SYMBOL exactly as typed: the report's name for the bytes
  std::string symbol;  // empty when an address was given
  uint32_t addr = 0;
  uint32_t len = 0;  // 0 with a symbol: the symbol's st_size
};
// "ADDR:LEN", "SYMBOL" or "SYMBOL:LEN"; an address range must lie in 0x0-0xFFFFF.
bool parse_dump(const std::string& text, DumpRequest* dump, std::string* error);
// Fills in a symbol's address (and its st_size when no LEN was given) from the firmware's
// symbols, and checks the range lies below `reach`. `firmware` names the file in messages.
bool resolve_dump(const mcu::FirmwareImage& image, uint32_t reach, DumpRequest* dump,
                  std::string* error);

// The dump's bytes as the device holds them now (host-side reads: no timing, no side effects),
// as lowercase hex: what `exec` and `run` report for --dump.
std::string dump_hex(mcu::Bus& bus, const DumpRequest& dump);

// "SYMBOL" or "ADDR" (--until). An address must be in 0x0-0xFFFFF.
struct Location {
  std::string symbol;  // empty when an address was given
  uint32_t addr = 0;
};
bool parse_location(const std::string& option, const std::string& text, Location* location,
                    std::string* error);
// Looks a symbol up in the firmware's symbols; checks the address is below `reach`.
bool resolve_location(const std::string& option, const mcu::FirmwareImage& image, uint32_t reach,
                      Location* location, std::string* error);

// "FILE@SYMBOL" or "FILE@ADDR" (--load, a LoadRequest). The split is at the last '@', so a file
// name may contain '@'.
bool parse_load(const std::string& text, LoadRequest* load, std::string* error);

// The symbol `name` of the firmware, or null with a message naming the file (and saying that
// Intel HEX and TI-TXT files have no symbols).
const mcu::FirmwareSymbol* find_firmware_symbol(const mcu::FirmwareImage& image,
                                                const std::string& name, std::string* error);

}  // namespace ehsim

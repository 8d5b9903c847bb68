// Parsing of `ehsim exec` argument values: numbers (hex or decimal) and memory dump requests
// ("0x1C00:16"); frequencies go through sim/scenario/units.h like every other quantity. Each
// returns false with a message naming the option.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ehsim {

// Decimal, or hexadecimal with a 0x/0X prefix. Rejects signs, trailing junk and overflow.
bool parse_u64(const std::string& text, uint64_t* value);

struct DumpRequest {
  std::string key;  // ADDR exactly as typed
  uint32_t addr = 0;
  uint32_t len = 0;
};
// "ADDR:LEN"; the range must lie in the 64 KB address space.
bool parse_dump(const std::string& text, DumpRequest* dump, std::string* error);

// "FILE@SYMBOL" or "FILE@ADDR" (--load): bytes of FILE written into memory before reset. The
// split is at the last '@', so a file name may contain '@'.
struct LoadRequest {
  std::string file;
  std::string symbol;  // empty when an address was given
  uint32_t addr = 0;
};
bool parse_load(const std::string& text, LoadRequest* load, std::string* error);

// st_size of a symbol in an ELF32 little-endian file's .symtab (the loader keeps addresses only).
// False with a message when the file has no symbol table or no such symbol.
bool elf_symbol_size(const std::vector<uint8_t>& elf, const std::string& name, uint32_t* size,
                     std::string* error);

}  // namespace ehsim

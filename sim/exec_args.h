// Parsing of `ehsim exec` argument values: numbers (hex or decimal) and memory dump requests
// ("0x1C00:16"); frequencies go through sim/units.h like every other quantity. Each returns false
// with a message naming the option.
#pragma once

#include <cstdint>
#include <string>

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

}  // namespace ehsim

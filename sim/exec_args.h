// Parsing of `ehsim exec` argument values: numbers (hex or decimal), frequencies ("8MHz") and
// memory dump requests ("0x1C00:16"). Each returns false with a message naming the option.
#pragma once

#include <cstdint>
#include <string>

namespace ehsim {

// Decimal, or hexadecimal with a 0x/0X prefix. Rejects signs, trailing junk and overflow.
bool parse_u64(const std::string& text, uint64_t* value);

// "8MHz", "500kHz", "16000000", "16000000Hz" (case-insensitive unit) → Hz.
bool parse_frequency_hz(const std::string& text, uint32_t* hz, std::string* error);

struct DumpRequest {
  std::string key;  // ADDR exactly as typed
  uint32_t addr = 0;
  uint32_t len = 0;
};
// "ADDR:LEN"; the range must lie in the 64 KB address space.
bool parse_dump(const std::string& text, DumpRequest* dump, std::string* error);

}  // namespace ehsim

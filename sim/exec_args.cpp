#include "sim/exec_args.h"

#include <cctype>

namespace ehsim {

bool parse_u64(const std::string& text, uint64_t* value) {
  if (text.empty()) return false;
  unsigned base = 10;
  size_t pos = 0;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    pos = 2;
  }
  uint64_t v = 0;
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    unsigned digit;
    if (c >= '0' && c <= '9') {
      digit = unsigned(c - '0');
    } else if (base == 16 && std::isxdigit(static_cast<unsigned char>(c))) {
      digit = unsigned(std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
    } else {
      return false;
    }
    if (v > (UINT64_MAX - digit) / base) return false;
    v = v * base + digit;
  }
  *value = v;
  return true;
}

bool parse_dump(const std::string& text, DumpRequest* dump, std::string* error) {
  const size_t colon = text.find(':');
  uint64_t addr = 0, len = 0;
  if (colon == std::string::npos || !parse_u64(text.substr(0, colon), &addr) ||
      !parse_u64(text.substr(colon + 1), &len)) {
    *error = "--dump: '" + text + "' is not ADDR:LEN (e.g. 0x1C00:16; hex with 0x or decimal)";
    return false;
  }
  if (len == 0 || addr > 0xFFFF || len > 0x10000 - addr) {
    *error = "--dump: '" + text + "' does not lie in the 64 KB address space 0x0000-0xFFFF";
    return false;
  }
  dump->key = text.substr(0, colon);
  dump->addr = uint32_t(addr);
  dump->len = uint32_t(len);
  return true;
}

}  // namespace ehsim

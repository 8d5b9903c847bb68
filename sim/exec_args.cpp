#include "sim/exec_args.h"

#include <algorithm>
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

bool parse_frequency_hz(const std::string& text, uint32_t* hz, std::string* error) {
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  uint64_t scale = 1;
  for (const auto& [suffix, factor] :
       {std::pair<const char*, uint64_t>{"mhz", 1'000'000}, {"khz", 1'000}, {"hz", 1}}) {
    const std::string s = suffix;
    if (lower.size() > s.size() && lower.compare(lower.size() - s.size(), s.size(), s) == 0) {
      lower.resize(lower.size() - s.size());
      scale = factor;
      break;
    }
  }
  // Allow one decimal point ("2.67MHz" is not a DCO step, but "0.5MHz" style input is valid).
  uint64_t integer = 0, fraction = 0, fraction_scale = 1;
  const size_t dot = lower.find('.');
  const std::string int_part = lower.substr(0, dot);
  const bool ok_int = parse_u64(int_part, &integer) && int_part.find('x') == std::string::npos;
  bool ok_frac = true;
  if (dot != std::string::npos) {
    const std::string frac = lower.substr(dot + 1);
    ok_frac = !frac.empty() && frac.size() <= 6 && parse_u64(frac, &fraction);
    for (size_t i = 0; ok_frac && i < frac.size(); ++i) fraction_scale *= 10;
  }
  const uint64_t value =
      ok_int && ok_frac ? integer * scale + fraction * scale / fraction_scale : 0;
  if (!ok_int || !ok_frac || value == 0 || value > 100'000'000) {
    *error = "--mclk: '" + text + "' is not a frequency (expected e.g. 8MHz, 500kHz or 1000000)";
    return false;
  }
  *hz = uint32_t(value);
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

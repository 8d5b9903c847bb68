#include "sim/cli/exec_args.h"

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

bool parse_load(const std::string& text, LoadRequest* load, std::string* error) {
  const size_t at = text.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 == text.size()) {
    *error =
        "--load: '" + text + "' is not FILE@SYMBOL or FILE@ADDR (e.g. model.fmlb@freeml_model)";
    return false;
  }
  load->file = text.substr(0, at);
  const std::string target = text.substr(at + 1);
  uint64_t addr = 0;
  if (std::isdigit(static_cast<unsigned char>(target[0]))) {
    if (!parse_u64(target, &addr) || addr > 0xFFFF) {
      *error = "--load: '" + target + "' is not an address in 0x0000-0xFFFF";
      return false;
    }
    load->symbol.clear();
    load->addr = uint32_t(addr);
  } else {
    load->symbol = target;
  }
  return true;
}

namespace {

uint32_t le(const std::vector<uint8_t>& b, size_t off, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | b[off + size_t(i)];
  return v;
}

}  // namespace

bool elf_symbol_size(const std::vector<uint8_t>& b, const std::string& name, uint32_t* size,
                     std::string* error) {
  // ELF32 header: e_shoff at 32, e_shentsize at 46, e_shnum at 48 (System V gABI).
  if (b.size() < 52 || b[4] != 1 || b[5] != 1) {
    *error = "not an ELF32 little-endian file";
    return false;
  }
  const uint32_t shoff = le(b, 32, 4), shentsize = le(b, 46, 2), shnum = le(b, 48, 2);
  if (shentsize < 40 || uint64_t(shoff) + uint64_t(shnum) * shentsize > b.size()) {
    *error = "section headers lie outside the file";
    return false;
  }
  for (uint32_t i = 0; i < shnum; ++i) {
    const size_t sh = shoff + size_t(i) * shentsize;
    if (le(b, sh + 4, 4) != 2) continue;  // SHT_SYMTAB
    const uint32_t off = le(b, sh + 16, 4), len = le(b, sh + 20, 4), link = le(b, sh + 24, 4);
    if (link >= shnum || uint64_t(off) + len > b.size()) break;
    const size_t strsh = shoff + size_t(link) * shentsize;
    const uint32_t stroff = le(b, strsh + 16, 4), strlen_ = le(b, strsh + 20, 4);
    if (uint64_t(stroff) + strlen_ > b.size()) break;
    for (uint32_t s = off; s + 16 <= off + len; s += 16) {  // Elf32_Sym is 16 bytes
      const uint32_t name_off = le(b, s, 4);
      if (name_off >= strlen_) continue;
      const char* p = reinterpret_cast<const char*>(b.data() + stroff + name_off);
      const size_t max = strlen_ - name_off;
      size_t n = 0;
      while (n < max && p[n] != 0) ++n;
      if (n == name.size() && name.compare(0, n, p, n) == 0) {
        *size = le(b, s + 8, 4);
        return true;
      }
    }
  }
  *error = "no symbol '" + name + "' with a size in the ELF symbol table";
  return false;
}

}  // namespace ehsim

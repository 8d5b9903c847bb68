// Builds small ELF32 little-endian MSP430 executables byte by byte from the System V ABI layout,
// independently of the loader under test, so tests do not depend on a cross toolchain.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace elftest {

struct Segment {
  uint32_t paddr = 0;
  uint32_t vaddr = 0;
  std::vector<uint8_t> bytes;
  uint32_t memsz = 0;  // 0: same as bytes.size()
};

struct Symbol {
  std::string name;
  uint32_t value = 0;
};

// Offsets of interesting fields in the produced file, for patching tests.
struct Layout {
  size_t phoff = 0;
  std::vector<size_t> segment_offsets;
};

inline void put16(std::vector<uint8_t>& b, size_t off, uint16_t v) {
  b[off] = uint8_t(v);
  b[off + 1] = uint8_t(v >> 8);
}
inline void put32(std::vector<uint8_t>& b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + i] = uint8_t(v >> (8 * i));
}

inline std::vector<uint8_t> build_elf(const std::vector<Segment>& segments,
                                      const std::vector<Symbol>& symbols, uint32_t entry,
                                      Layout* layout = nullptr) {
  const size_t ehsize = 52, phentsize = 32, shentsize = 40, symsize = 16;
  std::vector<uint8_t> b(ehsize + phentsize * segments.size(), 0);
  std::vector<size_t> seg_off;
  for (const auto& s : segments) {
    seg_off.push_back(b.size());
    b.insert(b.end(), s.bytes.begin(), s.bytes.end());
  }
  // .strtab then .symtab
  std::vector<uint8_t> strtab{0};
  std::vector<uint32_t> name_off;
  for (const auto& sym : symbols) {
    name_off.push_back(uint32_t(strtab.size()));
    strtab.insert(strtab.end(), sym.name.begin(), sym.name.end());
    strtab.push_back(0);
  }
  const size_t strtab_off = b.size();
  b.insert(b.end(), strtab.begin(), strtab.end());
  while (b.size() % 4) b.push_back(0);
  const size_t symtab_off = b.size();
  b.resize(b.size() + symsize * (symbols.size() + 1), 0);
  for (size_t i = 0; i < symbols.size(); ++i) {
    const size_t o = symtab_off + symsize * (i + 1);
    put32(b, o, name_off[i]);
    put32(b, o + 4, symbols[i].value);
    b[o + 12] = 0x12;          // STB_GLOBAL, STT_FUNC
    put16(b, o + 14, 0xFFF1);  // SHN_ABS
  }
  const size_t shoff = b.size();
  b.resize(b.size() + shentsize * 3, 0);
  // [1] .symtab: type 2, link 2, entsize 16
  put32(b, shoff + shentsize + 4, 2);
  put32(b, shoff + shentsize + 16, uint32_t(symtab_off));
  put32(b, shoff + shentsize + 20, uint32_t(symsize * (symbols.size() + 1)));
  put32(b, shoff + shentsize + 24, 2);
  put32(b, shoff + shentsize + 36, symsize);
  // [2] .strtab: type 3
  put32(b, shoff + 2 * shentsize + 4, 3);
  put32(b, shoff + 2 * shentsize + 16, uint32_t(strtab_off));
  put32(b, shoff + 2 * shentsize + 20, uint32_t(strtab.size()));

  const uint8_t ident[16] = {0x7F, 'E', 'L', 'F', 1, 1, 1, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0};
  std::copy(ident, ident + 16, b.begin());
  put16(b, 16, 2);    // ET_EXEC
  put16(b, 18, 105);  // EM_MSP430
  put32(b, 20, 1);
  put32(b, 24, entry);
  put32(b, 28, uint32_t(ehsize));
  put32(b, 32, uint32_t(shoff));
  put16(b, 40, uint16_t(ehsize));
  put16(b, 42, uint16_t(phentsize));
  put16(b, 44, uint16_t(segments.size()));
  put16(b, 46, uint16_t(shentsize));
  put16(b, 48, 3);
  for (size_t i = 0; i < segments.size(); ++i) {
    const size_t o = ehsize + phentsize * i;
    const auto& s = segments[i];
    put32(b, o, 1);  // PT_LOAD
    put32(b, o + 4, uint32_t(seg_off[i]));
    put32(b, o + 8, s.vaddr ? s.vaddr : s.paddr);
    put32(b, o + 12, s.paddr);
    put32(b, o + 16, uint32_t(s.bytes.size()));
    put32(b, o + 20, s.memsz ? s.memsz : uint32_t(s.bytes.size()));
    put32(b, o + 24, 5);
    put32(b, o + 28, 2);
  }
  if (layout) {
    layout->phoff = ehsize;
    layout->segment_offsets = seg_off;
  }
  return b;
}

// Little-endian bytes of a sequence of 16-bit words.
inline std::vector<uint8_t> words(std::initializer_list<uint16_t> ws) {
  std::vector<uint8_t> out;
  for (uint16_t w : ws) {
    out.push_back(uint8_t(w));
    out.push_back(uint8_t(w >> 8));
  }
  return out;
}

// A program at 0x4000 with the reset vector pointing at it.
inline std::vector<uint8_t> program_elf(std::initializer_list<uint16_t> code,
                                        const std::vector<Symbol>& symbols = {},
                                        Layout* layout = nullptr) {
  return build_elf({{0x4000, 0, words(code), 0}, {0xFFFE, 0, words({0x4000}), 0}}, symbols, 0x4000,
                   layout);
}

}  // namespace elftest

#include "mcu_model/elf/elf_image.h"

#include <algorithm>
#include <optional>

namespace ehsim::mcu {
namespace {

// ELF32 layout constants (System V ABI, "ELF Header", "Program Header", "Sections").
constexpr size_t kEhdrSize = 52, kPhdrSize = 32, kShdrSize = 40, kSymSize = 16;
constexpr uint8_t kElfClass32 = 1, kElfData2Lsb = 1, kElfData2Msb = 2;
constexpr uint16_t kEtExec = 2;
constexpr uint32_t kPtLoad = 1, kShtSymtab = 2, kShtNobits = 8, kShfAlloc = 0x2;

// Bounds on what a crafted file can make the reader hold: real firmware has tens of sections and
// segments, a few thousand symbols, and at most 1 MB of contents.
constexpr size_t kMaxLoadedPieces = 4096;
constexpr uint64_t kMaxLoadedBytes = uint64_t(16) << 20;
constexpr size_t kMaxSymbols = 65536, kMaxSymbolName = 256;

class Reader {
 public:
  explicit Reader(const std::vector<uint8_t>& data) : data_(data) {}
  bool has(uint64_t offset, uint64_t len) const {
    return offset <= data_.size() && len <= data_.size() - offset;
  }
  uint16_t u16(size_t off) const { return uint16_t(data_[off] | (data_[off + 1] << 8)); }
  uint32_t u32(size_t off) const {
    return uint32_t(data_[off]) | (uint32_t(data_[off + 1]) << 8) |
           (uint32_t(data_[off + 2]) << 16) | (uint32_t(data_[off + 3]) << 24);
  }
  // The NUL-terminated string at offset `at` of the string table [table, table+size), or nullopt
  // if it is unterminated or longer than max_len.
  std::optional<std::string> str(uint32_t table, uint32_t size, uint32_t at, size_t max_len) const {
    if (at >= size) return std::nullopt;
    const char* begin = reinterpret_cast<const char*>(data_.data()) + table + at;
    size_t len = 0;
    while (at + len < size && begin[len] != '\0' && len <= max_len) ++len;
    if (at + len >= size || len > max_len) return std::nullopt;
    return std::string(begin, len);
  }

 private:
  const std::vector<uint8_t>& data_;
};

bool fail(std::string* error, const std::string& path, const std::string& what) {
  if (error) *error = path + ": " + what;
  return false;
}

// e_machine values a wrong file most likely has (ELF machine registry).
std::string machine_name(uint16_t machine) {
  switch (machine) {
    case 3:
      return " (Intel 80386)";
    case 8:
      return " (MIPS)";
    case 20:
      return " (PowerPC)";
    case 40:
      return " (ARM)";
    case 62:
      return " (x86-64)";
    case 83:
      return " (AVR)";
    case 183:
      return " (AArch64)";
    case 243:
      return " (RISC-V)";
    default:
      return "";
  }
}

struct ProgramHeader {
  int index = 0;
  uint32_t offset = 0, vaddr = 0, paddr = 0, filesz = 0, memsz = 0;
};

struct Section {
  std::string name;
  uint32_t type = 0, flags = 0, addr = 0, offset = 0, size = 0;
};

struct SectionTable {
  uint32_t shoff = 0;
  uint16_t shnum = 0, shentsize = 0;
  size_t entry(uint16_t i) const { return shoff + size_t(i) * shentsize; }
};

// The section table, or an empty table when the file has none or it lies outside the file
// (sections are optional in an executable: the PT_LOAD segments are then loaded).
SectionTable section_table(const Reader& r) {
  SectionTable t{r.u32(32), r.u16(48), r.u16(46)};
  if (t.shoff == 0 || t.shnum == 0 || t.shentsize < kShdrSize ||
      !r.has(t.shoff, uint64_t(t.shnum) * t.shentsize)) {
    return {};
  }
  return t;
}

std::vector<Section> read_sections(const Reader& r, const SectionTable& t, uint16_t shstrndx) {
  std::vector<Section> sections;
  uint32_t names = 0, names_size = 0;
  if (shstrndx < t.shnum) {
    names = r.u32(t.entry(shstrndx) + 16);
    names_size = r.u32(t.entry(shstrndx) + 20);
    if (!r.has(names, names_size)) names_size = 0;
  }
  for (uint16_t i = 0; i < t.shnum; ++i) {
    const size_t sh = t.entry(i);
    Section s;
    s.type = r.u32(sh + 4);
    s.flags = r.u32(sh + 8);
    s.addr = r.u32(sh + 12);
    s.offset = r.u32(sh + 16);
    s.size = r.u32(sh + 20);
    s.name = r.str(names, names_size, r.u32(sh), kMaxSymbolName).value_or("");
    if (s.name.empty()) s.name = "#" + std::to_string(i);
    sections.push_back(std::move(s));
  }
  return sections;
}

// The load address of an allocated section: its place in the PT_LOAD that holds it, moved to
// that segment's p_paddr; its own address when no PT_LOAD holds it (objcopy's rule).
uint32_t section_lma(const Section& s, const std::vector<ProgramHeader>& loads) {
  for (const ProgramHeader& ph : loads) {
    if (s.type != kShtNobits) {
      if (s.offset >= ph.offset && uint64_t(s.offset) + s.size <= uint64_t(ph.offset) + ph.filesz)
        return ph.paddr + (s.offset - ph.offset);
    } else if (s.addr >= ph.vaddr && uint64_t(s.addr) + s.size <= uint64_t(ph.vaddr) + ph.memsz) {
      return ph.paddr + (s.addr - ph.vaddr);
    }
  }
  return s.addr;
}

// Segments from the allocated sections; false with an error for a section whose bytes lie
// outside the file. No allocated section leaves `segments` empty.
bool segments_from_sections(const std::string& path, const std::vector<uint8_t>& data,
                            const Reader& r, const std::vector<Section>& sections,
                            const std::vector<ProgramHeader>& loads,
                            std::vector<FirmwareSegment>* segments, std::string* error) {
  uint64_t total = 0;
  for (size_t i = 0; i < sections.size(); ++i) {
    const Section& s = sections[i];
    if (!(s.flags & kShfAlloc) || s.size == 0) continue;
    if (segments->size() == kMaxLoadedPieces) {
      return fail(error, path,
                  "more than " + std::to_string(kMaxLoadedPieces) + " allocated sections");
    }
    FirmwareSegment seg;
    seg.name = "section " + s.name;
    seg.index = int(i);
    seg.paddr = section_lma(s, loads);
    seg.vaddr = s.addr;
    seg.memsz = s.size;
    if (s.type != kShtNobits) {
      if (!r.has(s.offset, s.size)) {
        return fail(error, path,
                    "truncated " + seg.name + ": " + std::to_string(s.size) + " bytes at offset " +
                        hex_address(s.offset) + " run past the end of the file (" +
                        std::to_string(data.size()) + " bytes)");
      }
      total += s.size;
      if (total > kMaxLoadedBytes) {
        return fail(error, path,
                    "sections hold more than " + std::to_string(kMaxLoadedBytes) + " bytes");
      }
      seg.filesz = s.size;
      seg.bytes.assign(data.begin() + s.offset, data.begin() + s.offset + s.size);
    }
    segments->push_back(std::move(seg));
  }
  return true;
}

void read_symbols(const Reader& r, const SectionTable& t, ElfImage* image) {
  // Symbols are optional (a stripped ELF still runs): a damaged table is skipped, not fatal.
  for (uint16_t i = 0; i < t.shnum; ++i) {
    const size_t sh = t.entry(i);
    if (r.u32(sh + 4) != kShtSymtab) continue;
    const uint32_t off = r.u32(sh + 16), size = r.u32(sh + 20), link = r.u32(sh + 24);
    if (link >= t.shnum || !r.has(off, size)) continue;
    const uint32_t str_off = r.u32(t.entry(uint16_t(link)) + 16);
    const uint32_t str_size = r.u32(t.entry(uint16_t(link)) + 20);
    if (!r.has(str_off, str_size)) continue;
    for (uint32_t s = 0; s + kSymSize <= size; s += kSymSize) {
      if (image->symbols.size() == kMaxSymbols) return;
      const size_t sym = off + s;
      if (r.u16(sym + 14) == 0) continue;  // undefined
      const auto name = r.str(str_off, str_size, r.u32(sym), kMaxSymbolName);
      if (!name || name->empty()) continue;
      image->symbols.emplace(*name, FirmwareSymbol{r.u32(sym + 4), r.u32(sym + 8)});
    }
  }
}

}  // namespace

bool parse_elf(const std::string& path, const std::vector<uint8_t>& data, ElfImage* image,
               std::string* error) {
  const Reader r(data);
  *image = ElfImage{};
  image->path = path;
  image->format = FirmwareFormat::kElf;
  if (!r.has(0, 4) || data[0] != 0x7F || data[1] != 'E' || data[2] != 'L' || data[3] != 'F') {
    return fail(error, path, "not an ELF file (missing \\x7FELF magic)");
  }
  if (!r.has(0, 16))
    return fail(error, path, "truncated ELF header (" + std::to_string(data.size()) + " bytes)");
  if (data[4] != kElfClass32) {
    return fail(error, path, "wrong ELF class " + std::to_string(data[4]) + ", expected ELF32 (1)");
  }
  if (data[5] == kElfData2Msb) return fail(error, path, "big-endian ELF, expected little-endian");
  if (data[5] != kElfData2Lsb) {
    return fail(error, path, "unknown ELF data encoding " + std::to_string(data[5]));
  }
  if (!r.has(0, kEhdrSize)) {
    return fail(error, path,
                "truncated ELF header (" + std::to_string(data.size()) + " of 52 bytes)");
  }
  const uint16_t type = r.u16(16), machine = r.u16(18);
  if (machine != kEmMsp430) {
    return fail(error, path,
                "wrong machine " + std::to_string(machine) + machine_name(machine) +
                    ": built for another architecture, expected EM_MSP430 (105)");
  }
  if (type != kEtExec) {
    return fail(error, path,
                "ELF type " + std::to_string(type) + " is not an executable (ET_EXEC)");
  }
  image->entry = r.u32(24);
  const uint32_t phoff = r.u32(28);
  const uint16_t phentsize = r.u16(42), phnum = r.u16(44);
  if (phnum == 0) return fail(error, path, "no program headers (nothing to load)");
  if (phentsize < kPhdrSize) {
    return fail(error, path,
                "program header entry size " + std::to_string(phentsize) + " is smaller than 32");
  }
  if (!r.has(phoff, uint64_t(phnum) * phentsize)) {
    return fail(error, path,
                "truncated program header table (" + std::to_string(phnum) + " entries at offset " +
                    hex_address(phoff) + ", file is " + std::to_string(data.size()) + " bytes)");
  }
  std::vector<ProgramHeader> loads;
  uint64_t total = 0;
  for (uint16_t i = 0; i < phnum; ++i) {
    const size_t ph = phoff + size_t(i) * phentsize;
    if (r.u32(ph) != kPtLoad) continue;
    ProgramHeader p{
        i, r.u32(ph + 4), r.u32(ph + 8), r.u32(ph + 12), r.u32(ph + 16), r.u32(ph + 20)};
    if (p.memsz < p.filesz) {
      return fail(error, path,
                  "segment " + std::to_string(i) + " has p_memsz " + std::to_string(p.memsz) +
                      " < p_filesz " + std::to_string(p.filesz));
    }
    if (!r.has(p.offset, p.filesz)) {
      return fail(error, path,
                  "truncated segment " + std::to_string(i) + ": " + std::to_string(p.filesz) +
                      " bytes at offset " + hex_address(p.offset) +
                      " run past the end of the file (" + std::to_string(data.size()) + " bytes)");
    }
    total += p.filesz;
    if (loads.size() == kMaxLoadedPieces || total > kMaxLoadedBytes) {
      return fail(error, path,
                  "PT_LOAD segments exceed " + std::to_string(kMaxLoadedPieces) + " or " +
                      std::to_string(kMaxLoadedBytes) + " bytes");
    }
    loads.push_back(p);
  }
  if (loads.empty()) return fail(error, path, "no PT_LOAD segment");
  if (*image->entry == 0) return fail(error, path, "no entry point (e_entry is 0)");

  const SectionTable table = section_table(r);
  if (!segments_from_sections(path, data, r, read_sections(r, table, r.u16(50)), loads,
                              &image->segments, error)) {
    return false;
  }
  if (image->segments.empty()) {
    // No section table: the PT_LOAD segments as they are.
    for (const ProgramHeader& p : loads) {
      FirmwareSegment seg;
      seg.name = "segment " + std::to_string(p.index);
      seg.index = p.index;
      seg.paddr = p.paddr;
      seg.vaddr = p.vaddr;
      seg.filesz = p.filesz;
      seg.memsz = p.memsz;
      seg.bytes.assign(data.begin() + p.offset, data.begin() + p.offset + p.filesz);
      image->segments.push_back(std::move(seg));
    }
  }
  read_symbols(r, table, image);
  return true;
}

bool read_elf_file(const std::string& path, ElfImage* image, std::string* error) {
  std::vector<uint8_t> data;
  if (!read_file_bounded(path, kMaxElfFileBytes, "an ELF file", "kMaxElfFileBytes", &data, error))
    return false;
  return parse_elf(path, data, image, error);
}

}  // namespace ehsim::mcu

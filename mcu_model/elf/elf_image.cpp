#include "mcu_model/elf/elf_image.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ehsim::mcu {
namespace {

// ELF32 layout constants (System V ABI, "ELF Header", "Program Header", "Sections").
constexpr size_t kEhdrSize = 52, kPhdrSize = 32, kShdrSize = 40, kSymSize = 16;
constexpr uint8_t kElfClass32 = 1, kElfData2Lsb = 1, kElfData2Msb = 2;
constexpr uint16_t kEtExec = 2;
constexpr uint32_t kPtLoad = 1, kShtSymtab = 2;

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

 private:
  const std::vector<uint8_t>& data_;
};

std::string hex(uint64_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << std::uppercase << v;
  return s.str();
}

bool fail(std::string* error, const std::string& path, const std::string& what) {
  if (error) *error = path + ": " + what;
  return false;
}

void read_symbols(const std::vector<uint8_t>& data, const Reader& r, uint32_t shoff, uint16_t shnum,
                  uint16_t shentsize, ElfImage* image) {
  // Symbols are optional (a stripped ELF still runs): a damaged table is skipped, not fatal.
  if (shoff == 0 || shnum == 0 || shentsize < kShdrSize) return;
  if (!r.has(shoff, uint64_t(shnum) * shentsize)) return;
  for (uint16_t i = 0; i < shnum; ++i) {
    const size_t sh = shoff + size_t(i) * shentsize;
    if (r.u32(sh + 4) != kShtSymtab) continue;
    const uint32_t off = r.u32(sh + 16), size = r.u32(sh + 20), link = r.u32(sh + 24);
    if (link >= shnum || !r.has(off, size)) continue;
    const size_t str_sh = shoff + size_t(link) * shentsize;
    const uint32_t str_off = r.u32(str_sh + 16), str_size = r.u32(str_sh + 20);
    if (!r.has(str_off, str_size)) continue;
    for (uint32_t s = 0; s + kSymSize <= size; s += kSymSize) {
      const size_t sym = off + s;
      const uint32_t name = r.u32(sym);
      const uint16_t shndx = r.u16(sym + 14);
      if (name == 0 || name >= str_size || shndx == 0) continue;  // unnamed or undefined
      const char* begin = reinterpret_cast<const char*>(data.data()) + str_off + name;
      size_t len = 0;
      while (name + len < str_size && begin[len] != '\0') ++len;
      if (name + len >= str_size) continue;  // unterminated name
      image->symbols.emplace(std::string(begin, len), r.u32(sym + 4));
    }
  }
}

}  // namespace

std::optional<uint32_t> ElfImage::symbol(const std::string& name) const {
  const auto it = symbols.find(name);
  if (it == symbols.end()) return std::nullopt;
  return it->second;
}

bool parse_elf(const std::string& path, const std::vector<uint8_t>& data, ElfImage* image,
               std::string* error) {
  const Reader r(data);
  *image = ElfImage{};
  image->path = path;
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
                "wrong machine " + std::to_string(machine) + ", expected EM_MSP430 (105)");
  }
  if (type != kEtExec) {
    return fail(error, path,
                "ELF type " + std::to_string(type) + " is not an executable (ET_EXEC)");
  }
  image->entry = r.u32(24);
  const uint32_t phoff = r.u32(28), shoff = r.u32(32);
  const uint16_t phentsize = r.u16(42), phnum = r.u16(44), shentsize = r.u16(46), shnum = r.u16(48);
  if (phnum == 0) return fail(error, path, "no program headers (nothing to load)");
  if (phentsize < kPhdrSize) {
    return fail(error, path,
                "program header entry size " + std::to_string(phentsize) + " is smaller than 32");
  }
  if (!r.has(phoff, uint64_t(phnum) * phentsize)) {
    return fail(error, path,
                "truncated program header table (" + std::to_string(phnum) + " entries at offset " +
                    hex(phoff) + ", file is " + std::to_string(data.size()) + " bytes)");
  }
  for (uint16_t i = 0; i < phnum; ++i) {
    const size_t ph = phoff + size_t(i) * phentsize;
    if (r.u32(ph) != kPtLoad) continue;
    ElfSegment seg;
    seg.index = i;
    const uint32_t offset = r.u32(ph + 4);
    seg.vaddr = r.u32(ph + 8);
    seg.paddr = r.u32(ph + 12);
    seg.filesz = r.u32(ph + 16);
    seg.memsz = r.u32(ph + 20);
    if (seg.memsz < seg.filesz) {
      return fail(error, path,
                  "segment " + std::to_string(i) + " has p_memsz " + std::to_string(seg.memsz) +
                      " < p_filesz " + std::to_string(seg.filesz));
    }
    if (!r.has(offset, seg.filesz)) {
      return fail(error, path,
                  "truncated segment " + std::to_string(i) + ": " + std::to_string(seg.filesz) +
                      " bytes at offset " + hex(offset) + " run past the end of the file (" +
                      std::to_string(data.size()) + " bytes)");
    }
    seg.bytes.assign(data.begin() + offset, data.begin() + offset + seg.filesz);
    image->segments.push_back(std::move(seg));
  }
  if (image->segments.empty()) return fail(error, path, "no PT_LOAD segment");
  if (image->entry == 0) return fail(error, path, "no entry point (e_entry is 0)");
  read_symbols(data, r, shoff, shnum, shentsize, image);
  return true;
}

bool read_elf_file(const std::string& path, ElfImage* image, std::string* error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return fail(error, path, "is a directory, expected an ELF file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(error, path, "cannot open file");
  // One byte more than allowed is read, so that an endless input (/dev/zero) stops there.
  std::vector<uint8_t> data;
  char buf[65536];
  while (in && data.size() <= kMaxElfFileBytes) {
    in.read(buf, std::streamsize(std::min(sizeof buf, kMaxElfFileBytes + 1 - data.size())));
    data.insert(data.end(), buf, buf + in.gcount());
  }
  if (in.bad()) return fail(error, path, "read error");
  if (data.size() > kMaxElfFileBytes) {
    return fail(error, path,
                "longer than the limit of " + std::to_string(kMaxElfFileBytes) +
                    " bytes for an ELF file (kMaxElfFileBytes)");
  }
  return parse_elf(path, data, image, error);
}

}  // namespace ehsim::mcu

// ELF32 little-endian EM_MSP430 executables: parsed into loadable segments and a symbol table.
// Every offset and size read from the file is bounds-checked; malformed input yields an error
// message naming the file, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ehsim::mcu {

struct ElfSegment {
  int index = 0;       // program header index, for messages
  uint32_t paddr = 0;  // load address (LMA): where a programmer writes the bytes
  uint32_t vaddr = 0;  // run address (VMA)
  uint32_t filesz = 0;
  uint32_t memsz = 0;
  std::vector<uint8_t> bytes;  // filesz bytes from the file
};

struct ElfImage {
  std::string path;
  uint32_t entry = 0;
  std::vector<ElfSegment> segments;  // PT_LOAD only, in file order
  std::map<std::string, uint32_t> symbols;

  std::optional<uint32_t> symbol(const std::string& name) const;
};

inline constexpr uint16_t kEmMsp430 = 105;  // e_machine EM_MSP430 (ELF machine registry)

// Parse `data` (the contents of `path`, which is used in messages only).
bool parse_elf(const std::string& path, const std::vector<uint8_t>& data, ElfImage* image,
               std::string* error);
// Largest ELF file read: the FR5994's 256 KB of FRAM plus generous room for debug sections. An
// endless input (/dev/zero) is rejected once it passes the limit.
inline constexpr size_t kMaxElfFileBytes = size_t(64) << 20;
// Read and parse a file.
bool read_elf_file(const std::string& path, ElfImage* image, std::string* error);

}  // namespace ehsim::mcu

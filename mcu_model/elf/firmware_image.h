// Firmware images. This folder (named elf/ for history) reads every firmware format ehsim loads
// into one in-memory form, FirmwareImage, and loads that into the MCU's memory (elf_load.h):
//   ELF      elf_image.*  msp430-elf-gcc, clang/ld.lld and TI CCS (EABI) executables
//   Intel HEX intel_hex.* records 00-05, checksums verified
//   TI-TXT   ti_txt.*     "@ADDR" lines, hex bytes, "q" (MSP Flasher, UniFlash, mspdebug)
// read_firmware_file() tells the formats apart by their content, never by the file's extension.
// Every size an input controls is bounded, and malformed input yields an error message that
// starts with the file's path and names the record (line) or segment and the address.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ehsim::mcu {

// One stretch of memory the image fills: `bytes` at `paddr`, then memsz - filesz zero bytes
// (ELF .bss-like sections; written only where they lie in FRAM, see elf_load.h).
struct FirmwareSegment {
  std::string name;     // for messages: "section .text", "segment 2", "lines 3-40"
  int index = 0;        // ELF: program header index; text formats: first line
  uint32_t paddr = 0;   // load address (LMA): where a programmer writes the bytes
  uint32_t vaddr = 0;   // run address (VMA); equals paddr for HEX and TI-TXT
  uint32_t filesz = 0;  // bytes.size()
  uint32_t memsz = 0;   // filesz plus the zero-filled part
  std::vector<uint8_t> bytes;
};

struct FirmwareSymbol {
  uint32_t address = 0;
  uint32_t size = 0;  // ELF st_size (0 when the object has no size, e.g. a label)
};

enum class FirmwareFormat : uint8_t { kElf, kIntelHex, kTiTxt };
const char* to_string(FirmwareFormat format);

struct FirmwareImage {
  std::string path;
  FirmwareFormat format = FirmwareFormat::kElf;
  // ELF e_entry, Intel HEX start address (record 03 or 05); TI-TXT has none. The MCU does not use
  // it: it starts at the reset vector like the device.
  std::optional<uint32_t> entry;
  std::vector<FirmwareSegment> segments;
  std::map<std::string, FirmwareSymbol> symbols;  // ELF only

  std::optional<uint32_t> symbol(const std::string& name) const;
  const FirmwareSymbol* find_symbol(const std::string& name) const;
};

// The MSP430X address space: 20 bits.
inline constexpr uint64_t kAddressSpaceEnd = 0x100000;
// Largest Intel HEX or TI-TXT file: about 3 characters per byte, so a full 1 MB address space
// fits with room to spare.
inline constexpr size_t kMaxTextImageBytes = size_t(4) << 20;

// Parses `data` (the contents of `path`, used in messages only) in the format its first bytes
// show: \x7FELF, ':' (Intel HEX) or '@' (TI-TXT), leading whitespace skipped for the text forms.
bool parse_firmware(const std::string& path, const std::vector<uint8_t>& data, FirmwareImage* image,
                    std::string* error);
// Reads and parses a firmware file of any format.
bool read_firmware_file(const std::string& path, FirmwareImage* image, std::string* error);

// Reads at most max_bytes of `path` into `data`; an endless input (/dev/zero) stops one byte past
// the limit. Messages name what was expected ("an ELF file") and the limit's constant.
bool read_file_bounded(const std::string& path, size_t max_bytes, const std::string& what,
                       const std::string& limit_name, std::vector<uint8_t>* data,
                       std::string* error);

// "0x1C00" style, upper-case hex digits.
std::string hex_address(uint64_t value);
// "0x1C00-0x1C0F" for len bytes at start (a single address when len is 0 or 1).
std::string hex_range(uint64_t start, uint64_t len);

}  // namespace ehsim::mcu

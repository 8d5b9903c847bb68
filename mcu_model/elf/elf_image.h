// ELF32 little-endian EM_MSP430 executables (msp430-elf-gcc, clang + ld.lld, TI CCS EABI, which
// uses the same machine number) parsed into a FirmwareImage (firmware_image.h).
//
// What is loaded: every allocated section with contents (SHF_ALLOC, not SHT_NOBITS) at its load
// address, i.e. its offset within the PT_LOAD segment that holds it, added to that segment's
// p_paddr (as objcopy computes an LMA). Sections without SHF_ALLOC (.TI.attributes,
// .MSP430.attributes, __TI_build_attributes, debug info) are ignored, and so are the bytes of a
// PT_LOAD that belong to no section (GNU ld may map the ELF and program headers into the first
// PT_LOAD, just below the lowest section). NOBITS sections (.bss, NOLOAD sections) carry no
// bytes; they are listed with filesz 0 so that the loader can zero-fill those in FRAM. Section
// names are free (.lower.*, .upper.*, .either.*, __interrupt_vector_N, .persistent, .infoA):
// where a section goes is its address. A file without a section table is loaded by its PT_LOAD
// segments.
//
// Every offset and size read from the file is bounds-checked; malformed input yields an error
// message naming the file, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mcu_model/elf/firmware_image.h"

namespace ehsim::mcu {

// The names from before the other formats, still used where only ELF is read.
using ElfSegment = FirmwareSegment;
using ElfImage = FirmwareImage;

inline constexpr uint16_t kEmMsp430 = 105;  // e_machine EM_MSP430 (ELF machine registry)

// Parse `data` (the contents of `path`, which is used in messages only).
bool parse_elf(const std::string& path, const std::vector<uint8_t>& data, ElfImage* image,
               std::string* error);
// Largest ELF file read: the FR5994's 256 KB of FRAM plus generous room for debug sections. An
// endless input (/dev/zero) is rejected once it passes the limit.
inline constexpr size_t kMaxElfFileBytes = size_t(64) << 20;
// Read and parse an ELF file (read_firmware_file() takes any format).
bool read_elf_file(const std::string& path, ElfImage* image, std::string* error);

}  // namespace ehsim::mcu

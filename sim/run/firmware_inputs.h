// Data the host places into a firmware before it runs, shared by `ehsim exec` (--load,
// --samples) and `ehsim run` (the inference section): bytes written at an ELF symbol, and the
// samples host_io hands out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "freeml/reference/samples.h"
#include "mcu_model/elf/elf_image.h"
#include "mcu_model/mcu.h"

namespace ehsim {

// Writes `bytes` at ELF symbol `symbol` of the firmware read from elf_path (at most its st_size
// bytes) into the loaded MCU image. False with *error saying what is wrong ("no symbol 'X' in F",
// "has N bytes, more than the M bytes at symbol 'X'", ...).
bool load_at_symbol(const std::string& elf_path, const mcu::ElfImage& image, mcu::Mcu& mcu,
                    const std::string& symbol, const std::vector<uint8_t>& bytes,
                    std::string* error);

// Bytes of `file` written into memory before reset (`--load FILE@SYMBOL|ADDR`).
struct LoadRequest {
  std::string file;
  std::string symbol;  // empty when an address was given
  uint32_t addr = 0;
};

// --load FILE@SYMBOL|ADDR, in order: every file must fit its target (the symbol's st_size, or
// the 1 MB address space from ADDR on, in memory the part has: FRAM above 64 KB too). Throws
// InputError naming the option and the file.
void apply_loads(const std::string& elf_path, const std::vector<LoadRequest>& loads,
                 const mcu::ElfImage& image, mcu::Mcu& mcu);

// --samples FILE: host_io hands the file's samples out in order. Throws InputError naming the file.
void attach_sample_file(const std::string& path, mcu::Mcu& mcu);

// Samples [first, end) of a sample file, with their index in the file and label (-1 unknown).
std::vector<mcu::Sample> host_samples(const freeml::ref::SampleSet& set, size_t first, size_t end);

}  // namespace ehsim

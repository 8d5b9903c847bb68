// libFuzzer harness for the ELF loader (mcu_model/elf): parse_elf, then load_elf_into a fresh
// MSP430FR5994 bus; and for the symbol-size lookup of `ehsim exec --load` and FreeML model
// loading (elf_symbol_size, sim/cli/exec_args.cpp), which reads the section table on its own.
// Malformed input must give an error naming the file, never a crash.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "mcu_model/elf/elf_image.h"
#include "mcu_model/elf/elf_load.h"
#include "mcu_model/mem/bus.h"
#include "sim/cli/exec_args.h"

namespace {

[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "fuzz_elf: %s\n", what);
  std::abort();
}

bool names_file(const std::string& error) {
  return error.rfind("fuzz.elf: ", 0) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ehsim::mcu;
  const std::vector<uint8_t> bytes(data, data + size);
  uint32_t symbol_size = 0;
  std::string why;
  (void)ehsim::elf_symbol_size(bytes, "freeml_model", &symbol_size, &why);
  ElfImage image;
  std::string error;
  if (!parse_elf("fuzz.elf", bytes, &image, &error)) {
    if (!names_file(error)) broken("parse error does not name the file");
    return 0;
  }
  for (const ElfSegment& seg : image.segments) {
    if (seg.bytes.size() != seg.filesz || seg.memsz < seg.filesz) broken("segment sizes");
  }
  int looked_up = 0;
  for (const auto& [name, address] : image.symbols) {
    if (++looked_up > 8) break;
    (void)address;
    (void)ehsim::elf_symbol_size(bytes, name, &symbol_size, &why);
  }
  McuContext ctx;
  Bus bus(MemoryMap::msp430fr5994(), ctx);
  if (!load_elf_into(image, bus, &error) && !names_file(error)) {
    broken("load error does not name the file");
  }
  return 0;
}

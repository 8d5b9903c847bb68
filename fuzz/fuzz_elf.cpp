// libFuzzer harness for the ELF reader (mcu_model/elf): parse_elf, then load_elf_into a fresh
// MSP430FR5994 bus; and `ehsim exec --dump SYMBOL` resolution (resolve_dump, sim/cli/exec_args.cpp)
// on the symbols read. Malformed input must give an error naming the file, never a crash.
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
  for (const auto& entry : image.symbols) {
    if (++looked_up > 8) break;
    ehsim::DumpRequest dump;
    if (!ehsim::parse_dump(entry.first, &dump, &error)) continue;
    if (ehsim::resolve_dump(image, uint32_t(kAddressSpaceEnd), &dump, &error) &&
        (dump.len == 0 || uint64_t(dump.addr) + dump.len > kAddressSpaceEnd)) {
      broken("resolved dump outside the address space");
    }
  }
  McuContext ctx;
  Bus bus(MemoryMap::msp430fr5994(), ctx);
  if (!load_elf_into(image, bus, &error) && !names_file(error)) {
    broken("load error does not name the file");
  }
  return 0;
}

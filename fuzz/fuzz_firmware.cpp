// libFuzzer harness for the text firmware formats (mcu_model/elf/intel_hex.cpp, ti_txt.cpp) as
// `ehsim exec` and `ehsim run` reach them: parse_firmware (format told by content), then
// load_firmware_into a fresh MSP430FR5994 bus. Errors must name the file; an accepted image's
// segments must lie in the 1 MB address space with consistent sizes.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "mcu_model/elf/elf_load.h"
#include "mcu_model/elf/firmware_image.h"
#include "mcu_model/mem/bus.h"

namespace {

[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "fuzz_firmware: %s\n", what);
  std::abort();
}

bool names_file(const std::string& error) {
  return error.rfind("fuzz.img: ", 0) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ehsim::mcu;
  const std::vector<uint8_t> bytes(data, data + size);
  FirmwareImage image;
  std::string error;
  if (!parse_firmware("fuzz.img", bytes, &image, &error)) {
    if (!names_file(error)) broken("parse error does not name the file");
    return 0;
  }
  for (const FirmwareSegment& seg : image.segments) {
    if (seg.bytes.size() != seg.filesz || seg.memsz < seg.filesz) broken("segment sizes");
    if (image.format != FirmwareFormat::kElf &&
        uint64_t(seg.paddr) + seg.filesz > kAddressSpaceEnd) {
      broken("text segment beyond the address space");
    }
  }
  McuContext ctx;
  Bus bus(MemoryMap::msp430fr5994(), ctx);
  if (!load_firmware_into(image, bus, &error) && !names_file(error)) {
    broken("load error does not name the file");
  }
  return 0;
}

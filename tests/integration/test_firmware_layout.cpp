// The firmware runtime's memory layout (freeml/firmware/runtime/msp430fr5994.ld, crt0.c) against
// the MSP430FR5994 memory map (TI msp430fr5994.ld/.h; facts §2.1, §5.4).
#include <catch2/catch.hpp>
#include <string>

#include "firmware_harness.h"

using namespace fwtest;

namespace {

constexpr uint32_t kSramStart = 0x1C00, kSramEnd = 0x3C00;  // 8 KB SRAM
constexpr uint32_t kFramStart = 0x4000, kFramEnd = 0xFF80;  // small-model main FRAM
constexpr uint32_t kVectorsStart = 0xFF90, kResetVector = 0xFFFE;
constexpr uint32_t kShtNobits = 8, kShtProgbits = 1, kPtLoad = 1;

const Section* find(const ElfLayout& l, const std::string& name) {
  for (const auto& s : l.sections)
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace

TEST_CASE("firmware sections sit in the FR5994 memory regions", "[firmware]") {
  for (const char* prog : {"hello", "crc16", "mpy32_helpers"}) {
    CAPTURE(prog);
    const std::string elf = firmware_path(prog);
    ElfLayout l = elf_layout(elf);
    const Section* text = find(l, ".text");
    REQUIRE(text);
    CHECK(text->address == kFramStart);
    for (const auto& s : l.sections) {
      if (s.size == 0 || s.name.empty() || s.address == 0) continue;  // non-allocated
      CAPTURE(s.name, s.address, s.size);
      if (s.name == ".data" || s.name == ".bss" || s.name == ".noinit") {
        CHECK(s.address >= kSramStart);
        CHECK(s.address + s.size <= kSramEnd);
      } else if (s.name.rfind("__interrupt_vector_", 0) == 0) {
        int n = std::stoi(s.name.substr(19));
        CHECK(s.address == kVectorsStart + 2u * uint32_t(n));  // TI numbering, facts §2.1
        CHECK(s.size == 2);
      } else {
        CHECK(s.address >= kFramStart);
        CHECK(s.address + s.size <= kFramEnd);
      }
    }
    // Reset vector -> _reset, which is also the ELF entry point.
    const Section* reset = find(l, "__interrupt_vector_55");
    REQUIRE(reset);
    CHECK(reset->address == kResetVector);
    CHECK(elf_symbol(elf, "_reset").address == l.entry);
    // The stack starts at the top of SRAM.
    CHECK(elf_symbol(elf, "__stack").address == kSramEnd);
    // .bss is not in the image; every loadable byte sits at a FRAM/vector physical address
    // (.data is loaded to FRAM and copied by crt0), so a flash programmer never writes SRAM.
    for (const auto& seg : l.segments) {
      if (seg.type != kPtLoad || seg.filesz == 0) continue;
      CAPTURE(seg.vaddr, seg.paddr, seg.filesz);
      CHECK(seg.paddr >= kFramStart);
    }
    if (const Section* bss = find(l, ".bss")) CHECK(bss->type == kShtNobits);
  }
}

TEST_CASE("initialised .data has its load image in FRAM and crt0 symbols bracket it",
          "[firmware]") {
  const std::string elf = firmware_path("crc16");  // has initialised_data[] = {1,2,3,4}
  ElfLayout l = elf_layout(elf);
  const Section* data = find(l, ".data");
  REQUIRE(data);
  CHECK(data->type == kShtProgbits);
  CHECK(elf_symbol(elf, "__data_start").address == data->address);
  CHECK(elf_symbol(elf, "__data_end").address == data->address + data->size);
  uint16_t load = elf_symbol(elf, "__data_load_start").address;
  CHECK(load >= kFramStart);
  bool found = false;
  for (const auto& seg : l.segments)
    if (seg.type == kPtLoad && seg.vaddr == data->address) {
      CHECK(seg.paddr == load);
      found = true;
    }
  CHECK(found);
}

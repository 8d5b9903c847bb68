// Firmware images other than ELF (Intel HEX, TI-TXT), format detection by content, the memory maps
// of the known parts, and ELF files in the layouts of other toolchains (issue 13). Intel HEX
// checksums in the hand-written records were computed independently of the reader: the two's
// complement of the record's byte sum (Intel HEX specification rev. A).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "mcu_model/elf/elf_load.h"
#include "mcu_model/elf/firmware_image.h"
#include "mcu_model/mem/bus.h"
#include "tests/test_support.h"

using namespace ehsim::mcu;

namespace {

std::vector<uint8_t> bytes_of(const std::string& text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

FirmwareImage parse_ok(const std::string& name, const std::string& text) {
  FirmwareImage image;
  std::string error;
  INFO(text);
  if (!parse_firmware(name, bytes_of(text), &image, &error)) FAIL(error);
  return image;
}

std::string parse_error(const std::string& name, const std::string& text) {
  FirmwareImage image;
  std::string error;
  if (parse_firmware(name, bytes_of(text), &image, &error)) FAIL("accepted:\n" << text);
  return error;
}

std::string load_error(const FirmwareImage& image) {
  McuContext ctx;
  Bus bus(MemoryMap::msp430fr5994(), ctx);
  std::string error;
  if (load_firmware_into(image, bus, &error)) FAIL("loaded " << image.path);
  return error;
}

const std::vector<uint8_t> kDeadBeef{0xDE, 0xAD, 0xBE, 0xEF};

}  // namespace

TEST_CASE("Intel HEX: data records, extended addresses and start address", "[elf][hex]") {
  const auto image = parse_ok("fw.hex",
                              ":04400000DEADBEEF84\n"  // 0x4000
                              ":02400400CAFEF2\r\n"    // 0x4004: continues line 1 (CRLF)
                              ":020000040001F9\n"      // linear base 0x10000
                              ":03000200A1B2C3E5\n"    // 0x10002
                              "\n"
                              ":020000021000EC\n"      // segment base 0x1000 << 4
                              ":02001000556633\n"      // 0x10010
                              ":0400000500004400B3\n"  // start linear address 0x4400
                              ":00000001FF\n");
  CHECK(image.format == FirmwareFormat::kIntelHex);
  REQUIRE(image.segments.size() == 3);
  CHECK(image.segments[0].paddr == 0x4000);
  CHECK(image.segments[0].name == "lines 1-2");
  CHECK(image.segments[0].bytes == std::vector<uint8_t>{0xDE, 0xAD, 0xBE, 0xEF, 0xCA, 0xFE});
  CHECK(image.segments[1].paddr == 0x10002);
  CHECK(image.segments[1].name == "line 4");
  CHECK(image.segments[1].bytes == std::vector<uint8_t>{0xA1, 0xB2, 0xC3});
  CHECK(image.segments[2].paddr == 0x10010);
  CHECK(image.segments[2].bytes == std::vector<uint8_t>{0x55, 0x66});
  CHECK(image.entry == 0x4400u);
  CHECK(image.symbols.empty());
}

TEST_CASE("TI-TXT: @ADDR blocks of hex bytes ended by q", "[elf][titxt]") {
  const auto image = parse_ok("fw.txt",
                              "@4400\n"
                              "31 40 00 3c\n"
                              "B2 40\r\n"
                              "@FFFE\n"
                              "00 44\n"
                              "q\n");
  CHECK(image.format == FirmwareFormat::kTiTxt);
  REQUIRE(image.segments.size() == 2);
  CHECK(image.segments[0].paddr == 0x4400);
  CHECK(image.segments[0].name == "lines 2-3");
  CHECK(image.segments[0].bytes == std::vector<uint8_t>{0x31, 0x40, 0x00, 0x3C, 0xB2, 0x40});
  CHECK(image.segments[1].paddr == 0xFFFE);
  CHECK(image.segments[1].bytes == std::vector<uint8_t>{0x00, 0x44});
  CHECK_FALSE(image.entry.has_value());
  // Five hex digits reach the 20-bit address space.
  CHECK(parse_ok("hi.txt", "@10000\nAA\nq\n").segments.at(0).paddr == 0x10000);
}

TEST_CASE("the firmware format is told by content, not by the file name", "[elf][formats]") {
  CHECK(parse_ok("firmware.elf", ":04400000DEADBEEF84\n:00000001FF\n").format ==
        FirmwareFormat::kIntelHex);
  CHECK(parse_ok("firmware.hex", "\n  @4400\nAA\nq").format == FirmwareFormat::kTiTxt);
  std::string error = parse_error("fw.bin", "hello");
  CHECK(error ==
        "fw.bin: not an ELF file, Intel HEX (':' records) or TI-TXT ('@ADDR' lines): it "
        "starts with byte 0x68");
  CHECK(parse_error("empty.hex", "").find("empty.hex: not an ELF file") == 0);
}

TEST_CASE("Intel HEX errors name the file, the line and the address", "[elf][hex]") {
  CHECK(parse_error("fw.hex", ":04400000DEADBEEF84\n:02400400CAFEF3\n:00000001FF\n") ==
        "fw.hex: line 2: checksum 0xF3 is wrong, expected 0xF2");
  CHECK(parse_error("fw.hex", ":020000040010EA\n:01FFFF00AA57\n:00000001FF\n") ==
        "fw.hex: line 2: data record at 0x10FFFF-0x10FFFF lies beyond the 1 MB address space "
        "(0x0-0xFFFFF)");
  CHECK(parse_error("fw.hex", ":02000004000FEB\n:02FFFF001122CD\n:00000001FF\n") ==
        "fw.hex: line 2: data record at 0xFFFFF-0x100000 lies beyond the 1 MB address space "
        "(0x0-0xFFFFF)");
  CHECK(parse_error("fw.hex", ":04400000DEADBEEF84\n") ==
        "fw.hex: no end-of-file record (:00000001FF): the file is truncated");
  CHECK(parse_error("fw.hex", ":04400000DEADBEEF84\n:00000001FF\n:00000001FF\n") ==
        "fw.hex: line 3: text after the end-of-file record of line 2");
  CHECK(parse_error("fw.hex", ":04400000DEADBEXF84\n") == "fw.hex: line 1: 'XF' is not a hex byte");
  CHECK(parse_error("fw.hex", ":05400000DEADBEEF83\n") ==
        "fw.hex: line 1: byte count 0x05 does not match the record's 4 data bytes");
  CHECK(parse_error("fw.hex", ":01000006AA4F\n") ==
        "fw.hex: line 1: unknown record type 0x06 (Intel HEX has 00-05)");
  CHECK(parse_error("fw.hex", ":00000001FF\n") == "fw.hex: no data records: nothing to load");
  CHECK(parse_error("fw.hex", ":0440\n").find("fw.hex: line 1: a record has") == 0);
  CHECK(parse_error("fw.hex", ":00000001FF\n\x01garbage").find("fw.hex: line 2:") == 0);
}

TEST_CASE("TI-TXT errors name the file, the line and the address", "[elf][titxt]") {
  CHECK(parse_error("fw.txt", "@4400\n31 G1\nq\n") == "fw.txt: line 2: 'G1' is not a hex byte");
  CHECK(parse_error("fw.txt", "@4400\n314\nq\n") == "fw.txt: line 2: '314' is not a hex byte");
  CHECK(parse_error("fw.txt", "@100000\nAA\nq\n") ==
        "fw.txt: line 1: address 0x100000 lies beyond the 1 MB address space (0x0-0xFFFFF)");
  CHECK(parse_error("fw.txt", "@FFFFF\nAA BB\nq\n") ==
        "fw.txt: line 2: data at 0xFFFFF-0x100000 runs beyond the 1 MB address space "
        "(0x0-0xFFFFF)");
  CHECK(parse_error("fw.txt", "@4400\nAA\n") == "fw.txt: no 'q' terminator: the file is truncated");
  CHECK(parse_error("fw.txt", "@4400\nAA\nq\nBB\n") ==
        "fw.txt: line 4: text after the 'q' terminator of line 3");
  CHECK(parse_error("fw.txt", "@44x0\nAA\nq\n") ==
        "fw.txt: line 1: '@44x0' is not an address line (@ and hex digits)");
}

TEST_CASE("loading checks every segment against the memory map and names what it hits",
          "[elf][formats]") {
  auto image = parse_ok("fw.hex", ":04020000DEADBEEFC2\n:00000001FF\n");  // 0x0200: the ports
  CHECK(load_error(image) ==
        "fw.hex: line 1 (0x200-0x203) overlaps the peripheral region 'peripherals' "
        "(0x20-0xFFF) of the MSP430FR5994");
  image = parse_ok("fw.txt", "@1AFE\n01 02 03 04\nq\n");  // TLV ends at 0x1AFF
  CHECK(load_error(image) ==
        "fw.txt: line 2 (0x1AFE-0x1B01) reaches 0x1B00, where the MSP430FR5994 has no memory "
        "(not FRAM, SRAM or ROM)");
  // Information memory is FRAM and loads.
  image = parse_ok("info.txt", "@1980\n34 12\nq\n");
  McuContext ctx;
  Bus bus(MemoryMap::msp430fr5994(), ctx);
  std::string error;
  REQUIRE(load_firmware_into(image, bus, &error));
  CHECK(bus.peek_word(0x1980) == 0x1234);
}

TEST_CASE("memory maps of the MSP430FR5969, FR5994 and FR6989 by part name", "[elf][mem][map]") {
  CHECK(MemoryMap::known_parts() ==
        std::vector<std::string>{"MSP430FR5969", "MSP430FR5994", "MSP430FR6989"});
  const MemoryMap fr5994 = MemoryMap::for_part("msp430fr5994");
  CHECK(fr5994.device == "MSP430FR5994");
  CHECK(fr5994.regions.size() == MemoryMap::msp430fr5994().regions.size());
  struct Probe {
    const char* part;
    uint32_t addr;
    RegionKind kind;
  };
  // Region edges from each part's TI linker script and datasheet (see memory_map.cpp).
  const Probe probes[] = {
      {"MSP430FR5969", 0x0FFF, RegionKind::kPeripheral},
      {"MSP430FR5969", 0x1800, RegionKind::kFram},
      {"MSP430FR5969", 0x23FF, RegionKind::kSram},
      {"MSP430FR5969", 0x2400, RegionKind::kVacant},
      {"MSP430FR5969", 0x43FF, RegionKind::kVacant},
      {"MSP430FR5969", 0x4400, RegionKind::kFram},
      {"MSP430FR5969", 0x13FFF, RegionKind::kFram},
      {"MSP430FR5969", 0x14000, RegionKind::kVacant},
      {"MSP430FR6989", 0x0006, RegionKind::kSram},
      {"MSP430FR6989", 0x0020, RegionKind::kPeripheral},
      {"MSP430FR6989", 0x23FF, RegionKind::kSram},
      {"MSP430FR6989", 0x4400, RegionKind::kFram},
      {"MSP430FR6989", 0x23FFF, RegionKind::kFram},
      {"MSP430FR6989", 0x24000, RegionKind::kVacant},
      {"MSP430FR5994", 0x3BFF, RegionKind::kSram},
      {"MSP430FR5994", 0x43FFF, RegionKind::kFram},
  };
  for (const Probe& p : probes) {
    const MemoryMap map = MemoryMap::for_part(p.part);
    const Region* r = map.find(p.addr);
    INFO(p.part << " address 0x" << std::hex << p.addr);
    CHECK((r ? r->kind : RegionKind::kVacant) == p.kind);
  }
  try {
    (void)MemoryMap::for_part("MSP430G2553");
    FAIL("accepted an unknown part");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()) ==
          "unknown part 'MSP430G2553'; known parts: MSP430FR5969, MSP430FR5994, MSP430FR6989");
  }
}

TEST_CASE("ELF in GNU ld's layout: allocated sections load, headers and TI sections do not",
          "[elf][formats]") {
  const std::string path = std::string(EHSIM_FIRMWARE_DIR) + "/layouts/layout_sections.elf";
  FirmwareImage image;
  std::string error;
  REQUIRE(read_firmware_file(path, &image, &error));
  CHECK(image.format == FirmwareFormat::kElf);
  std::vector<std::string> names;
  for (const auto& seg : image.segments) names.push_back(seg.name);
  // The first PT_LOAD (ELF and program headers at 0x1B4C, no memory there) belongs to no section;
  // .TI.attributes and .MSP430.attributes are not allocated.
  CHECK(names == std::vector<std::string>{"section .infoA", "section .text",
                                          "section __interrupt_vector_55"});
  const FirmwareSymbol* info = image.find_symbol("info_word");
  REQUIRE(info);
  CHECK(info->address == 0x1980);
  CHECK(info->size == 4);
  McuContext ctx;
  Bus bus(MemoryMap::msp430fr5994(), ctx);
  REQUIRE(load_firmware_into(image, bus, &error));
  CHECK(bus.peek_word(0x1980) == 0x1234);
  CHECK(bus.peek_word(0xFFFE) == 0x4400);

  REQUIRE(read_firmware_file(std::string(EHSIM_FIRMWARE_DIR) + "/layouts/layout_upper.elf", &image,
                             &error));
  const FirmwareSegment& upper = image.segments.back();
  CHECK(upper.name == "section .upper.data");
  CHECK(upper.paddr == 0x10000);
  CHECK(upper.bytes == std::vector<uint8_t>{0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6});
  CHECK(check_loadable(bus.map(), upper.paddr, upper.filesz).empty());  // FRAM2
}

TEST_CASE("read_firmware_file bounds its input and names the file", "[elf][formats]") {
  FirmwareImage image;
  std::string error;
  REQUIRE_FALSE(read_firmware_file("/dev/zero", &image, &error));  // stops after the first chunk
  CHECK(error ==
        "/dev/zero: not an ELF file, Intel HEX (':' records) or TI-TXT ('@ADDR' lines): "
        "it starts with byte 0x0");
  REQUIRE_FALSE(read_firmware_file("/", &image, &error));
  CHECK(error == "/: is a directory, expected a firmware image (ELF, Intel HEX or TI-TXT)");
  const auto big = std::filesystem::path(ehsim_test::scratch_dir("formats")) / "big.hex";
  std::ofstream(big) << ":00000001FF\n";
  std::filesystem::resize_file(big, kMaxTextImageBytes + 1);  // sparse
  REQUIRE_FALSE(read_firmware_file(big.string(), &image, &error));
  CHECK(error == big.string() +
                     ": longer than the limit of 4194304 bytes for an Intel HEX or TI-TXT file "
                     "(kMaxTextImageBytes)");
}

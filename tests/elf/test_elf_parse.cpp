// ELF parsing and loading: a well-formed image, every malformed variant the loader must reject
// with a message naming the file, and truncation at every length (never a crash).
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "mcu_model/elf/elf_image.h"
#include "mcu_model/elf/elf_load.h"
#include "mcu_model/mem/bus.h"
#include "tests/elf/elf_builder.h"

using namespace ehsim::mcu;
using elftest::put16;
using elftest::put32;

namespace {

std::string parse_error(const std::vector<uint8_t>& data) {
  ElfImage image;
  std::string error;
  if (parse_elf("fw.elf", data, &image, &error)) return "";
  return error;
}

std::vector<uint8_t> sample(elftest::Layout* layout = nullptr) {
  return elftest::program_elf({0x4034, 0x1234, 0x3FFF}, {{"main", 0x4000}, {"loop", 0x4004}},
                              layout);
}

}  // namespace

TEST_CASE("parse_elf reads PT_LOAD segments at their LMA and the symbol table", "[elf]") {
  ElfImage image;
  std::string error;
  // .data-like segment: runs at 0x1C00 (VMA), stored at 0x5000 (LMA).
  const auto data = elftest::build_elf({{0x4000, 0, elftest::words({0x3FFF}), 0},
                                        {0x5000, 0x1C00, {1, 2, 3, 4}, 0},
                                        {0x6000, 0, {9, 9}, 8},
                                        {0xFFFE, 0, elftest::words({0x4000}), 0}},
                                       {{"main", 0x4000}, {"buffer", 0x1C00}}, 0x4000);
  REQUIRE(parse_elf("fw.elf", data, &image, &error));
  REQUIRE(image.entry == 0x4000);
  REQUIRE(image.segments.size() == 4);
  CHECK(image.segments[1].paddr == 0x5000);
  CHECK(image.segments[1].vaddr == 0x1C00);
  CHECK(image.symbol("main") == 0x4000u);
  CHECK(image.symbol("buffer") == 0x1C00u);
  CHECK_FALSE(image.symbol("nope"));

  McuContext ctx;
  Bus bus(MemoryMap::msp430fr5994(), ctx);
  for (uint32_t a = 0x6000; a < 0x6008; ++a) bus.poke_byte(uint16_t(a), 0xAA);
  REQUIRE(load_elf_into(image, bus, &error));
  CHECK(bus.peek_word(0x4000) == 0x3FFF);
  CHECK(bus.peek_byte(0x5000) == 1);
  CHECK(bus.peek_byte(0x5003) == 4);
  CHECK(bus.peek_word(0xFFFE) == 0x4000);
  // p_memsz beyond p_filesz in FRAM is zero-filled.
  CHECK(bus.peek_byte(0x6001) == 9);
  CHECK(bus.peek_byte(0x6002) == 0);
  CHECK(bus.peek_byte(0x6007) == 0);
}

TEST_CASE("parse_elf rejects malformed files with a message naming the file", "[elf]") {
  elftest::Layout layout;
  const auto good = sample(&layout);
  REQUIRE(parse_error(good).empty());

  auto expect = [](const std::vector<uint8_t>& data, const std::string& what) {
    const std::string error = parse_error(data);
    INFO(error);
    CHECK(error.rfind("fw.elf: ", 0) == 0);
    CHECK(error.find(what) != std::string::npos);
  };
  expect({'h', 'e', 'l', 'l', 'o'}, "not an ELF");
  expect({}, "not an ELF");
  expect(std::vector<uint8_t>(good.begin(), good.begin() + 30), "truncated ELF header");
  auto c = good;
  c[4] = 2;
  expect(c, "ELF32");
  c = good;
  c[5] = 2;
  expect(c, "big-endian");
  c = good;
  put16(c, 18, 40);  // EM_ARM
  expect(c, "EM_MSP430");
  c = good;
  put16(c, 16, 1);  // ET_REL
  expect(c, "executable");
  c = good;
  put32(c, 24, 0);
  expect(c, "no entry");
  expect(std::vector<uint8_t>(good.begin(), good.begin() + layout.phoff + 40),
         "truncated program header table");
  c = good;
  put32(c, layout.phoff + 4, uint32_t(good.size() - 2));  // segment 0 runs off the end
  expect(c, "truncated segment 0");
  c = good;
  put16(c, 44, 0);
  expect(c, "no program headers");
}

TEST_CASE("load_elf_into rejects segments outside FRAM/SRAM/ROM and names them", "[elf]") {
  elftest::Layout layout;
  auto data = sample(&layout);
  put32(data, layout.phoff + 32 + 12, 0x0200);  // segment 1 (the vector) into the ports
  ElfImage image;
  std::string error;
  REQUIRE(parse_elf("fw.elf", data, &image, &error));
  McuContext ctx;
  Bus bus(MemoryMap::msp430fr5994(), ctx);
  REQUIRE_FALSE(load_elf_into(image, bus, &error));
  INFO(error);
  CHECK(error.find("fw.elf") != std::string::npos);
  CHECK(error.find("segment 1") != std::string::npos);
  CHECK(error.find("0x200-0x201") != std::string::npos);
}

TEST_CASE("parse_elf never crashes on truncated or corrupted input", "[elf]") {
  const auto good = sample();
  for (size_t len = 0; len < good.size(); ++len) {
    ElfImage image;
    std::string error;
    const bool ok =
        parse_elf("fw.elf", std::vector<uint8_t>(good.begin(), good.begin() + len), &image, &error);
    // Header and program headers and segments come first: anything shorter than them fails.
    if (!ok) CHECK(error.rfind("fw.elf: ", 0) == 0);
  }
  // Corrupt each header/section-table byte with 0xFF: must return, ok or not.
  for (size_t i = 0; i < good.size(); ++i) {
    auto c = good;
    c[i] = 0xFF;
    ElfImage image;
    std::string error;
    (void)parse_elf("fw.elf", c, &image, &error);
  }
  SUCCEED("no crash");
}

TEST_CASE("read_elf_file reports a missing file by name", "[elf]") {
  ElfImage image;
  std::string error;
  REQUIRE_FALSE(read_elf_file("/nonexistent/fw.elf", &image, &error));
  CHECK(error.find("/nonexistent/fw.elf") != std::string::npos);
}

TEST_CASE("the project's firmware ELFs load, and truncated copies are rejected", "[elf]") {
  std::vector<std::filesystem::path> elves;
  for (const auto& entry : std::filesystem::directory_iterator(EHSIM_FIRMWARE_DIR)) {
    if (entry.path().extension() == ".elf") elves.push_back(entry.path());
  }
  std::sort(elves.begin(), elves.end());
  REQUIRE_FALSE(elves.empty());
  for (const auto& path : elves) {
    INFO(path.string());
    ElfImage image;
    std::string error;
    REQUIRE(read_elf_file(path.string(), &image, &error));
    CHECK(image.symbol("main").has_value());
    McuContext ctx;
    Bus bus(MemoryMap::msp430fr5994(), ctx);
    REQUIRE(load_elf_into(image, bus, &error));
    bool has_reset_vector = false;
    for (const auto& seg : image.segments) {
      for (size_t i = 0; i < seg.bytes.size(); ++i) {
        REQUIRE(bus.peek_byte(uint16_t(seg.paddr + i)) == seg.bytes[i]);
      }
      if (seg.paddr <= 0xFFFE && seg.paddr + seg.filesz >= 0x10000) has_reset_vector = true;
    }
    CHECK(has_reset_vector);

    std::ifstream in(path, std::ios::binary);
    const std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)),
                                    std::istreambuf_iterator<char>());
    // The last PT_LOAD's bytes end before the section table: cutting just after the program
    // header table must fail on a segment, cutting inside the header on the header.
    for (size_t len : {size_t(3), size_t(40), size_t(60), size_t(200)}) {
      ElfImage cut;
      CHECK_FALSE(parse_elf(path.string(), std::vector<uint8_t>(data.begin(), data.begin() + len),
                            &cut, &error));
      CHECK(error.find(path.string()) != std::string::npos);
    }
  }
}

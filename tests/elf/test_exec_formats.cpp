// `ehsim exec` on every firmware format (issue 13): the project's firmware converted from ELF to
// Intel HEX by llvm-objcopy and on to TI-TXT by srec_cat, tools independent of ehsim's readers,
// must run with identical results; --dump and --until take symbols and 20-bit addresses; bad
// images exit 2 with a message naming the file, the record or segment, and the address.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "mcu_model/mem/bus.h"
#include "tests/elf/exec_harness.h"
#include "tests/test_support.h"

namespace {

using namespace exectest;
namespace fs = std::filesystem;

std::string firmware(const std::string& name) {
  return std::string(EHSIM_FIRMWARE_DIR) + "/" + name;
}

void convert(const std::string& command) {
  INFO(command);
  REQUIRE(std::system(command.c_str()) == 0);
}

// ELF -> Intel HEX (llvm-objcopy) -> TI-TXT (srec_cat) in the test's scratch directory; returns
// {hex, txt}. The copies get extensions that say nothing true about their format, since the
// reader must go by content.
std::pair<std::string, std::string> converted(const std::string& elf, const std::string& stem) {
  EHSIM_REQUIRE_DEPENDENCY(fs::exists(EHSIM_LLVM_OBJCOPY), "llvm-objcopy",
                           "the Debian package llvm");
  EHSIM_REQUIRE_DEPENDENCY(fs::exists(EHSIM_SREC_CAT), "srec_cat", "the Debian package srecord");
  const std::string hex = (temp_dir() / (stem + ".hex")).string();
  const std::string txt = (temp_dir() / (stem + ".txt")).string();
  convert(std::string(EHSIM_LLVM_OBJCOPY) + " -O ihex " + elf + " " + hex);
  convert(std::string(EHSIM_SREC_CAT) + " " + hex + " -intel -o " + txt + " -ti-txt");
  const std::string hex_as_bin = (temp_dir() / (stem + "-hex.elf")).string();
  const std::string txt_as_bin = (temp_dir() / (stem + "-txt.bin")).string();
  fs::copy_file(hex, hex_as_bin, fs::copy_options::overwrite_existing);
  fs::copy_file(txt, txt_as_bin, fs::copy_options::overwrite_existing);
  return {hex_as_bin, txt_as_bin};
}

std::string text_of(const std::string& path) {
  return ehsim_test::read_text(path);
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Whether this build's bus holds memory above 64 KB (the MSP430X work widens it to 1 MB).
bool bus_reaches_upper_fram() {
  ehsim::mcu::McuContext ctx;
  ehsim::mcu::Bus bus(ehsim::mcu::MemoryMap::msp430fr5994(), ctx);
  const uint8_t byte = 0;
  std::string error;
  return bus.load(0x10000, &byte, 1, &error);
}

}  // namespace

TEST_CASE("exec runs firmware from ELF, Intel HEX and TI-TXT with identical results",
          "[exec][formats]") {
  for (const std::string name : {"hello", "sort", "crc16", "checksum_ckpt"}) {
    const std::string elf = firmware(name + ".elf");
    const auto [hex, txt] = converted(elf, name);
    const std::string args = " --json --max-cycles 20000000 --dump 0x1C00:64 --dump 0x4000:32";
    const Result from_elf = run(elf + args);
    INFO(name << "\n" << from_elf.err);
    REQUIRE(from_elf.status == 0);
    const auto expected = json_of(from_elf);
    CHECK(expected["cycles"].get<uint64_t>() > 0);
    for (const std::string& image : {hex, txt}) {
      const Result r = run(image + args);
      INFO(image << "\n" << r.err);
      CHECK(r.status == from_elf.status);
      CHECK(json_of(r) == expected);  // cycles, registers, output, markers, memory
    }
  }
}

TEST_CASE("exec --dump and --until take ELF symbols and 20-bit addresses", "[exec][formats]") {
  // layouts/layout_sections.elf maps its ELF headers into a PT_LOAD at 0x1B4C-0x1BFF, where the
  // FR5994 has no memory (GNU ld's layout); no section holds them, so they are not loaded.
  const std::string elf = firmware("layouts/layout_sections.elf");
  auto r = run(elf + " --json --dump info_word --dump 0x1980:4");
  INFO(r.err);
  REQUIRE(r.status == 0);
  auto j = json_of(r);
  CHECK(j["exit_reason"] == "host_exit");
  CHECK(j["markers"][0]["arg"] == 0x1234);        // read from information memory (.infoA)
  CHECK(j["memory"]["info_word"] == "34127856");  // st_size 4
  CHECK(j["memory"]["0x1980"] == "34127856");
  CHECK(json_of(run(elf + " --json --dump info_word:2"))["memory"]["info_word"] == "3412");
  r = run(elf + " --json --until before_exit");
  j = json_of(r);
  CHECK(j["exit_reason"] == "until");
  const unsigned stop = j["pc"].get<unsigned>();
  CHECK(stop > 0x4400);
  j = json_of(run(elf + " --json --until " + std::to_string(stop)));  // the same place, decimal
  CHECK(j["exit_reason"] == "until");
  CHECK(j["pc"] == stop);

  const auto [hex, txt] = converted(elf, "layout");
  r = run(hex + " --json --dump info_word");
  CHECK(r.status == 2);
  CHECK(r.err.find("--dump: no symbol 'info_word' in " + hex +
                   " (Intel HEX files have no symbols: give an address)") != std::string::npos);
  r = run(txt + " --until before_exit");
  CHECK(r.status == 2);
  CHECK(r.err.find("(TI-TXT files have no symbols") != std::string::npos);
  CHECK(run(elf + " --dump 0x100000:1").status == 2);
  CHECK(run(elf + " --until 0x100000").status == 2);
  r = run(elf + " --dump nope");
  CHECK(r.status == 2);
  CHECK(r.err.find("no symbol 'nope' in " + elf) != std::string::npos);
  r = run(elf + " --dump done");  // a label: st_size 0
  CHECK(r.status == 2);
  CHECK(r.err.find("symbol 'done' has no size (st_size 0): give done:LEN") != std::string::npos);
}

TEST_CASE("exec loads data above 64 KB from ELF and Intel HEX", "[exec][formats]") {
  const std::string elf = firmware("layouts/layout_upper.elf");
  const auto [hex, txt] = converted(elf, "upper");
  // llvm-objcopy reaches 0x10000 with an extended segment address record (type 02, 0x1000).
  CHECK(text_of(hex).find(":020000021000EC") != std::string::npos);
  // And a hand-written HEX file: the hello program's records plus two bytes at 0x10000 reached
  // by an extended linear address record (type 04), checksums computed by hand. They continue
  // the reset vector at 0xFFFE-0xFFFF, so the reader joins them into one segment.
  std::string hand = text_of(converted(firmware("hello.elf"), "hello").first);
  hand.insert(hand.rfind(":00000001FF"), ":020000040001F9\n:020000005AA5FF\n");
  const std::string hand_hex = (temp_dir() / "hand.hex").string();
  write_text(hand_hex, hand);
  if (bus_reaches_upper_fram()) {
    for (const std::string& image : {elf, hex, txt}) {
      const Result r = run(image + " --json --dump 0x10000:6");
      INFO(image << "\n" << r.err);
      REQUIRE(r.status == 0);
      CHECK(json_of(r)["memory"]["0x10000"] == "a1b2c3d4e5f6");
    }
    CHECK(json_of(run(elf + " --json --dump upper_table"))["memory"]["upper_table"] ==
          "a1b2c3d4e5f6");
    CHECK(json_of(run(hand_hex + " --json --dump 0x10000:2"))["memory"]["0x10000"] == "5aa5");
  } else {
    // A bus of 64 KB (before the MSP430X work) refuses the bytes with exit 2, naming the file,
    // the section or record and the address.
    Result r = run(elf);
    CHECK(r.status == 2);
    CHECK(r.err.find(elf + ": section .upper.data (0x10000-0x10005) cannot be loaded") !=
          std::string::npos);
    r = run(hand_hex);
    CHECK(r.status == 2);
    CHECK(r.err.find(hand_hex + ": lines ") != std::string::npos);
    CHECK(r.err.find("(0xFFFE-0x10001) cannot be loaded") != std::string::npos);
  }
}

TEST_CASE("exec rejects bad firmware images with status 2 naming file, record and address",
          "[exec][formats]") {
  // An ELF for another architecture: hello.elf with e_machine EM_X86_64 (62).
  std::string elf = text_of(firmware("hello.elf"));
  REQUIRE(elf.size() > 20);
  elf[18] = 62;
  elf[19] = 0;
  const std::string x86 = (temp_dir() / "x86.elf").string();
  write_text(x86, elf);
  Result r = run(x86);
  CHECK(r.status == 2);
  CHECK(r.err.find(x86 + ": wrong machine 62 (x86-64): built for another architecture, expected "
                         "EM_MSP430 (105)") != std::string::npos);

  // A record with a bad checksum: the third line of a converted file, last digit changed.
  const auto [hex, txt] = converted(firmware("hello.elf"), "hello");
  std::string text = text_of(hex);
  size_t eol = 0;
  for (int i = 0; i < 3; ++i) eol = text.find('\n', eol + 1);
  const size_t last = text[eol - 1] == '\r' ? eol - 2 : eol - 1;
  text[last] = text[last] == '0' ? '1' : '0';
  const std::string bad_sum = (temp_dir() / "bad-sum.hex").string();
  write_text(bad_sum, text);
  r = run(bad_sum);
  CHECK(r.status == 2);
  CHECK(r.err.find(bad_sum + ": line 3: checksum 0x") != std::string::npos);

  // Records beyond the 1 MB address space, and a segment over the peripherals.
  const std::string beyond = (temp_dir() / "beyond.hex").string();
  write_text(beyond, ":020000040010EA\n:01000000AA55\n:00000001FF\n");
  r = run(beyond);
  CHECK(r.status == 2);
  CHECK(r.err.find(beyond + ": line 2: data record at 0x100000-0x100000 lies beyond the 1 MB") !=
        std::string::npos);
  const std::string ports = (temp_dir() / "ports.txt").string();
  write_text(ports, "@0200\nDE AD BE EF\nq\n");
  r = run(ports);
  CHECK(r.status == 2);
  CHECK(r.err.find(ports + ": line 2 (0x200-0x203) overlaps the peripheral region "
                           "'peripherals' (0x20-0xFFF) of the MSP430FR5994") != std::string::npos);
  // A truncated TI-TXT file (no q).
  std::string t = text_of(txt);
  const std::string cut = (temp_dir() / "cut.txt").string();
  write_text(cut, t.substr(0, t.rfind('q')));
  r = run(cut);
  CHECK(r.status == 2);
  CHECK(r.err.find(cut + ": no 'q' terminator") != std::string::npos);
}

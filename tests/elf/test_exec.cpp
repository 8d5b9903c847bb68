// End-to-end: `ehsim exec --json` on hand-assembled firmware (encodings per SLAU445I §4.5 /
// facts §1.6), parsing the JSON report.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/elf/elf_builder.h"
#include "tests/elf/exec_harness.h"
#include "tests/test_support.h"

namespace {

using namespace exectest;

// mov #0x5A80,&WDTCTL; mov #0x1234,r4; mov.b #'H',&OUT; mov.b #'i',&OUT; mov #7,&MARK_ARG;
// mov #1,&MARK; do_exit: mov #0,&EXIT; jmp $
std::vector<uint8_t> hello_elf() {
  return elftest::program_elf(
      {0x40B2, 0x5A80, 0x015C, 0x4034, 0x1234, 0x40F2, 0x0048, 0x0F02, 0x40F2, 0x0069, 0x0F02,
       0x40B2, 0x0007, 0x0F08, 0x4392, 0x0F04, 0x4382, 0x0F06, 0x3FFF},
      {{"main", 0x4000}, {"do_exit", 0x4020}});
}

}  // namespace

TEST_CASE("exec runs to host exit and reports registers, host log, markers and memory", "[exec]") {
  const auto path = write_temp("hello.elf", hello_elf());
  const Result r = run(path + " --json --dump 0x4000:4 --dump 16384:2");
  REQUIRE(r.status == 0);
  const auto j = json_of(r);
  CHECK(j["exit_reason"] == "host_exit");
  CHECK(j["exit_code"] == 0);
  CHECK(j["regs"].size() == 16);
  CHECK(j["regs"][4] == 0x1234);
  CHECK(j["host_log"] == "Hi");
  REQUIRE(j["markers"].size() == 1);
  CHECK(j["markers"][0]["id"] == 1);
  CHECK(j["markers"][0]["arg"] == 7);
  CHECK(j["memory"]["0x4000"] == "b240805a");
  CHECK(j["memory"]["16384"] == "b240");
  CHECK(j["instructions"] == 7);
  // By hand from SLAU445: the reset sequence takes 4 cycles (Table 4-8, Reset), then Table 4-10
  // (MOV takes one cycle less with a memory destination; the constant generator's #0/#1 count
  // as register mode), at 1 MHz with no FRAM wait state:
  //   mov #0x5A80,&WDTCTL  #N->&EDE  5-1 = 4      mov.b #'i',&OUT    #N->&EDE  4
  //   mov #0x1234,r4       #N->Rm        2        mov #7,&MARK_ARG   #N->&EDE  4
  //   mov.b #'H',&OUT      #N->&EDE      4        mov #1,&MARK       Rn->&EDE  4-1 = 3
  //                                               mov #0,&EXIT       Rn->&EDE  3
  CHECK(j["cycles"] == 4 + (4 + 2 + 4 + 4 + 4 + 3 + 3));
  CHECK(j["fault"].is_null());
  CHECK(j["uart"] == "");
}

TEST_CASE("exec --until stops before the labelled instruction", "[exec]") {
  const auto path = write_temp("hello_until.elf", hello_elf());
  const auto r = run(path + " --json --until do_exit");
  REQUIRE(r.status == 0);
  const auto j = json_of(r);
  CHECK(j["exit_reason"] == "until");
  CHECK(j["pc"] == 0x4020);
  CHECK(j["regs"][0] == 0x4020);
  CHECK(j["host_log"] == "Hi");
  const auto bad = run(path + " --json --until no_such_label");
  CHECK(bad.status == 2);
  CHECK(bad.err.find("no_such_label") != std::string::npos);
}

TEST_CASE("exec: the watchdog resets a program that does not stop it, SRAM survives the PUC",
          "[exec]") {
  //       mov &SYSRSTIV,r5; cmp #0x16,r5; jeq report
  //       mov #0xBEEF,&0x1C00; jmp $            (first boot: SYSRSTIV = 02h, BOR)
  // report: mov &0x1C00,&EXIT; jmp $            (after the watchdog PUC: SYSRSTIV = 16h)
  const auto path = write_temp(
      "wdt.elf", elftest::program_elf({0x4215, 0x019E, 0x9035, 0x0016, 0x2404, 0x40B2, 0xBEEF,
                                       0x1C00, 0x3FFF, 0x4292, 0x1C00, 0x0F06, 0x3FFF}));
  const auto r = run(path + " --json");
  const auto j = json_of(r);
  CHECK(j["exit_reason"] == "host_exit");
  CHECK(j["exit_code"] == 0xBEEF);
  CHECK(j["regs"][5] == 0x16);
  CHECK(r.status == 1);  // nonzero host exit code
  // WDT_A after reset: 2^15 SMCLK cycles at SMCLK = MCLK (SLAU367P WDTCTL reset value).
  CHECK(j["cycles"].get<uint64_t>() > 32768);
  CHECK(j["cycles"].get<uint64_t>() < 32768 + 100);
}

TEST_CASE("exec --max-cycles, sleep and fault endings", "[exec]") {
  // mov #0x5A80,&WDTCTL; jmp $
  const auto spin = write_temp("spin.elf", elftest::program_elf({0x40B2, 0x5A80, 0x015C, 0x3FFF}));
  auto r = run(spin + " --json --max-cycles 5000");
  REQUIRE(r.status == 0);
  auto j = json_of(r);
  CHECK(j["exit_reason"] == "max_cycles");
  CHECK(j["cycles"].get<uint64_t>() >= 5000);
  CHECK(j["cycles"].get<uint64_t>() < 5010);

  // mov #0x5A80,&WDTCTL; bis #CPUOFF,SR
  const auto sleep = write_temp(
      "sleep.elf", elftest::program_elf({0x40B2, 0x5A80, 0x015C, 0xD032, 0x0010, 0x3FFF}));
  r = run(sleep + " --json");
  j = json_of(r);
  CHECK(j["exit_reason"] == "sleep");
  CHECK(r.status == 0);

  // mov #0x5A80,&WDTCTL; br #0x0400 (peripheral area)
  const auto fault =
      write_temp("fault.elf", elftest::program_elf({0x40B2, 0x5A80, 0x015C, 0x4030, 0x0400}));
  r = run(fault + " --json");
  j = json_of(r);
  CHECK(r.status == 1);
  CHECK(j["exit_reason"] == "fault");
  REQUIRE(j["fault"].is_object());
  CHECK(j["fault"]["kind"].is_string());
  CHECK(j["fault"]["pc"] == 0x0400);
}

TEST_CASE("exec --fault puc resets like the device: SYSRSTIV 1Eh after a peripheral fetch",
          "[exec]") {
  //       mov #0x5A80,&WDTCTL; mov &SYSRSTIV,r5; cmp #0x1E,r5; jeq report; br #0x0400
  // report: mov r5,&EXIT; jmp $
  const auto path = write_temp(
      "fault_puc.elf", elftest::program_elf({0x40B2, 0x5A80, 0x015C, 0x4215, 0x019E, 0x9035, 0x001E,
                                             0x2402, 0x4030, 0x0400, 0x4582, 0x0F06, 0x3FFF}));
  auto j = json_of(run(path + " --json --fault puc"));
  CHECK(j["exit_reason"] == "host_exit");
  CHECK(j["exit_code"] == 0x1E);
  j = json_of(run(path + " --json"));
  CHECK(j["exit_reason"] == "fault");
  CHECK(run(path + " --fault maybe").status == 2);
}

TEST_CASE("exec --mclk starts the device at another DCO frequency", "[exec]") {
  const auto path = write_temp("hello_mclk.elf", hello_elf());
  auto j = json_of(run(path + " --json"));
  CHECK(j["mclk_hz"] == 1000000);  // DCO 8 MHz / 8 after reset (SLAU367P CS reset values)
  const double cycles_1mhz = j["cycles"].get<double>();
  CHECK(j["time_s"].get<double>() == Approx(cycles_1mhz / 1e6));
  j = json_of(run(path + " --json --mclk 8MHz"));
  CHECK(j["mclk_hz"] == 8000000);
  CHECK(j["time_s"].get<double>() == Approx(j["cycles"].get<double>() / 8e6));
}

TEST_CASE("exec rejects bad input with status 2 and a message", "[exec]") {
  const auto junk = write_temp("junk.elf", {'n', 'o', 't', ' ', 'e', 'l', 'f'});
  auto r = run(junk + " --json");
  CHECK(r.status == 2);
  CHECK(r.err.find("junk.elf") != std::string::npos);
  CHECK(r.err.find("not an ELF") != std::string::npos);
  const auto good = write_temp("good.elf", hello_elf());
  CHECK(run(good + " --dump 0x4000").status == 2);
  CHECK(run(good + " --dump 0xFFFFF:4").status == 2);  // beyond the 1 MB address space
  CHECK(run(good + " --dump 0x100000:1").status == 2);
  CHECK(run(good + " --max-cycles lots").status == 2);
  CHECK(run(good + " --mclk 7MHz").status == 2);
  CHECK(run("/nonexistent/x.elf").status == 2);
}

TEST_CASE("exec output is deterministic", "[exec]") {
  const auto path = write_temp("hello_det.elf", hello_elf());
  const auto a = run(path + " --json --dump 0x1C00:8");
  const auto b = run(path + " --json --dump 0x1C00:8");
  CHECK(a.out == b.out);
}

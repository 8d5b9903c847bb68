// `ehsim exec --gdb`: the real msp430-elf-gdb (built from Debian's gdb source package by
// scripts/build-msp430-gnu) debugs tests/firmware/run_outputs.elf over the remote protocol.
// Expected addresses come from LLVM's nm and objdump of the same ELF, register effects from the
// user guide (PUSH decrements SP by 2), memory contents from the firmware's source.
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "tests/test_support.h"

namespace {

const std::string kGdb = std::string(EHSIM_MSP430_GNU_BIN) + "/msp430-elf-gdb";

std::string command_output(const std::string& command) {
  std::string out;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
  }
  return out;
}

// The address of `symbol` in `elf` according to llvm-nm.
unsigned nm_address(const std::string& elf, const std::string& symbol) {
  const std::string out = command_output("llvm-nm " + elf);
  std::smatch m;
  const std::regex re("([0-9a-f]+) [A-Za-z] " + symbol + "\n");
  REQUIRE(std::regex_search(out, m, re));
  return unsigned(std::stoul(m[1], nullptr, 16));
}

// The address of the instruction after the one at `addr`, from llvm-objdump's disassembly.
unsigned next_instruction(const std::string& elf, unsigned addr) {
  const std::string out = command_output("llvm-objdump -d --no-show-raw-insn " + elf);
  const std::regex line("\n *([0-9a-f]+):");
  bool found = false;
  for (auto it = std::sregex_iterator(out.begin(), out.end(), line); it != std::sregex_iterator();
       ++it) {
    const unsigned a = unsigned(std::stoul((*it)[1], nullptr, 16));
    if (found) return a;
    found = a == addr;
  }
  FAIL("no instruction at " << addr << " in llvm-objdump's listing");
  return 0;
}

std::string value_of(const std::string& out, const std::string& key) {
  std::smatch m;
  return std::regex_search(out, m, std::regex(key + "=([0-9a-fx]+)")) ? std::string(m[1]) : "";
}

}  // namespace

TEST_CASE("msp430-elf-gdb sets breakpoints, steps, reads and writes memory through exec --gdb",
          "[gdb][debug]") {
  EHSIM_REQUIRE_DEPENDENCY(std::filesystem::exists(kGdb), kGdb, "scripts/build-msp430-gnu");
  const std::string dir = ehsim_test::scratch_dir("gdb");
  const std::string elf = std::string(EHSIM_FIRMWARE_DIR) + "/run_outputs.elf";
  const unsigned reset = nm_address(elf, "_reset");
  const unsigned main_addr = nm_address(elf, "main");
  const unsigned after_push = next_instruction(elf, main_addr);
  char breakpoint[32];
  std::snprintf(breakpoint, sizeof breakpoint, "break *0x%x", main_addr);
  {
    std::ofstream cmds(dir + "/cmds.gdb");
    cmds << "set pagination off\n"
         << "set confirm off\n"
         << "target remote 127.0.0.1:PORT\n"
         << "printf \"PC0=%x\\n\", $pc\n"
         << "monitor where\n"
         << "shell sleep 0.3\n"
         << "monitor where\n"
         << breakpoint << "\n"
         << "continue\n"
         << "printf \"PC1=%x\\n\", $pc\n"
         << "printf \"SP1=%x\\n\", $sp\n"
         << "stepi\n"
         << "printf \"PC2=%x\\n\", $pc\n"
         << "printf \"SP2=%x\\n\", $sp\n"
         << "printf \"SIG=%x\\n\", *(unsigned long *)&signature\n"
         << "set var *(unsigned char *)0x1c10 = 0x5a\n"
         << "printf \"W=%x\\n\", *(unsigned char *)0x1c10\n"
         << "delete\n"
         << "continue\n";
  }
  {
    std::ofstream script(dir + "/run.sh");
    script
        << "cd '" << dir << "'\n"
        << "timeout 60 '" << EHSIM_EXECUTABLE << "' exec '" << elf
        << "' --gdb 0 > exec.out 2> exec.err &\n"
        << "pid=$!\n"
        << "for i in $(seq 200); do grep -q 'waiting for GDB' exec.err && break; sleep 0.05; done\n"
        << "port=$(sed -n 's/.*waiting for GDB on 127.0.0.1:\\([0-9]*\\).*/\\1/p' exec.err)\n"
        << "sed -i \"s/PORT/$port/\" cmds.gdb\n"
        << "timeout 60 '" << kGdb << "' -batch -nx -x cmds.gdb '" << elf << "' > gdb.out 2>&1\n"
        << "wait $pid; echo $? > exec.status\n";
  }
  REQUIRE(std::system(("bash '" + dir + "/run.sh'").c_str()) == 0);
  const std::string gdb = ehsim_test::read_text(dir + "/gdb.out");
  const std::string exec_out = ehsim_test::read_text(dir + "/exec.out");
  INFO("gdb:\n" << gdb << "\nexec:\n" << exec_out << ehsim_test::read_text(dir + "/exec.err"));

  char expect[32];
  std::snprintf(expect, sizeof expect, "%x", reset);
  CHECK(value_of(gdb, "PC0") == expect);  // halted at the reset vector's target
  std::snprintf(expect, sizeof expect, "%x", main_addr);
  CHECK(value_of(gdb, "PC1") == expect);  // the breakpoint at main
  std::snprintf(expect, sizeof expect, "%x", after_push);
  CHECK(value_of(gdb, "PC2") == expect);  // one instruction: push r10
  const unsigned sp1 = unsigned(std::stoul(value_of(gdb, "SP1"), nullptr, 16));
  const unsigned sp2 = unsigned(std::stoul(value_of(gdb, "SP2"), nullptr, 16));
  CHECK(sp1 - sp2 == 2);                     // PUSH.W: SP - 2 (SLAU367P §4.6.2.40)
  CHECK(value_of(gdb, "SIG") == "badc0de");  // DE C0 AD 0B, little-endian
  CHECK(value_of(gdb, "W") == "5a");
  // Simulated time stands still while GDB holds the target: both `monitor where` agree.
  std::smatch m;
  const std::regex where("pc 0x[0-9A-F]+ [^,]*, cycle ([0-9]+)");
  auto it = std::sregex_iterator(gdb.begin(), gdb.end(), where);
  REQUIRE(std::distance(it, std::sregex_iterator()) == 2);
  const std::string first = (*it)[1], second = (*std::next(it))[1];
  CHECK(first == second);
  // The firmware ends by calling into vacant memory: a fault, which GDB sees as SIGSEGV.
  CHECK(gdb.find("SIGSEGV") != std::string::npos);
  CHECK(ehsim_test::read_text(dir + "/exec.status") == "1\n");
  CHECK(exec_out.find("exit: fault") != std::string::npos);
}

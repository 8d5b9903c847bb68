// `ehsim exec --gdb`: the real msp430-elf-gdb (built from Debian's gdb source package by
// scripts/build-msp430-gnu) debugs tests/firmware/run_outputs.elf over the remote protocol.
// Expected addresses come from LLVM's nm and objdump of the same ELF, register effects from the
// user guide (PUSH decrements SP by 2), memory contents from the firmware's source.
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "tests/integration/run_harness.h"
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

// Shell lines that start `ehsim ARGS --gdb 0` in the background (output in NAME.out and
// NAME.err, its PID in $NAME, at most timeout_s seconds) and wait until it listens: the port it
// chose is then in $port.
std::string start_ehsim_gdb(const std::string& args, const std::string& name, int timeout_s) {
  return "timeout " + std::to_string(timeout_s) + " '" + std::string(EHSIM_EXECUTABLE) + "' " +
         args + " --gdb 0 > " + name + ".out 2> " + name + ".err &\n" + name + "=$!\n" +
         "for i in $(seq 200); do grep -q 'waiting for GDB' " + name +
         ".err && break; sleep 0.05; done\n" +
         "port=$(sed -n 's/.*waiting for GDB on 127.0.0.1:\\([0-9]*\\).*/\\1/p' " + name +
         ".err)\n";
}

// Runs `ehsim ARGS --gdb 0` and msp430-elf-gdb on `elf` with dir/cmds.gdb (whose `PORT` is
// replaced by the port ehsim listens on); their outputs land in dir: gdb.out, exec.out,
// exec.err and exec.status (ehsim's exit status).
bool drive_gdb(const std::string& dir, const std::string& ehsim_args, const std::string& elf) {
  std::ofstream script(dir + "/run.sh");
  script << "cd '" << dir << "'\n"
         << start_ehsim_gdb(ehsim_args, "exec", 120) << "sed -i \"s/PORT/$port/\" cmds.gdb\n"
         << "timeout 120 '" << kGdb << "' -batch -nx -x cmds.gdb '" << elf << "' > gdb.out 2>&1 &\n"
         << "gdb=$!\n"
         << "wait $gdb\n"
         << "wait $exec; echo $? > exec.status\n";
  script.close();
  return std::system(("bash '" + dir + "/run.sh'").c_str()) == 0;
}

// All values of "KEY=value" lines, in order.
std::vector<std::string> values_of(const std::string& out, const std::string& key) {
  std::vector<std::string> values;
  const std::regex re(key + "=([0-9a-fx.]+)");
  for (auto it = std::sregex_iterator(out.begin(), out.end(), re); it != std::sregex_iterator();
       ++it) {
    values.push_back((*it)[1]);
  }
  return values;
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
  REQUIRE(drive_gdb(dir, "exec '" + elf + "'", elf));
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

TEST_CASE("msp430-elf-gdb's write and read watchpoints stop after the accessing instruction",
          "[gdb][debug]") {
  EHSIM_REQUIRE_DEPENDENCY(std::filesystem::exists(kGdb), kGdb, "scripts/build-msp430-gnu");
  const std::string dir = ehsim_test::scratch_dir("gdb-watch");
  const std::string elf = std::string(EHSIM_FIRMWARE_DIR) + "/run_outputs.elf";
  // The firmware toggles P1OUT (0x0202) with XOR.B #1,&0x0202 and reads signature[0] (0xDE) for
  // each marker (tests/firmware/run_outputs.c).
  const std::string objdump = command_output("llvm-objdump -d --no-show-raw-insn " + elf);
  std::smatch m;
  REQUIRE(std::regex_search(objdump, m, std::regex("\n *([0-9a-f]+):\\s+xor\\.b\\s+#1, &514")));
  const unsigned xor_addr = unsigned(std::stoul(m[1], nullptr, 16));
  {
    std::ofstream cmds(dir + "/cmds.gdb");
    cmds << "set pagination off\nset confirm off\ntarget remote 127.0.0.1:PORT\n"
         << "watch *(volatile unsigned char *)0x0202\n"
         << "continue\n"
         << "printf \"PCW=%x\\n\", $pc\n"
         << "printf \"P1=%x\\n\", *(volatile unsigned char *)0x0202\n"
         << "continue\n"
         << "printf \"P1=%x\\n\", *(volatile unsigned char *)0x0202\n"
         << "delete\n"
         << "rwatch *(volatile unsigned char *)&signature\n"
         << "continue\n"
         << "delete\n"
         << "continue\n";
  }
  REQUIRE(drive_gdb(dir, "exec '" + elf + "'", elf));
  const std::string gdb = ehsim_test::read_text(dir + "/gdb.out");
  INFO("gdb:\n" << gdb << "\nexec:\n" << ehsim_test::read_text(dir + "/exec.err"));
  CHECK(gdb.find("Hardware watchpoint 1") != std::string::npos);
  char expect[32];
  std::snprintf(expect, sizeof expect, "%x", next_instruction(elf, xor_addr));
  CHECK(value_of(gdb, "PCW") == expect);  // after the XOR.B that wrote P1OUT
  CHECK(values_of(gdb, "P1") == std::vector<std::string>{"1", "0"});  // toggled, toggled back
  CHECK(gdb.find("Hardware read watchpoint 2") != std::string::npos);
  CHECK(gdb.find("Value = 222") != std::string::npos);  // 0xDE
  CHECK(gdb.find("SIGSEGV") != std::string::npos);      // the firmware's fault, as before
  CHECK(ehsim_test::read_text(dir + "/exec.status") == "1\n");
}

TEST_CASE("msp430-elf-gdb with run --gdb: break power-fail, charge, guard, break voltage, boot",
          "[gdb][debug]") {
  EHSIM_REQUIRE_DEPENDENCY(std::filesystem::exists(kGdb), kGdb, "scripts/build-msp430-gnu");
  const std::string dir = ehsim_test::scratch_dir("gdb-energy");
  const std::string elf = std::string(EHSIM_FIRMWARE_DIR) + "/power_patterns.elf";
  // power_patterns (tests/firmware/power_patterns.c) writes patterns to FRAM and SRAM on its
  // first boot and spins until the supply fails; the next boot reports what survived and exits.
  // 47 uF on a 2 mW, 1 Hz square wave: the supply fails within a second.
  nlohmann::json scenario = runtest::square_scenario("power_patterns");
  std::ofstream(dir + "/scenario.json") << scenario.dump(2);
  {
    std::ofstream cmds(dir + "/cmds.gdb");
    cmds << "set pagination off\nset confirm off\ntarget remote 127.0.0.1:PORT\n"
         << "monitor break power-fail\n"
         << "continue\n"
         << "monitor energy\n"
         // SRAM still holds the first boot's pattern: the failure has not happened yet.
         << "printf \"SRAM0=%x\\n\", *(unsigned short *)&sram_words\n"
         << "monitor charge 3.0V\n"
         << "monitor energy\n"
         // Stepping with the guard on draws nothing from the supply; without it, it does.
         << "monitor guard on\n"
         << "stepi\n"  // books the unguarded stretch before the halt
         << "monitor energy\n"
         << "stepi 50\n"
         << "monitor energy\n"
         << "monitor guard off\n"
         << "stepi 50\n"
         << "monitor energy\n"
         << "monitor break clear power-fail\n"
         // The capacitor drains from 3.0 V: halt on the way down through 2.5 V.
         << "monitor break voltage <2.5V\n"
         << "continue\n"
         << "monitor energy\n"
         << "monitor break clear voltage\n"
         << "monitor break boot\n"
         << "continue\n"
         << "printf \"PCB=%x\\n\", $pc\n"
         << "monitor break clear\n"
         << "continue\n";
  }
  REQUIRE(drive_gdb(dir, "run scenario.json --out out", elf));
  const std::string gdb = ehsim_test::read_text(dir + "/gdb.out");
  INFO("gdb:\n"
       << gdb << "\nehsim:\n"
       << ehsim_test::read_text(dir + "/exec.out") << ehsim_test::read_text(dir + "/exec.err"));
  CHECK(gdb.find("ehsim: halted on power-fail") != std::string::npos);
  // The source's sram_pattern(0) = (0 * 0x9E37 + 0x1234) ^ 0xFFFF.
  CHECK(value_of(gdb, "SRAM0") == "edcb");
  const auto numbers = [&](const std::string& key) {
    std::vector<double> out;
    const std::regex re(key + " ([0-9.e+-]+)");
    for (auto it = std::sregex_iterator(gdb.begin(), gdb.end(), re); it != std::sregex_iterator();
         ++it) {
      out.push_back(std::stod((*it)[1]));
    }
    return out;
  };
  const std::vector<double> cap = numbers("capacitor_V"), mcu = numbers("mcu_consumed_J");
  REQUIRE(cap.size() == 6);
  REQUIRE(mcu.size() == 6);
  CHECK(cap[0] == Approx(1.8).margin(0.01));  // at v_off (scenario)
  CHECK(cap[1] == Approx(3.0).margin(1e-6));  // as charged
  CHECK(mcu[3] == mcu[2]);                    // guarded steps drew nothing
  CHECK(mcu[4] > mcu[3]);                     // unguarded ones did
  // Halted at the first supply step below 2.5 V (the supply moves in 100 µs steps: well within
  // 10 mV of it at tens of µA).
  CHECK(gdb.find("ehsim: halted on voltage (voltage < 2.500 V)") != std::string::npos);
  CHECK(cap[5] < 2.5);
  CHECK(cap[5] > 2.49);
  CHECK(gdb.find("ehsim: halted on boot") != std::string::npos);
  // The boot halts at the reset vector's target, before crt0's first instruction.
  char expect[32];
  std::snprintf(expect, sizeof expect, "%x", nm_address(elf, "_reset"));
  CHECK(value_of(gdb, "PCB") == expect);
  CHECK(gdb.find("exited normally") != std::string::npos);  // hostio_exit(0) on the second boot
  CHECK(ehsim_test::read_text(dir + "/exec.status") == "0\n");
  // The run's books: one power failure (the charge averted the first), two boots, and the
  // charge's energy booked so that they still balance.
  const nlohmann::json summary =
      nlohmann::json::parse(ehsim_test::read_text(dir + "/out/summary.json"));
  CHECK(summary["power"]["power_failures"] == 1);
  CHECK(summary["power"]["boots"] == 2);
  const double e_charge = 0.5 * 47e-6 * (3.0 * 3.0 - cap[0] * cap[0]);
  CHECK(summary["energy"]["debugger_J"].get<double>() == Approx(e_charge).epsilon(1e-3));
  CHECK(std::abs(summary["energy"]["books_residual_J"].get<double>()) < 1e-9);
}

TEST_CASE("run --break-on power-fail stops the run with the state and a symbolised backtrace",
          "[debug]") {
  const std::string dir = ehsim_test::scratch_dir("break-on");
  const std::string elf = std::string(EHSIM_FIRMWARE_DIR) + "/power_patterns.elf";
  // 47 uF on a 2 mW, 1 Hz square wave: the supply fails within a second.
  nlohmann::json scenario = runtest::square_scenario("power_patterns");
  std::ofstream(dir + "/scenario.json") << scenario.dump(2);
  const std::string run = "cd '" + dir + "' && '" + EHSIM_EXECUTABLE + "' run scenario.json ";
  const int status = std::system((run + "--out out --break-on power-fail > out.txt 2>&1").c_str());
  const std::string out = ehsim_test::read_text(dir + "/out.txt");
  INFO(out);
  CHECK(WEXITSTATUS(status) == 0);
  // The first boot spins in main's endless loop until the supply fails.
  CHECK(std::regex_search(out, std::regex("break on power-fail at pc 0x[0-9A-F]+ main\\+0x")));
  CHECK(out.find("capacitor_V 1.8") != std::string::npos);
  const nlohmann::json summary =
      nlohmann::json::parse(ehsim_test::read_text(dir + "/out/summary.json"));
  CHECK(summary["end"]["reason"] == "break");
  CHECK(summary["power"]["power_failures"] == 0);
  // The scenario key does the same; a malformed event is bad input naming its JSON path.
  scenario["run"]["break_on"] = {"voltage<2.0V"};
  std::ofstream(dir + "/scenario.json") << scenario.dump(2);
  CHECK(WEXITSTATUS(std::system((run + "--out out2 > out2.txt 2>&1").c_str())) == 0);
  CHECK(ehsim_test::read_text(dir + "/out2.txt").find("break on voltage (voltage < 2.000 V)") !=
        std::string::npos);
  scenario["run"]["break_on"] = {"brownout"};
  std::ofstream(dir + "/scenario.json") << scenario.dump(2);
  CHECK(WEXITSTATUS(std::system((run + "--out out3 > out3.txt 2>&1").c_str())) == 2);
  CHECK(ehsim_test::read_text(dir + "/out3.txt").find("/run/break_on/0") != std::string::npos);
}

// A user's Ctrl-C, as GDB's machine interface sends it: `-exec-interrupt` while the target runs
// (mi-async). Each command waits for GDB's answer to the one before (`^connected`, `*running`), so
// the interrupt always finds GDB waiting for the running target. (A SIGINT to a batch-mode GDB on
// a timer raced with GDB's start of `continue` on a loaded machine.)
TEST_CASE("msp430-elf-gdb's Ctrl-C halts a running target, and kill ends the run", "[gdb][debug]") {
  EHSIM_REQUIRE_DEPENDENCY(std::filesystem::exists(kGdb), kGdb, "scripts/build-msp430-gnu");
  const std::string dir = ehsim_test::scratch_dir("gdb-interrupt");
  // On continuous power power_patterns' first boot spins in main for ever
  // (tests/firmware/power_patterns.c): only an interrupt stops it.
  const std::string elf = std::string(EHSIM_FIRMWARE_DIR) + "/power_patterns.elf";
  std::ofstream script(dir + "/run.sh");
  script << "cd '" << dir << "'\n"
         << start_ehsim_gdb("exec '" + elf + "'", "exec", 120) << "mkfifo gdb.in\n"
         << "timeout 120 '" << kGdb << "' -i=mi -nx '" << elf << "' < gdb.in > gdb.out 2>&1 &\n"
         << "gdb=$!\n"
         << "exec 3> gdb.in\n"
         // await TEXT [N]: until gdb.out has N lines with TEXT (default 1), at most 60 s.
         << "await() { for i in $(seq 1200); do\n"
         << "  [ \"$(grep -cF \"$1\" gdb.out)\" -ge \"${2:-1}\" ] && return; sleep 0.05; done; }\n"
         << "echo '-gdb-set mi-async on' >&3\n"
         << "echo \"-target-select remote 127.0.0.1:$port\" >&3\n"
         << "await '^connected'\n"
         << "echo '-exec-continue' >&3\n"
         << "await '*running'\n"
         << "sleep 0.5\n"
         << "echo '-exec-interrupt' >&3\n"
         << "await '*stopped' 2\n"  // the first came with the connection
         << "echo '-interpreter-exec console \"monitor where\"' >&3\n"
         << "await 'cycle '\n"
         << "echo '-interpreter-exec console \"kill\"' >&3\n"
         << "echo '-gdb-exit' >&3\n"
         << "exec 3>&-\n"
         << "wait $gdb\n"
         << "wait $exec; echo $? > exec.status\n";
  script.close();
  REQUIRE(std::system(("bash '" + dir + "/run.sh'").c_str()) == 0);
  const std::string gdb = ehsim_test::read_text(dir + "/gdb.out");
  const std::string exec_out = ehsim_test::read_text(dir + "/exec.out");
  INFO("gdb:\n" << gdb << "\nexec:\n" << exec_out << ehsim_test::read_text(dir + "/exec.err"));
  CHECK(gdb.find("*stopped,reason=\"signal-received\",signal-name=\"SIGINT\"") !=
        std::string::npos);
  CHECK(std::regex_search(gdb, std::regex("pc 0x[0-9A-F]+ main\\+0x")));  // in the spin loop
  CHECK(exec_out.find("exit: debugger") != std::string::npos);
  CHECK(ehsim_test::read_text(dir + "/exec.status") == "0\n");
}

TEST_CASE("monitor backtrace finds the same frames as msp430-elf-gdb's own unwinder",
          "[gdb][debug]") {
  EHSIM_REQUIRE_DEPENDENCY(std::filesystem::exists(kGdb), kGdb, "scripts/build-msp430-gnu");
  const std::string dir = ehsim_test::scratch_dir("gdb-backtrace");
  // fib recurses (tests/firmware/recursion.c): the fifth entry has four fib frames above main.
  const std::string elf = std::string(EHSIM_FIRMWARE_DIR) + "/recursion.elf";
  std::ofstream(dir + "/cmds.gdb") << "set pagination off\nset confirm off\n"
                                   << "target remote 127.0.0.1:PORT\n"
                                   << "break fib\nignore 1 4\ncontinue\n"
                                   << "bt\nmonitor backtrace\nkill\n";
  REQUIRE(drive_gdb(dir, "exec '" + elf + "'", elf));
  const std::string gdb = ehsim_test::read_text(dir + "/gdb.out");
  INFO("gdb:\n" << gdb);
  std::vector<unsigned> gdb_frames, ours;
  const std::regex gdb_line("#[0-9]+ +0x([0-9a-f]+) in "),
      our_line("#[0-9]+ +0x([0-9A-F]{5}) [A-Za-z_]");
  for (auto it = std::sregex_iterator(gdb.begin(), gdb.end(), gdb_line);
       it != std::sregex_iterator(); ++it) {
    gdb_frames.push_back(unsigned(std::stoul((*it)[1], nullptr, 16)));
  }
  for (auto it = std::sregex_iterator(gdb.begin(), gdb.end(), our_line);
       it != std::sregex_iterator(); ++it) {
    ours.push_back(unsigned(std::stoul((*it)[1], nullptr, 16)));
  }
  CHECK(gdb_frames.size() == 6);  // fib x5, main
  CHECK(ours == gdb_frames);
}

TEST_CASE("GDB server: a port in use is exit 2, a second client is refused", "[gdb][debug]") {
  const std::string dir = ehsim_test::scratch_dir("gdb-port");
  const std::string elf = std::string(EHSIM_FIRMWARE_DIR) + "/power_patterns.elf";
  const std::string ehsim = "'" + std::string(EHSIM_EXECUTABLE) + "'";
  std::ofstream script(dir + "/run.sh");
  script << "cd '" << dir << "'\n"
         << start_ehsim_gdb("exec '" + elf + "'", "a", 60)
         // The port is taken by the first ehsim: the second one must say so and exit 2.
         << "timeout 60 " << ehsim << " exec '" << elf
         << "' --gdb $port > b.out 2> b.err; echo $? > b.status\n"
         // A first client connects (and holds the run); a second one is refused.
         << "exec 3<>/dev/tcp/127.0.0.1/$port\n"
         << "for i in $(seq 200); do grep -q 'GDB connected' a.err && break; sleep 0.05; done\n"
         << "if (exec 4<>/dev/tcp/127.0.0.1/$port) 2> c.err; then echo accepted > c.status; "
            "else echo refused > c.status; fi\n"
         << "exec 3>&-\n"  // the first client disconnects: the run ends
         << "wait $a; echo $? > a.status\n";
  script.close();
  REQUIRE(std::system(("bash '" + dir + "/run.sh'").c_str()) == 0);
  INFO(ehsim_test::read_text(dir + "/b.err") << ehsim_test::read_text(dir + "/a.err"));
  CHECK(ehsim_test::read_text(dir + "/b.status") == "2\n");
  CHECK(ehsim_test::read_text(dir + "/b.err").find("cannot listen on 127.0.0.1:") !=
        std::string::npos);
  CHECK(ehsim_test::read_text(dir + "/c.status") == "refused\n");
  CHECK(ehsim_test::read_text(dir + "/a.status") == "0\n");  // ended cleanly by the disconnect
  CHECK(ehsim_test::read_text(dir + "/a.out").find("exit: debugger") != std::string::npos);
}

TEST_CASE("GDB server: a client that disconnects in the middle of a packet ends the run cleanly",
          "[gdb][debug]") {
  const std::string dir = ehsim_test::scratch_dir("gdb-cut");
  const std::string elf = std::string(EHSIM_FIRMWARE_DIR) + "/power_patterns.elf";
  std::ofstream script(dir + "/run.sh");
  script << "cd '" << dir << "'\n"
         << start_ehsim_gdb("exec '" + elf + "'", "a", 60)
         << "exec 3<>/dev/tcp/127.0.0.1/$port\n"
         // A whole packet (answered), then half of one, then the connection goes.
         << "printf '+$?#3f' >&3\n"
         << "for i in $(seq 200); do grep -q 'GDB connected' a.err && break; sleep 0.05; done\n"
         << "printf '$m4000,' >&3\n"
         << "sleep 0.3\n"
         << "exec 3>&-\n"
         << "wait $a; echo $? > a.status\n";
  script.close();
  REQUIRE(std::system(("bash '" + dir + "/run.sh'").c_str()) == 0);
  const std::string err = ehsim_test::read_text(dir + "/a.err");
  INFO(err << ehsim_test::read_text(dir + "/a.out"));
  CHECK(ehsim_test::read_text(dir + "/a.status") == "0\n");
  CHECK(ehsim_test::read_text(dir + "/a.out").find("exit: debugger") != std::string::npos);
  CHECK(err.find("GDB disconnected in the middle of a packet; the run ends") != std::string::npos);
}

TEST_CASE("msp430-elf-gdb on an MSP430X large-model program: code above 64 KB, 20-bit registers",
          "[gdb][debug]") {
  EHSIM_REQUIRE_DEPENDENCY(std::filesystem::exists(kGdb), kGdb, "scripts/build-msp430-gnu");
  const std::string dir = ehsim_test::scratch_dir("gdb-msp430x");
  const std::string bin = std::string(EHSIM_MSP430_GNU_BIN) + "/msp430-elf-";
  // Assembled by GNU as for the large code model (-ml: the ELF says so, and GDB then reads
  // 20-bit addresses): CALLA into FRAM above 64 KB, a 20-bit immediate, a byte written there.
  std::ofstream(dir + "/p.s") << R"(        .text
        .global _start
_start: mov     #0x2400, sp
        mova    #0x12345, r12
        calla   #far
        mov     #0, &0x0F06         ; host_io exit 0
halt:   jmp     halt
        .section .upper.text, "ax", @progbits
        .global far
far:    adda    #0x10, r12
        movx.b  #0x5A, &far_data
        reta
        .section .upper.data, "aw", @progbits
        .global far_data
far_data: .byte 0
        .section .resetvec, "a", @progbits
        .word   _start
)";
  std::ofstream(dir + "/p.ld") << "ENTRY(_start)\nSECTIONS {\n"
                               << "  .text 0x4400 : { *(.text) }\n"
                               << "  .upper.text 0x10000 : { *(.upper.text) }\n"
                               << "  .upper.data 0x10100 : { *(.upper.data) }\n"
                               << "  .resetvec 0xFFFE : { KEEP(*(.resetvec)) }\n}\n";
  const std::string elf = dir + "/p.elf";
  REQUIRE(std::system(("cd '" + dir + "' && '" + bin + "as' -mcpu=430xv2 -ml -o p.o p.s && '" +
                       bin + "ld' -T p.ld -o p.elf p.o")
                          .c_str()) == 0);
  std::ofstream(dir + "/cmds.gdb") << "set pagination off\nset confirm off\n"
                                   << "target remote 127.0.0.1:PORT\n"
                                   << "break *far\n"
                                   << "continue\n"
                                   << "printf \"PC=%x\\n\", $pc\n"
                                   << "printf \"R12=%x\\n\", $r12\n"
                                   << "printf \"SP=%x\\n\", $sp\n"
                                   << "stepi\n"
                                   << "printf \"R12B=%x\\n\", $r12\n"
                                   << "stepi\n"
                                   << "printf \"D=%x\\n\", *(unsigned char *)&far_data\n"
                                   << "monitor where\n"
                                   << "bt\n"
                                   << "continue\n";
  REQUIRE(drive_gdb(dir, "exec '" + elf + "'", elf));
  const std::string gdb = ehsim_test::read_text(dir + "/gdb.out");
  INFO(gdb << ehsim_test::read_text(dir + "/exec.err"));
  CHECK(value_of(gdb, "PC") == "10000");
  CHECK(value_of(gdb, "R12") == "12345");  // MOVA's 20-bit immediate
  CHECK(value_of(gdb, "SP") == "23fc");    // CALLA pushed two words
  CHECK(value_of(gdb, "R12B") == "12355");
  CHECK(value_of(gdb, "D") == "5a");
  CHECK(gdb.find("pc 0x1000C far+0xC") != std::string::npos);
  // GDB's own unwinder walks back through the CALLA frame.
  CHECK(std::regex_search(gdb, std::regex("#1 +0x0000440c in _start")));
  CHECK(gdb.find("exited normally") != std::string::npos);
  CHECK(ehsim_test::read_text(dir + "/exec.status") == "0\n");
}

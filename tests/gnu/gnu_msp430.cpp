#include "tests/gnu/gnu_msp430.h"

#include <sys/wait.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "tests/test_support.h"

namespace ehsim::gnu {

namespace fs = std::filesystem;

namespace {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs a shell command (its words quoted by the caller) and collects its output.
CommandResult run(const std::string& command) {
  CommandResult r;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// A tool run that must succeed silently: a warning of as or ld (e.g. a missing entry symbol)
// means the snippet is not what the test meant.
void run_tool(const std::string& what, const std::string& command) {
  const CommandResult r = run(command);
  INFO(what << ": " << command << "\n" << r.output);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.output.find("arning") == std::string::npos);
}

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%X", v);
  return buf;
}

uint32_t parse_hex(const std::string& s) {
  return uint32_t(std::stoul(s, nullptr, 16));
}

std::string lowercase(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The simulator's register names (msp430-sim.c register_names) as indices.
int register_index(const std::string& name) {
  static const std::map<std::string, int> names = {
      {"PC", 0},   {"SP", 1},   {"SR", 2},   {"CG", 3},  {"R4", 4},   {"R5", 5},
      {"R6", 6},   {"R7", 7},   {"R8", 8},   {"R9", 9},  {"R10", 10}, {"R11", 11},
      {"R12", 12}, {"R13", 13}, {"R14", 14}, {"R15", 15}};
  auto it = names.find(name);
  return it == names.end() ? -1 : it->second;
}

// SR bits of the flags (SLAU367P §4.3.3): C bit 0, Z bit 1, N bit 2, V bit 8.
uint32_t flags_from_string(const std::string& f) {
  uint32_t sr = 0;
  if (f.size() == 4) {
    if (f[0] == 'V') sr |= 0x100;
    if (f[1] == 'N') sr |= 0x4;
    if (f[2] == 'Z') sr |= 0x2;
    if (f[3] == 'C') sr |= 0x1;
  }
  return sr;
}

// The register dump of `call #0x160` (maybe_perform_syscall): four lines of
// "\tR0  04404   R1  023fc   R2  00000   R3  00000   \tSP+6: 0000   ----".
std::vector<Registers> parse_dumps(const std::string& text) {
  std::vector<Registers> dumps;
  static const std::regex reg_re(R"(R(\d+)\s+([0-9a-fA-F]{5}))");
  Registers cur{};
  int seen = 0;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    for (auto it = std::sregex_iterator(line.begin(), line.end(), reg_re);
         it != std::sregex_iterator(); ++it) {
      const int r = std::stoi((*it)[1].str());
      if (r == 0) seen = 0;
      if (r < 0 || r > 15 || r != seen) continue;
      cur[size_t(r)] = parse_hex((*it)[2].str());
      if (++seen == 16) dumps.push_back(cur);
    }
  }
  return dumps;
}

}  // namespace

std::string tools_dir() {
  return EHSIM_MSP430_GNU_BIN;
}

std::string tool(const std::string& name) {
  return tools_dir() + "/msp430-elf-" + name;
}

void require_tools() {
  for (const char* t : {"as", "ld", "objdump", "run"}) {
    EHSIM_REQUIRE_DEPENDENCY(fs::exists(tool(t)), tool(t),
                             "scripts/build-msp430-gnu (run by scripts/install-deps)");
  }
}

std::string assemble_and_link(const std::string& asm_text, const LinkOptions& options) {
  require_tools();
  const fs::path dir = ehsim_test::scratch_dir("gnu-" + options.name);
  const fs::path src = dir / (options.name + ".s"), obj = dir / (options.name + ".o"),
                 ld_script = dir / (options.name + ".ld"), elf = dir / (options.name + ".elf");
  std::ofstream(src) << asm_text << "\n";
  // .upper.* is where msp430-elf-gcc's large model puts code and data above 64 KB; .lower.* and
  // .either.* are its placements below 64 KB.
  std::ofstream(ld_script) << "ENTRY(start)\nSECTIONS\n{\n"
                           << "  .text " << hex(options.text_address)
                           << " : { *(.lower.text*) *(.text*) *(.either.text*) }\n"
                           << "  .data " << hex(options.data_address)
                           << " : { *(.lower.data*) *(.data*) *(.either.data*) *(.bss*) "
                              "*(COMMON) }\n"
                           << "  .upper.text " << hex(options.upper_address)
                           << " : { *(.upper.text*) *(.upper.data*) }\n"
                           << "}\n";
  run_tool("msp430-elf-as", quote(tool("as")) + " -mcpu=430xv2 -o " + quote(obj.string()) + " " +
                                quote(src.string()));
  run_tool("msp430-elf-ld", quote(tool("ld")) + " -T " + quote(ld_script.string()) + " -o " +
                                quote(elf.string()) + " " + quote(obj.string()));
  return elf.string();
}

std::string objdump_disassemble(const std::string& elf) {
  require_tools();
  const CommandResult r = run(quote(tool("objdump")) + " -d " + quote(elf));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return r.output;
}

std::vector<Disassembled> disassemble(const std::string& elf) {
  // objdump -d lines: "    4400:\t2a 15       \tpushm\t#3,\tr10\t;16-bit words"; a long
  // instruction continues on a line with the address and more bytes but no text.
  static const std::regex line_re(R"(^\s*([0-9a-f]+):\t((?:[0-9a-f]{2} )+)\s*(?:\t(.*))?$)");
  std::vector<Disassembled> out;
  std::istringstream in(objdump_disassemble(elf));
  std::string line;
  std::vector<uint8_t> pending;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, line_re)) continue;
    std::istringstream bytes(m[2].str());
    std::string b;
    const bool continuation = !m[3].matched || m[3].str().empty();
    if (!continuation) out.push_back({parse_hex(m[1].str()), {}, m[3].str()});
    REQUIRE(!out.empty());
    while (bytes >> b) pending.push_back(uint8_t(parse_hex(b)));
    for (size_t i = 0; i + 1 < pending.size(); i += 2)
      out.back().words.push_back(uint16_t(pending[i] | (pending[i + 1] << 8)));
    pending.erase(pending.begin(), pending.begin() + long(pending.size() & ~size_t(1)));
  }
  return out;
}

const Registers& SimRun::final_regs() const {
  REQUIRE(!steps.empty());
  return steps.back().regs;
}

SimRun run_gnu_sim(const std::string& elf, const SimOptions& options) {
  require_tools();
  const fs::path trace = fs::path(elf).replace_extension(".trace");
  const std::string command =
      "timeout " + std::to_string(options.timeout_seconds) + " " + quote(tool("run")) +
      " --trace-disasm --trace-register --trace-memory --trace-alu --trace-file " +
      quote(trace.string()) + " " + quote(elf);
  const CommandResult r = run(command);
  SimRun out;
  out.exit_code = r.exit_code;
  out.output = r.output;
  INFO(command << "\nexit " << r.exit_code << "\noutput: " << r.output << "\ntrace ("
               << trace.string() << ")");
  REQUIRE(r.exit_code != 124);  // timeout: the program never reached a halt
  REQUIRE(r.output.find("Fault") == std::string::npos);

  static const std::regex line_re(R"(^(\w+):\s+0x([0-9a-fA-F]+)\s+-(.*?)\s*$)");
  static const std::regex reg_put_re(R"(PUT: (?:0x)?([0-9a-fA-F]+) -> (\w+))");
  static const std::regex mem_put_re(
      R"(PUT: \[0x([0-9a-fA-F]+)\]\.(\d+) <- (?:0x)?([0-9a-fA-F]+))");
  static const std::regex flags_re(R"(FLAGS: (?:[-VNZC]{4} -> )?([-VNZC]{4}))");
  Registers regs{};
  std::istringstream in(ehsim_test::read_text(trace));
  std::string line;
  std::vector<Step> steps;
  while (std::getline(in, line)) {
    std::smatch m;
    if (line.empty()) continue;
    INFO("trace line: " << line);
    REQUIRE(std::regex_match(line, m, line_re));
    const std::string kind = m[1].str(), text = m[3].str();
    const uint32_t pc = parse_hex(m[2].str());
    if (kind == "disasm") {
      if (!steps.empty()) steps.back().regs[0] = pc;
      regs[0] = pc;
      steps.push_back({pc, lowercase(text), regs, {}, std::nullopt});
      continue;
    }
    REQUIRE(!steps.empty());
    REQUIRE(steps.back().pc == pc);
    Step& step = steps.back();
    std::smatch f;
    if (kind == "reg") {
      if (text.rfind("GET:", 0) == 0) continue;
      REQUIRE(std::regex_match(text, f, reg_put_re));
      const int idx = register_index(f[2].str());
      REQUIRE(idx >= 0);
      step.regs[size_t(idx)] = parse_hex(f[1].str()) & 0xFFFFF;
    } else if (kind == "memory") {
      if (text.rfind("GET:", 0) == 0) continue;
      REQUIRE(std::regex_match(text, f, mem_put_re));
      step.writes.push_back({parse_hex(f[1].str()), std::stoi(f[2].str()), parse_hex(f[3].str())});
    } else if (kind == "alu") {
      if (text.rfind("FLAGS:", 0) != 0) continue;  // "RRA: ...", "ALU: ..." show operands
      REQUIRE(std::regex_match(text, f, flags_re));
      step.regs[2] = (step.regs[2] & ~0x107u) | flags_from_string(f[1].str());
    } else {
      FAIL("unknown trace kind '" << kind << "'");
    }
    regs = step.regs;
  }
  REQUIRE(!steps.empty());
  // The last traced instruction is the halting one when the run stopped with SIGTRAP (exit
  // status 5, "program stopped with signal 5") on mov.b #0, r3, which the simulator
  // disassembles as its alias clr.b r3; the breakpoint leaves PC on it and it does nothing, so
  // it is not a step.
  out.halt_pc = steps.back().pc;
  out.breakpoint =
      r.exit_code == 5 && std::regex_search(steps.back().disasm, std::regex(R"(^clr\.b\s+r3\b)"));
  if (out.breakpoint) steps.pop_back();
  // Attach the register dumps of `call #0x160` (disassembled "call #352") to their
  // instructions, in order.
  const std::vector<Registers> dumps = parse_dumps(r.output);
  size_t next_dump = 0;
  for (Step& s : steps) {
    if (!std::regex_search(s.disasm, std::regex(R"(^calla?\s+#(352|0x0*160)\b)"))) continue;
    REQUIRE(next_dump < dumps.size());
    s.dump = dumps[next_dump++];
  }
  REQUIRE(next_dump == dumps.size());
  out.steps = std::move(steps);
  return out;
}

}  // namespace ehsim::gnu

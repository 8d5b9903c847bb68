// Randomised differential test of the MSP430X instruction set against GNU's msp430 simulator
// (msp430-elf-run, tests/gnu/gnu_msp430.h), the 20-bit counterpart of test_mspdebug_diff.cpp.
// Seeded short sequences of MSP430X instructions (Format I .A/.W/.B in register, indexed,
// absolute, immediate and indirect modes inside an SRAM data area; MOVA/ADDA/SUBA/CMPA;
// RRCM/RRAM/RLAM/RRUM; RPT #n / RPT Rn; PUSHM/POPM; PUSHX/POPX; CALLA/RETA; SWPBX/SXTX/RRCX/
// RRAX/RRUX) are assembled by msp430-elf-as into a few programs, run on msp430-elf-run with its
// trace, and stepped in lock-step on our Bus+Cpu: PC, SP, R4..R15 (20 bits), SR's C/Z/N/V and
// the data and stack areas are compared after every instruction.
//
// Excluded from the comparison because msp430-elf-run (gdb 13.1) disagrees with SLAU367P
// (facts §7); the guide wins, and "GNU sim disagreements" below asserts the guide's values:
//  * V after SUB/SUBX/SUBA (and DEC/DECD): the simulator never sets it (SUBC, CMP agree);
//  * V after RRC/RRCX: the simulator sets it, the guide resets it;
//  * SXTX's C (the simulator clears it; the guide: C = result != 0): a CLRC follows every SXTX;
//  * SXTX.W and SWPBX.A on a register (bits 19:16): not generated;
//  * SWPBX.A in memory: the simulator clears bits 19:16 of the stored value, the guide keeps
//    them: not generated (found by this test: 164 instructions of its first version);
//  * DADDX, symbolic mode, CALLA x(Rn), POPX.B, RPT with a constant-generator source, and
//    `op @Rn+, x(Rn)` with one Rn: not generated.
#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cpu/msp430_asm.h"
#include "tests/gnu/gnu_msp430.h"

using namespace ehsim::test;
using namespace ehsim::mcu;

namespace {

constexpr uint32_t kDataLo = 0x1C00, kDataLen = 0x400;     // random data the sequences use
constexpr uint32_t kStackLo = 0x3A00, kStackLen = 0x200;   // PUSHM/PUSHX/CALLA stack
constexpr uint32_t kStackStart = 0x3B00;                   // SP at each sequence's start
constexpr uint32_t kPtrLo = 0x1D00, kPtrSpan = 0x200;      // pointer registers R4..R7
constexpr int kSequencesPerProgram = 250, kPrograms = 13;  // 3,250 sequences
constexpr int kFirstData = 8;                              // R8..R15 hold data

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  std::vector<uint8_t> data() {
    std::vector<uint8_t> d(kDataLen);
    for (auto& b : d) b = uint8_t(rnd(256));
    return d;
  }

  // One sequence: a register/SR/SP reset, then 5-10 random instructions.
  void sequence(std::ostringstream& out) {
    out_ = &out;
    line("mova #" + hex(kStackStart) + ", sp");
    sp_ = kStackStart;
    for (int r = 4; r < kFirstData; ++r) {
      ptr_[r] = kPtrLo + 2 * uint32_t(rnd(kPtrSpan / 2));
      line("mova #" + hex(ptr_[r]) + ", r" + std::to_string(r));
    }
    for (int r = kFirstData; r <= 15; ++r)
      line("mova #" + hex(uint32_t(rnd(0x100000))) + ", r" + std::to_string(r));
    // Random N, Z and C with V = 0 (BIT; writing SR directly draws an assembler warning).
    line("bitx.w " + reg(data_reg()) + ", " + reg(data_reg()));
    const int n = 5 + rnd(6);
    for (int i = 0; i < n; ++i) item();
  }

 private:
  int rnd(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  void line(const std::string& s) { *out_ << "        " << s << "\n"; }
  static std::string reg(int r) { return r == 1 ? "sp" : "r" + std::to_string(r); }
  int data_reg() { return kFirstData + rnd(16 - kFirstData); }
  static char suffix(int width) { return width == 20 ? 'a' : width == 16 ? 'w' : 'b'; }
  static uint32_t mask(int width) { return width == 20 ? 0xFFFFF : width == 16 ? 0xFFFF : 0xFF; }
  static uint32_t bytes(int width) { return width == 20 ? 4 : width == 16 ? 2 : 1; }
  int width() {
    const int k = rnd(3);
    return k == 0 ? 20 : k == 1 ? 16 : 8;
  }
  // A data-area address for an access of `width` (even unless a byte).
  uint32_t target(int width) {
    const uint32_t t = kDataLo + uint32_t(rnd(int(kDataLen - 8)));
    return width == 8 ? t : t & ~1u;
  }
  // A pointer register usable for @Rn/@Rn+ of `width`, or -1.
  int pointer(int width, int avoid = -1) {
    for (int tries = 0; tries < 8; ++tries) {
      const int r = 4 + rnd(kFirstData - 4);
      if (r != avoid && (width == 8 || !(ptr_[r] & 1))) return r;
    }
    return -1;
  }
  // X(Rn) reaching a data-area address. `format2`: a non-negative X, because GNU as 2.40 puts
  // a Format II (and POPX) index's bits 19:16 into the extension word's source field, bits 10:7
  // (objdump then reads `rrcx.w -20(r4)` as rrux.w), and msp430-elf-run does not take them
  // from there (`popx.w -20(r4)` with R4 = 0x1D21 wrote 0x11D0D); not settled from the guide.
  std::string indexed(int width, int* base, bool format2 = false) {
    const int r = 4 + rnd(kFirstData - 4);
    *base = r;
    uint32_t t = target(width);
    if (format2) t = (ptr_[r] + uint32_t(rnd(0x100)) + 1) & (width == 8 ? ~0u : ~1u);
    const int32_t x = int32_t(t) - int32_t(ptr_[r]);
    return std::to_string(x) + "(" + reg(r) + ")";
  }
  std::string imm(int width) { return "#" + hex(uint32_t(rnd(0x100000)) & mask(width)); }
  // Source operand; `ptr_used` is the pointer register it reads through (or -1).
  std::string source(int width, int* ptr_used, bool format2 = false) {
    *ptr_used = -1;
    for (;;) {
      switch (rnd(6)) {
        case 0:
          return reg(4 + rnd(12));
        case 1:
          return imm(width);
        case 2: {
          const int r = pointer(width);
          if (r < 0) continue;
          *ptr_used = r;
          return "@" + reg(r);
        }
        case 3: {
          const int r = pointer(width);
          if (r < 0) continue;
          *ptr_used = r;
          ptr_[r] += bytes(width);
          return "@" + reg(r) + "+";
        }
        case 4:
          return indexed(width, ptr_used, format2);
        default:
          return "&" + hex(target(width));
      }
    }
  }
  // Destination; never a pointer register, never through `avoid` (the source's @Rn+ register).
  std::string destination(int width, int avoid) {
    for (;;) {
      switch (rnd(3)) {
        case 0:
          return reg(data_reg());
        case 1: {
          int base = -1;
          const std::string s = indexed(width, &base);
          if (base == avoid) continue;
          return s;
        }
        default:
          return "&" + hex(target(width));
      }
    }
  }

  void format1() {
    static const char* ops[] = {"movx", "addx", "subx",  "cmpx",  "andx", "bisx",
                                "bicx", "xorx", "addcx", "subcx", "bitx"};
    const int w = width();
    int p = -1;
    const std::string src = source(w, &p);
    line(std::string(ops[rnd(11)]) + "." + suffix(w) + " " + src + ", " + destination(w, p));
  }
  void address_ops() {
    const int d = data_reg();
    switch (rnd(10)) {
      case 0:
        return line("mova " + reg(4 + rnd(12)) + ", " + reg(d));
      case 1:
        return line("mova #" + hex(uint32_t(rnd(0x100000))) + ", " + reg(d));
      case 2:
      case 3: {
        const int r = pointer(16);
        if (r < 0) return;
        const bool inc = rnd(2);
        line("mova @" + reg(r) + (inc ? "+" : "") + ", " + reg(d));
        if (inc) ptr_[r] += 4;
        return;
      }
      case 4:
        return line("mova &" + hex(target(16)) + ", " + reg(d));
      case 5: {
        int base = -1;
        return line("mova " + indexed(16, &base) + ", " + reg(d));
      }
      case 6: {
        if (rnd(2)) return line("mova " + reg(4 + rnd(12)) + ", &" + hex(target(16)));
        int base = -1;
        return line("mova " + reg(4 + rnd(12)) + ", " + indexed(16, &base));
      }
      default: {
        static const char* ops[] = {"adda", "suba", "cmpa"};
        const std::string src = rnd(2) ? reg(4 + rnd(12)) : "#" + hex(uint32_t(rnd(0x100000)));
        return line(std::string(ops[rnd(3)]) + " " + src + ", " + reg(d));
      }
    }
  }
  void rotate_multiple() {
    static const char* ops[] = {"rrcm", "rram", "rlam", "rrum"};
    line(std::string(ops[rnd(4)]) + "." + (rnd(2) ? 'a' : 'w') + " #" + std::to_string(1 + rnd(4)) +
         ", " + reg(data_reg()));
  }
  void repeat() {
    static const char* ops[] = {"rrax", "rlax", "rrcx", "rrux", "addx", "subx", "addcx", "xorx"};
    const int op = rnd(8);
    const int w = width();
    const std::string count = rnd(2) ? "#" + std::to_string(1 + rnd(16)) : reg(data_reg());
    std::string operands = reg(data_reg());
    if (op >= 4) operands = reg(4 + rnd(12)) + ", " + operands;
    line("rpt " + count + " { " + ops[op] + "." + suffix(w) + " " + operands);
  }
  void stack_ops() {
    const bool a = rnd(2);
    switch (rnd(4)) {
      case 0: {  // PUSHM: registers R4..Rd, never SP/SR/CG
        const int d = 4 + rnd(12);
        const int n = 1 + rnd(d - 3);
        if (sp_ - uint32_t(n) * (a ? 4 : 2) < kStackLo + 0x40) return;
        sp_ -= uint32_t(n) * (a ? 4 : 2);
        return line(std::string("pushm.") + (a ? 'a' : 'w') + " #" + std::to_string(n) + ", " +
                    reg(d));
      }
      case 1: {  // POPM: into data registers only
        const int d = data_reg();
        const int n = 1 + rnd(d - kFirstData + 1);
        if (sp_ + uint32_t(n) * (a ? 4 : 2) > kStackLo + kStackLen - 0x40) return;
        sp_ += uint32_t(n) * (a ? 4 : 2);
        return line(std::string("popm.") + (a ? 'a' : 'w') + " #" + std::to_string(n) + ", " +
                    reg(d));
      }
      case 2: {  // PUSHX
        const int w = width();
        if (sp_ < kStackLo + 0x40) return;
        int p = -1;
        const std::string src = source(w, &p, true);
        sp_ -= w == 20 ? 4 : 2;
        return line(std::string("pushx.") + suffix(w) + " " + src);
      }
      default: {  // POPX .A/.W
        const int w = a ? 20 : 16;
        if (sp_ > kStackLo + kStackLen - 0x40) return;
        // Register or absolute: a negative POPX index reaches beyond 64 KB on both simulators
        // (see indexed()).
        const std::string dst = rnd(2) ? reg(data_reg()) : "&" + hex(target(w));
        sp_ += w == 20 ? 4 : 2;
        return line(std::string("popx.") + suffix(w) + " " + dst);
      }
    }
  }
  void single() {
    switch (rnd(6)) {
      case 0:
        return line("calla #routine");
      case 1:
        return line("swpbx.w " + reg(data_reg()));
      case 2:
      case 3: {  // memory forms of SWPBX.W and SXTX .W/.A (SWPBX.A: see the file comment)
        const bool swpb = rnd(2);
        const int w = swpb || rnd(2) ? 16 : 20;
        std::string dst;
        if (rnd(2)) {
          dst = "&" + hex(target(w));
        } else {
          int base = -1;
          dst = indexed(w, &base, true);
        }
        line(std::string(swpb ? "swpbx." : "sxtx.") + suffix(w) + " " + dst);
        if (!swpb) line("clrc");
        return;
      }
      case 4:
        line("sxtx.a " + reg(data_reg()));
        return line("clrc");
      default: {
        static const char* ops[] = {"rrcx", "rrax", "rrux"};
        const int w = width();
        const int k = rnd(3);
        if (k == 2 || rnd(2))
          return line(std::string(ops[k]) + "." + suffix(w) + " " + reg(data_reg()));
        return line(std::string(ops[k]) + "." + suffix(w) + " &" + hex(target(w)));
      }
    }
  }
  void item() {
    const int k = rnd(20);
    if (k < 8) return format1();
    if (k < 11) return address_ops();
    if (k < 13) return rotate_multiple();
    if (k < 15) return repeat();
    if (k < 18) return stack_ops();
    single();
  }

  std::mt19937 rng_;
  std::ostringstream* out_ = nullptr;
  std::array<uint32_t, 16> ptr_{};
  uint32_t sp_ = kStackStart;
};

std::string program(Generator& gen, const std::vector<uint8_t>& data, int sequences) {
  std::ostringstream out;
  out << "        .text\n        .global start\nstart:\n";
  for (int i = 0; i < sequences; ++i) gen.sequence(out);
  out << "        mov.b #0, r3\n";
  out << "        .section .upper.text, \"ax\", @progbits\nroutine:\n        reta\n";
  out << "        .data\n";
  for (size_t i = 0; i < data.size(); i += 16) {
    out << "        .byte ";
    for (size_t j = i; j < i + 16 && j < data.size(); ++j)
      out << (j > i ? ", " : "") << unsigned(data[j]);
    out << "\n";
  }
  return out.str();
}

// The mnemonic of a simulator disassembly, without a `rpt ... { ` prefix and the size suffix.
std::string mnemonic(const std::string& disasm) {
  std::string s = disasm;
  const size_t brace = s.find("{ ");
  if (brace != std::string::npos) s = s.substr(brace + 2);
  s = s.substr(0, s.find_first_of(" \t"));
  return s.substr(0, s.find('.'));
}

// Mnemonics (objdump's, aliases included) after which msp430-elf-run's V differs from the guide.
bool gnu_v_wrong(const std::string& m) {
  static const std::set<std::string> wrong = {"sub",  "subx",  "suba", "dec", "decx",
                                              "decd", "decdx", "rrc",  "rrcx"};
  return wrong.count(m) != 0;
}
// Mnemonics that set V from their result in both (so a stale V is fresh again).
bool sets_v(const std::string& m) {
  return !gnu_v_wrong(m) && m != "mov" && m != "movx" && m != "mova" && m != "bic" && m != "bicx" &&
         m != "bis" && m != "bisx" && m != "pushm" && m != "popm" && m != "push" && m != "pushx" &&
         m != "pop" && m != "popx" && m != "calla" && m != "reta" && m != "swpb" && m != "swpbx" &&
         m != "clrc" && m != "clr" && m != "clrx" && m != "nop" && m != "br" && m != "bra";
}

struct Totals {
  int programs = 0;
  size_t steps = 0;
  int divergent_steps = 0;
  std::map<std::string, int> by_mnemonic;
};

// Loads the ELF's code into the rig and starts the CPU as msp430-elf-run starts: every register
// 0, PC at the first instruction of .text (the `start` symbol).
void load_elf_code(Rig& r, const std::string& elf) {
  const std::vector<ehsim::gnu::Disassembled> listing = ehsim::gnu::disassemble(elf);
  REQUIRE(!listing.empty());
  for (const auto& d : listing) {
    std::vector<uint8_t> b;
    for (uint16_t w : d.words) {
      b.push_back(uint8_t(w));
      b.push_back(uint8_t(w >> 8));
    }
    r.bus.load(d.address, b.data(), b.size(), nullptr);
  }
  r.cpu.power_on_reset();
  for (int i = 0; i < 16; ++i) r.cpu.set_reg(i, 0);
  r.cpu.set_reg(kPC, listing.front().address);
}

struct Area {
  uint32_t lo, len;
};
const std::vector<Area> kAreas = {{kDataLo, kDataLen}, {kStackLo, kStackLen}};

// Runs one program on both and compares after every instruction (registers, flags and the bytes
// of `areas`, which must hold every write; `data` is loaded at kDataLo); on a divergence our
// state is resynchronised from the simulator's so that later instructions are still compared.
void compare_program(const std::string& asm_text, const std::vector<uint8_t>& data,
                     const std::vector<Area>& areas, const std::string& name, Totals* totals) {
  ehsim::gnu::LinkOptions opts;
  opts.name = name;
  const std::string elf = ehsim::gnu::assemble_and_link(asm_text, opts);
  const ehsim::gnu::SimRun run = ehsim::gnu::run_gnu_sim(elf, {120});
  REQUIRE(run.breakpoint);
  Rig r;
  load_elf_code(r, elf);
  // The simulator's memory, rebuilt from the data it loaded and its traced writes.
  std::vector<uint8_t> mem(0x100000, 0);
  std::copy(data.begin(), data.end(), mem.begin() + kDataLo);
  for (const Area& a : areas) r.bus.load(a.lo, mem.data() + a.lo, a.len, nullptr);
  bool v_valid = true;
  int reported = 0;
  for (const ehsim::gnu::Step& s : run.steps) {
    INFO(name << " step at " << hex(s.pc) << ": " << s.disasm);
    REQUIRE(r.cpu.pc() == s.pc);
    r.step();
    REQUIRE(r.ctx.fault.kind == FaultKind::kNone);
    ++totals->steps;
    for (const auto& w : s.writes) {
      const uint32_t n = w.bits == 8 ? 1 : w.bits == 16 ? 2 : 4;
      bool in_area = false;
      for (const Area& a : areas) in_area |= w.address >= a.lo && w.address + n <= a.lo + a.len;
      INFO("write " << hex(w.address) << "." << w.bits);
      REQUIRE(in_area);  // the generator keeps every access inside the areas
      const uint32_t v = w.bits == 20 ? (w.value & 0xFFFFF) : w.value;
      for (uint32_t i = 0; i < n; ++i) mem[w.address + i] = uint8_t(v >> (8 * i));
    }
    const std::string m = mnemonic(s.disasm);
    const bool v_now = v_valid && !gnu_v_wrong(m);
    if (gnu_v_wrong(m))
      v_valid = false;
    else if (sets_v(m) || s.disasm.find("sr") != std::string::npos ||
             s.disasm.find("r2") != std::string::npos)
      v_valid = true;
    std::ostringstream diff;
    for (int i = 0; i < 16; ++i) {
      if (i == kSR || i == kCG) continue;
      if (r.cpu.reg(i) != s.regs[size_t(i)])
        diff << " R" << i << " ours " << hex(r.cpu.reg(i)) << " gnu " << hex(s.regs[size_t(i)]);
    }
    const uint32_t flags = kSrC | kSrZ | kSrN | (v_now ? kSrV : 0);
    const bool sxt = m == "sxtx" || m == "sxt";  // C differs, see the file comment
    const uint32_t cmp_flags = sxt ? flags & ~uint32_t(kSrC) : flags;
    if ((r.cpu.sr() & cmp_flags) != (s.regs[size_t(kSR)] & cmp_flags))
      diff << " SR flags ours " << hex(r.cpu.sr() & flags) << " gnu "
           << hex(s.regs[size_t(kSR)] & flags);
    for (const Area& a : areas)
      for (uint32_t i = a.lo; i < a.lo + a.len; ++i)
        if (r.bus.peek_byte(i) != mem[i])
          diff << " [" << hex(i) << "] ours " << hex(r.bus.peek_byte(i)) << " gnu " << hex(mem[i]);
    if (diff.str().empty()) continue;
    ++totals->divergent_steps;
    ++totals->by_mnemonic[m];
    if (reported++ < 20) FAIL_CHECK("divergence:" << diff.str());
    for (int i = 0; i < 16; ++i)
      if (i != kCG) r.cpu.set_reg(i, s.regs[size_t(i)]);
    for (const Area& a : areas) r.bus.load(a.lo, mem.data() + a.lo, a.len, nullptr);
  }
  ++totals->programs;
}

}  // namespace

TEST_CASE("Random MSP430X sequences match GNU msp430-elf-run except where the guide differs",
          "[cpu][msp430x][gnu]") {
  Generator gen(20261206);
  Totals totals;
  for (int p = 0; p < kPrograms; ++p) {
    const std::vector<uint8_t> data = gen.data();
    const std::string text = program(gen, data, kSequencesPerProgram);
    compare_program(text, data, kAreas, "xdiff" + std::to_string(p), &totals);
  }
  std::ostringstream by;
  for (const auto& [m, n] : totals.by_mnemonic) by << " " << m << ":" << n;
  INFO("divergent steps by mnemonic:" << by.str());
  WARN(kPrograms * kSequencesPerProgram << " sequences, " << totals.steps
                                        << " instructions compared");
  CHECK(totals.programs == kPrograms);
  CHECK(totals.steps > 3000u * 15u);
  CHECK(totals.divergent_steps == 0);
}

TEST_CASE("The hand-computed program of the GNU tools test runs alike on msp430-elf-run and here",
          "[cpu][msp430x][gnu]") {
  // tests/cpu/test_gnu_tools.cpp's program without its `call #0x160`: a register-dump hook in
  // msp430-elf-run, a real call into peripheral space on the CPU. (Its other program only checks
  // encodings and never sets SP; test_msp430x.cpp's kGnuCrossCheck is compared there.)
  std::string text = ehsim::gnu::kHandComputedProgram;
  const size_t dump = text.find("        call    #0x160");
  REQUIRE(dump != std::string::npos);
  text.erase(dump, text.find('\n', dump) + 1 - dump);
  Totals totals;
  compare_program(text, {}, {{0x2300, 0x100}}, "hand", &totals);
  CHECK(totals.steps == 11);
  CHECK(totals.divergent_steps == 0);
}

TEST_CASE("GNU sim disagreements excluded from the random comparison, the guide's values here",
          "[cpu][msp430x][gnu]") {
  const std::string elf = ehsim::gnu::assemble_and_link(R"(
        .text
        .global start
start:  mova    #0x3b00, sp
        mova    #0x12345, r11
        movx.a  r11, &0x1c00
        swpbx.a &0x1c00
        mova    #0x80000, r10
        subx.a  #1, r10
        mova    #0x80000, r12
        suba    #1, r12
        mov     #1, r13
        setc
        rrcx.w  r13
        mova    #0x80, r14
        sxtx.a  r14
        mov.b   #0, r3
)",
                                                        {0x4400, 0x1C00, 0x10000, "guide"});
  const ehsim::gnu::SimRun run = ehsim::gnu::run_gnu_sim(elf);
  REQUIRE(run.breakpoint);
  REQUIRE(run.steps.size() == 13);
  Rig r;
  load_elf_code(r, elf);
  std::vector<uint32_t> sr;  // our SR after each instruction
  for (size_t i = 0; i < run.steps.size(); ++i) {
    r.step();
    sr.push_back(r.cpu.sr());
  }
  REQUIRE(r.ctx.fault.kind == FaultKind::kNone);
  const auto gnu_sr = [&](size_t i) { return run.steps[i].regs[size_t(kSR)]; };

  // SWPBX.A in memory (SLAU367P SWPBX, "other modes": with .A, bits 19:16 of the operand are
  // left unchanged and bits 15:8 are swapped with bits 7:0): 0x12345 -> 0x14523. msp430-elf-run
  // stores 0x04523.
  CHECK((r.bus.peek_word(0x1C00) | (uint32_t(r.bus.peek_word(0x1C02)) << 16)) == 0x14523);
  REQUIRE(run.steps[3].writes.size() == 1);
  CHECK(run.steps[3].writes[0].value == 0x04523);

  // SUBX.A #1 on 0x80000 (SLAU367P SUBX: V is set when a positive is subtracted from a negative
  // and the result is positive, MSB = bit 19): 0x7FFFF with V = 1, C = 1. msp430-elf-run: V = 0.
  CHECK(r.cpu.reg(10) == 0x7FFFF);
  CHECK((sr[5] & (kSrV | kSrC | kSrN | kSrZ)) == (kSrV | kSrC));
  CHECK((gnu_sr(5) & kSrV) == 0);
  // SUBA #1 on 0x80000 (SLAU367P SUBA, the same V rule): V = 1. msp430-elf-run: V = 0.
  CHECK(r.cpu.reg(12) == 0x7FFFF);
  CHECK((sr[7] & (kSrV | kSrC | kSrN | kSrZ)) == (kSrV | kSrC));
  CHECK((gnu_sr(7) & kSrV) == 0);
  // RRCX.W of 1 with C = 1 (SLAU367P RRCX: V is reset): 0x8000, C = 1, N = 1, V = 0.
  // msp430-elf-run sets V.
  CHECK(r.cpu.reg(13) == 0x8000);
  CHECK((sr[10] & (kSrV | kSrC | kSrN | kSrZ)) == (kSrC | kSrN));
  CHECK((gnu_sr(10) & kSrV) == kSrV);
  // SXTX.A of 0x80 (SLAU367P SXTX: bit 7 through bit 19; C is set when the result is not zero):
  // 0xFFF80, C = 1, N = 1. msp430-elf-run clears C.
  CHECK(r.cpu.reg(14) == 0xFFF80);
  CHECK((sr[12] & (kSrV | kSrC | kSrN | kSrZ)) == (kSrC | kSrN));
  CHECK((gnu_sr(12) & kSrC) == 0);
}

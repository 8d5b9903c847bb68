// Format II families, jumps and stack operations: results, flags (SLAU445 4.6.2, facts §1.10)
// and cycles (SLAU445 Tables 4-8 and 4-9, facts §1.2–1.4), derived by hand.
#include <catch2/catch.hpp>

#include "tests/cpu/msp430_asm.h"

using namespace ehsim::test;
using namespace ehsim::mcu;

namespace {
constexpr uint16_t kFlags = kSrC | kSrZ | kSrN | kSrV;
}

TEST_CASE("RRC/RRA/SWPB/SXT: results, flags, byte forms", "[cpu][shift]") {
  struct Case {
    Op2 op;
    bool byte;
    uint16_t in, sr_in;
    uint32_t result;
    uint16_t flags;
  };
  const Case cases[] = {
      {RRC, false, 0x0001, 0, 0x0000, kSrZ | kSrC},
      {RRC, false, 0x8000, kSrC | kSrV, 0xC000, kSrN},  // C enters the MSB, V cleared
      {RRC, true, 0x1281, kSrC, 0x00C0, kSrN | kSrC},   // byte: high byte cleared
      {RRA, false, 0x8001, 0, 0xC000, kSrN | kSrC},     // MSB kept
      {RRA, false, 0x0002, kSrC, 0x0001, 0},
      {RRA, true, 0xFF80, 0, 0x00C0, kSrN},
      {SWPB, false, 0x12F4, kSrC | kSrZ, 0xF412, kSrC | kSrZ},  // flags untouched
      {SXT, false, 0x1280, 0, 0xFFF80, kSrN | kSrC},  // a register: bits 19:8 (facts §1.7)
      {SXT, false, 0xFF7F, kSrV, 0x007F, kSrC},
      {SXT, false, 0xAB00, 0, 0x0000, kSrZ},
  };
  for (const Case& k : cases) {
    Rig r;
    std::vector<uint16_t> c;
    emit2(c, k.op, R(5), k.byte);
    r.load(c);
    r.cpu.set_reg(5, k.in);
    r.cpu.set_reg(kSR, k.sr_in);
    INFO("op " << int(k.op) << " in " << k.in);
    CHECK(r.step() == 1);  // Table 4-9 Rn: 1
    CHECK(r.cpu.reg(5) == k.result);
    CHECK((r.cpu.sr() & kFlags) == k.flags);
  }
}

TEST_CASE("Format II memory operands: cycles per Table 4-9", "[cpu][shift]") {
  Rig r;
  std::vector<uint16_t> c;
  emit2(c, RRA, Ind(6));        // @Rn: 3
  emit2(c, RRC, Inc(6));        // @Rn+: 3
  emit2(c, SWPB, Idx(2, 6));    // X(Rn): 4 (R6 = 0x1C02 now)
  emit2(c, SXT, Abs(0x1C10));   // &EDE: 4
  emit2(c, RRA, Sym(0));        // EDE: 4, operand = its own extension word's address
  emit2(c, RRC, Inc(6), true);  // @Rn+ byte: R6 += 1
  r.load(c);
  r.cpu.set_reg(6, 0x1C00);
  r.poke16(0x1C00, 0x0004);
  r.poke16(0x1C04, 0x1234);
  r.poke16(0x1C10, 0x0080);
  r.poke16(0x1C02, 0x0003);
  CHECK(r.step() == 3);
  CHECK(r.peek16(0x1C00) == 0x0002);
  CHECK(r.step() == 3);
  CHECK(r.peek16(0x1C00) == 0x0001);
  CHECK(r.cpu.reg(6) == 0x1C02);
  CHECK(r.step() == 4);
  CHECK(r.peek16(0x1C04) == 0x3412);
  CHECK(r.step() == 4);
  CHECK(r.peek16(0x1C10) == 0xFF80);
  CHECK(r.step() == 4);
  const uint16_t sym_ext = 0x4400 + 2 * 7;  // the 8th word: RRA's extension word in FRAM
  CHECK(r.peek16(sym_ext) == 0x0000);       // 0 >> 1
  CHECK(r.step() == 3);
  CHECK(r.cpu.reg(6) == 0x1C03);
  CHECK(r.peek16(0x1C02) == 0x0001);  // low byte 0x03 >> 1, C was 0 after RRA of 0
}

TEST_CASE("PUSH/CALL/RET/RETI: stack effects and cycles", "[cpu][stack]") {
  Rig r;
  std::vector<uint16_t> c;
  emit2(c, PUSH, R(5));         // 0x4400 Rn: 3
  emit2(c, PUSH, Imm(0x1234));  // 0x4402 #N: 3
  emit2(c, PUSH, Idx(0, 6));    // 0x4406 X(Rn): 4
  emit2(c, PUSH, Abs(0x1C00));  // 0x440A &EDE: 4
  emit2(c, PUSH, R(5), true);   // 0x440E PUSH.B Rn: 3, byte store, SP -= 2
  emit2(c, PUSH, C8());         // 0x4410 CG source timed as Rn: 3
  emit2(c, CALL, Imm(0x4500));  // 0x4412 #N: 4
  r.load(c);
  std::vector<uint16_t> sub;
  emit1(sub, MOV, Inc(kSP), R(kPC));  // RET: 4 (Table 4-8)
  r.load(sub, 0x4500);
  r.load(c);
  r.cpu.set_reg(5, 0xABCD);
  r.cpu.set_reg(6, 0x1C00);
  r.poke16(0x1C00, 0x5555);
  r.poke16(0x2BF6, 0xEEEE);
  CHECK(r.step() == 3);
  CHECK(r.cpu.reg(kSP) == 0x2BFE);
  CHECK(r.peek16(0x2BFE) == 0xABCD);
  CHECK(r.step() == 3);
  CHECK(r.peek16(0x2BFC) == 0x1234);
  CHECK(r.step() == 4);
  CHECK(r.peek16(0x2BFA) == 0x5555);
  CHECK(r.step() == 4);
  CHECK(r.peek16(0x2BF8) == 0x5555);
  CHECK(r.step() == 3);
  CHECK(r.cpu.reg(kSP) == 0x2BF6);
  CHECK(r.peek16(0x2BF6) == 0xEECD);  // only the low byte written
  CHECK(r.step() == 3);
  CHECK(r.peek16(0x2BF4) == 0x0008);
  CHECK(r.step() == 4);
  CHECK(r.cpu.pc() == 0x4500);
  CHECK(r.peek16(0x2BF2) == 0x4416);  // return address = next instruction
  CHECK(r.step() == 4);
  CHECK(r.cpu.pc() == 0x4416);
  CHECK(r.cpu.reg(kSP) == 0x2BF4);
}

TEST_CASE("CALL cycles for every mode (Table 4-9)", "[cpu][stack]") {
  struct Case {
    Operand op;
    uint64_t cycles;
  };
  // Targets: R5 = 0x4600; @R6 / @R6+ / 0(R6) hold 0x4600; &0x1C00 holds 0x4600.
  const Case cases[] = {{R(5), 4},        {Ind(6), 4},    {Inc(6), 4},
                        {Imm(0x4600), 4}, {Idx(0, 6), 5}, {Abs(0x1C00), 6}};
  for (const Case& k : cases) {
    Rig r;
    std::vector<uint16_t> c;
    emit2(c, CALL, k.op);
    r.load(c);
    r.cpu.set_reg(5, 0x4600);
    r.cpu.set_reg(6, 0x1C00);
    r.poke16(0x1C00, 0x4600);
    CHECK(r.step() == k.cycles);
    CHECK(r.cpu.pc() == 0x4600);
    CHECK(r.peek16(0x2BFE) == 0x4400 + 2 * c.size());
  }
}

TEST_CASE("RETI pops SR then PC in 5 cycles", "[cpu][stack]") {
  Rig r;
  r.load({kReti});
  r.cpu.set_reg(kSP, 0x2BFC);
  r.poke16(0x2BFC, kSrGIE | kSrC | kSrV);
  r.poke16(0x2BFE, 0x4700);
  CHECK(r.step() == 5);  // Table 4-8 RETI
  CHECK(r.cpu.pc() == 0x4700);
  CHECK(r.cpu.sr() == (kSrGIE | kSrC | kSrV));
  CHECK(r.cpu.reg(kSP) == 0x2C00);
}

TEST_CASE("Jumps: every condition taken and not taken, offsets, 2 cycles", "[cpu][jump]") {
  struct Case {
    Cond cond;
    uint16_t sr;
    bool taken;
  };
  const Case cases[] = {
      {JNE, 0, true},
      {JNE, kSrZ, false},
      {JEQ, kSrZ, true},
      {JEQ, 0, false},
      {JNC, 0, true},
      {JNC, kSrC, false},
      {JC, kSrC, true},
      {JC, 0, false},
      {JN, kSrN, true},
      {JN, 0, false},
      {JGE, 0, true},
      {JGE, kSrN | kSrV, true},
      {JGE, kSrN, false},
      {JGE, kSrV, false},
      {JL, kSrN, true},
      {JL, kSrV, true},
      {JL, 0, false},
      {JL, kSrN | kSrV, false},
      {JMP, 0, true},
      {JMP, kFlags, true},
      // An SR written explicitly can hold Z and N together, which no ALU result can: each flag
      // must still read on its own.
      {JN, kSrZ | kSrN, true},
      {JEQ, kSrZ | kSrN, true},
      {JNE, kSrZ | kSrN | kSrC, false},
      {JC, kSrZ | kSrN | kSrC, true},
      {JL, kSrZ | kSrN, true},
      {JGE, kSrZ | kSrN | kSrV, true},
      {JGE, kSrZ | kSrV, false},
      {JN, kSrZ, false},
  };
  for (const Case& k : cases) {
    for (int offset : {5, -3, 511, -512}) {
      Rig r;
      std::vector<uint16_t> c;
      emit_jump(c, k.cond, offset);
      r.load(c, 0x8000);
      r.cpu.set_reg(kPC, 0x8000);
      r.cpu.set_reg(kSR, k.sr);
      INFO("cond " << int(k.cond) << " sr " << k.sr << " offset " << offset);
      CHECK(r.step() == 2);  // SLAU445 4.5.1.5.2: 2 cycles taken or not
      CHECK(r.cpu.pc() == (k.taken ? uint16_t(0x8002 + 2 * offset) : 0x8002));
      CHECK(r.cpu.sr() == k.sr);  // jumps never change flags
    }
  }
}

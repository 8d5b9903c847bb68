// Self-modifying code (the interpreter predecodes opcodes: what runs must always be what memory
// holds now) and breakpoints met at the start of a run that began after a cycle-limit stop.
#include <catch2/catch.hpp>

#include "tests/cpu/msp430_asm.h"

using namespace ehsim::test;
using namespace ehsim::mcu;

TEST_CASE("Self-modifying code: a rewritten FRAM instruction runs as written", "[cpu][smc]") {
  Rig r;
  std::vector<uint16_t> c;
  emit1(c, ADD, C1(), R(5));                // 0x4400: ADD #1,R5 (0x5315), patched below
  emit1(c, MOV, Imm(0x8325), Abs(0x4400));  // 0x4402: write SUB #2,R5 over it
  emit1(c, MOV, Imm(0x4400), R(kPC));       // 0x4408: BR #0x4400
  REQUIRE(c.size() == 6);
  REQUIRE(c[0] == 0x5315);
  r.load(c);
  CHECK(r.step() == 1);  // ADD #1,R5
  CHECK(r.cpu.reg(5) == 1);
  CHECK(r.step() == 4);  // MOV #N,&EDE: Table 4-10 #N->&EDE 5, minus 1 for MOV
  CHECK(r.peek16(0x4400) == 0x8325);
  CHECK(r.step() == 3);  // MOV #N,PC
  CHECK(r.cpu.pc() == 0x4400);
  CHECK(r.step() == 1);  // now SUB #2,R5: 1 - 2
  CHECK(r.cpu.reg(5) == 0xFFFF);
  CHECK(r.cpu.sr() == kSrN);  // borrow: C clear; negative result
  CHECK(r.cpu.pc() == 0x4402);
}

TEST_CASE("Self-modifying code: a routine built in SRAM, then its words rewritten", "[cpu][smc]") {
  Rig r;
  std::vector<uint16_t> c;
  emit1(c, MOV, Imm(0x4036), Abs(0x1C00));      // MOV #N,R6 at 0x1C00 ...
  emit1(c, MOV, Imm(0x1234), Abs(0x1C02));      // ... with N = 0x1234
  emit1(c, MOV, Imm(0x4130), Abs(0x1C04));      // RET (MOV @SP+,PC)
  emit2(c, CALL, Imm(0x1C00));                  // R6 = 0x1234
  emit1(c, MOV, Imm(0x5678), Abs(0x1C02));      // rewrite the extension word only
  emit2(c, CALL, Imm(0x1C00));                  // R6 = 0x5678
  emit1(c, MOV, Imm(0x5036), Abs(0x1C00));      // rewrite the opcode: ADD #N,R6
  emit2(c, CALL, Imm(0x1C00));                  // R6 = 0x5678 + 0x5678 = 0xACF0
  emit1(c, MOV, Imm(0x80), Abs(0x1C01), true);  // byte write to the opcode: 0x8036 = SUB #N,R6
  emit2(c, CALL, Imm(0x1C00));                  // R6 = 0xACF0 - 0x5678 = 0x5678
  REQUIRE(c.size() == 26);
  const uint16_t end = uint16_t(Rig::kCode + 2 * c.size());  // 0x4434
  r.load(c);
  r.cpu.add_breakpoint(end);

  // Stop after the second call: 4 MOV #N,&EDE (4 each) + 2 CALL #N (4 each) + 2 x (MOV #N,R6 2
  // + RET 4) = 36 cycles, 10 instructions.
  CHECK(r.cpu.run(36) == StopReason::kCycleLimit);
  CHECK(r.ctx.cycles == 36);
  CHECK(r.ctx.instructions == 10);
  CHECK(r.cpu.reg(6) == 0x5678);

  CHECK(r.cpu.run(1000) == StopReason::kBreakpoint);
  CHECK(r.cpu.pc() == end);
  CHECK(r.cpu.reg(6) == 0x5678);
  CHECK(r.cpu.sr() == (kSrC | kSrV));  // 0xACF0 - 0x5678: no borrow, negative - positive
  // + MOV #N,&EDE 4 + CALL 4 + ADD #N,R6 2 + RET 4, twice (the second write is MOV.B: 4).
  CHECK(r.ctx.cycles == 36 + 2 * 14);
  CHECK(r.ctx.instructions == 18);
  CHECK(r.peek16(0x1C00) == 0x8036);
  CHECK(r.cpu.reg(kSP) == 0x2C00);
}

TEST_CASE("A run that starts on a breakpoint after a cycle-limit stop stops there",
          "[cpu][breakpoint]") {
  Rig r;
  r.load({0x4304, 0x4304, 0x4304, 0x4304});  // MOV R3,R4: 1 cycle each
  r.cpu.add_breakpoint(0x4404);
  // The cycle limit (a quantum boundary) falls exactly on the breakpoint's instruction.
  CHECK(r.cpu.run(2) == StopReason::kCycleLimit);
  CHECK(r.cpu.pc() == 0x4404);
  CHECK(r.ctx.instructions == 2);
  // The next run (next quantum) starts on the breakpoint: it stops without executing it ...
  CHECK(r.cpu.run(100) == StopReason::kBreakpoint);
  CHECK(r.cpu.pc() == 0x4404);
  CHECK(r.ctx.instructions == 2);
  // ... and the run after that stop resumes past it.
  CHECK(r.cpu.run(r.ctx.cycles + 1) == StopReason::kCycleLimit);
  CHECK(r.cpu.pc() == 0x4406);
  CHECK(r.ctx.instructions == 3);
}

TEST_CASE("FRAM cache during a run: opcode fetches and data reads share it", "[cpu][fram]") {
  // Code in line 0x880 (set 0), 0x881 (set 1), 0x882 (set 0); data in lines 0x888 (set 0),
  // 0x889 (set 1) and 0x88A (set 0). Hand-traced with the cache of bus.h (2 sets x 2 ways x
  // 8-byte lines, LRU), [MRU, LRU] per set:
  //   0x4400 fetch 880 miss [880]       MOV @R10,R5  data 888 miss [888,880]
  //   0x4402 fetch 880 hit  [880,888]   MOV @R11,R6  data 889 miss set 1 [889]
  //   0x4404 fetch 880 hit               MOV @R12,R7  data 88A miss [88A,880]
  //   0x4406 fetch 880 hit  [880,88A]   MOV @R10,R8  data 888 miss [888,880]
  //   0x4408 fetch 881 miss [881,889]   MOV @R11,R9  data 889 hit  [889,881]
  //   0x440A fetch 881 hit  [881,889]   MOV @R12,R13 data 88A miss [88A,888]
  //   0x440C, 0x440E fetch 881 hits     MOV R3,R4 twice
  //   0x4410 fetch 882 miss [882,88A]   MOV R3,R4
  // 8 misses of 15 FRAM reads; MOV @Rn,Rm is 2 cycles, MOV R3,R4 is 1 (cycle_table.h): 15
  // cycles, plus one wait state per miss at NWAITS = 1. A whole run (the interpreter's inner
  // loop) and single steps (its general path) must both give exactly this.
  std::vector<uint16_t> c;
  emit1(c, MOV, Ind(10), R(5));
  emit1(c, MOV, Ind(11), R(6));
  emit1(c, MOV, Ind(12), R(7));
  emit1(c, MOV, Ind(10), R(8));
  emit1(c, MOV, Ind(11), R(9));
  emit1(c, MOV, Ind(12), R(13));
  for (int i = 0; i < 3; ++i) emit1(c, MOV, R(3), R(4));
  c.resize(0x50 / 2 + 2, 0x4304);
  c[0x40 / 2] = 0x1111;
  c[0x48 / 2] = 0x2222;
  c[0x50 / 2] = 0x3333;
  for (const unsigned nwaits : {0u, 1u}) {
    for (const bool single_steps : {false, true}) {
      INFO("NWAITS " << nwaits << (single_steps ? ", single steps" : ", one run"));
      Rig r;
      r.load(c);
      r.cpu.set_reg(10, 0x4440);
      r.cpu.set_reg(11, 0x4448);
      r.cpu.set_reg(12, 0x4450);
      r.bus.set_fram_wait_states(nwaits);
      const uint64_t expected_cycles = 15 + 8 * nwaits;
      if (single_steps) {
        for (int i = 0; i < 9; ++i) r.step();
      } else {
        CHECK(r.cpu.run(expected_cycles) == StopReason::kCycleLimit);
      }
      CHECK(r.ctx.instructions == 9);
      CHECK(r.ctx.cycles == expected_cycles);
      CHECK(r.cpu.pc() == 0x4412);
      CHECK(r.bus.stats().fram_reads == 15);
      CHECK(r.bus.stats().fram_cache_hits == 7);
      CHECK(r.bus.stats().fram_wait_cycles == 8 * nwaits);
      CHECK(r.cpu.reg(5) == 0x1111);
      CHECK(r.cpu.reg(9) == 0x2222);
      CHECK(r.cpu.reg(13) == 0x3333);
    }
  }
}

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

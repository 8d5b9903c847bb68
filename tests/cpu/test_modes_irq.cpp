// Addressing modes incl. constant generators, byte-register semantics, interrupts/LPM,
// illegal opcodes, breakpoints and faults (SLAU445 4.4, 1.3.4, Tables 4-2/4-8/4-10).
#include <catch2/catch.hpp>

#include "tests/cpu/msp430_asm.h"

using namespace ehsim::test;
using namespace ehsim::mcu;

TEST_CASE("Constant generators: values, no extension word, register timing", "[cpu][modes]") {
  struct Case {
    Operand src;
    uint16_t word_value, byte_value;
  };
  // SLAU445 Table 4-2.
  const Case cases[] = {{C0(), 0, 0}, {C1(), 1, 1}, {C2(), 2, 2},
                        {C4(), 4, 4}, {C8(), 8, 8}, {Cm1(), 0xFFFF, 0x00FF}};
  for (const Case& k : cases) {
    for (bool byte : {false, true}) {
      Rig r;
      std::vector<uint16_t> c;
      emit1(c, MOV, k.src, R(5), byte);
      REQUIRE(c.size() == 1);
      r.load(c);
      r.cpu.set_reg(5, 0x5A5A);
      CHECK(r.step() == 1);  // timed as a register source (facts §1.5)
      CHECK(r.cpu.reg(5) == (byte ? k.byte_value : k.word_value));
      CHECK(r.cpu.pc() == 0x4402);
    }
  }
  // CG source with a memory destination: Rn->X(Rm) row = 4 (ADD), 3 for MOV.
  Rig r;
  std::vector<uint16_t> c;
  emit1(c, ADD, C2(), Abs(0x1C00));
  emit1(c, MOV, Cm1(), Abs(0x1C02));
  r.load(c);
  r.poke16(0x1C00, 0x0010);
  CHECK(r.step() == 4);
  CHECK(r.peek16(0x1C00) == 0x0012);
  CHECK(r.step() == 3);
  CHECK(r.peek16(0x1C02) == 0xFFFF);
}

TEST_CASE("SR read as an operand holds every combination of C, Z, N, V", "[cpu][modes]") {
  // The interpreter keeps the flags apart from SR's other bits; every read of R2 (MOV, MOV.B,
  // PUSH, and the carry consumed by ADDC and RRC) must see exactly what was written, including
  // combinations no ALU result produces (Z with N).
  for (uint16_t combo = 0; combo < 16; ++combo) {
    const uint16_t flags = uint16_t(((combo & 1) ? kSrC : 0) | ((combo & 2) ? kSrZ : 0) |
                                    ((combo & 4) ? kSrN : 0) | ((combo & 8) ? kSrV : 0));
    const uint16_t sr = uint16_t(flags | kSrSCG0);
    Rig r;
    std::vector<uint16_t> c;
    emit1(c, MOV, R(kSR), R(8));
    emit1(c, MOV, R(kSR), R(9), true);
    emit2(c, PUSH, R(kSR));
    emit1(c, ADDC, C0(), R(10));   // R10 = 0 + 0 + C
    emit1(c, MOV, R(kSR), R(11));  // ADDC #0 with R10 = 0: C = V = 0, Z = !C, N = 0
    r.load(c);
    r.cpu.set_reg(kSP, 0x2C00);
    r.cpu.set_reg(10, 0);
    r.cpu.set_reg(kSR, sr);
    INFO("SR written " << sr);
    CHECK(r.cpu.sr() == sr);
    for (int i = 0; i < 5; ++i) r.step();
    CHECK(r.cpu.reg(8) == sr);
    CHECK(r.cpu.reg(9) == (sr & 0xFF));  // a byte read of SR clears the high byte
    CHECK(r.peek16(0x2BFE) == sr);
    CHECK(r.cpu.reg(10) == ((flags & kSrC) ? 1 : 0));
    CHECK(r.cpu.reg(11) == uint16_t(kSrSCG0 | ((flags & kSrC) ? 0 : kSrZ)));
  }
}

TEST_CASE("Symbolic, absolute, indexed and SR-as-register addressing", "[cpu][modes]") {
  Rig r;
  std::vector<uint16_t> c;
  // 0x4400: MOV EDE,R5 where EDE = 0x4414: X = 0x4414 - 0x4402 (address of the extension word).
  emit1(c, MOV, Sym(0x4414 - 0x4402), R(5));
  // 0x4404: MOV R5,EDE with EDE = 0x1C00: destination extension word at 0x4406.
  emit1(c, MOV, R(5), Sym(uint16_t(0x1C00 - 0x4406)));
  emit1(c, MOV, Idx(uint16_t(-2), 6), R(7));  // negative index wraps within 16 bits
  emit1(c, MOV, R(kSR), R(8));                // SR readable as a data register
  emit1(c, MOV, Idx(2, kPC), R(9));           // X(PC): word at ext address + 2
  REQUIRE(c.size() == 9);
  c.resize(10, 0x4303);
  c.push_back(0xCAFE);  // at 0x4414
  r.load(c);
  r.cpu.set_reg(6, 0x1C02);
  r.cpu.set_reg(kSR, kSrC | kSrN);
  CHECK(r.step() == 3);
  CHECK(r.cpu.reg(5) == 0xCAFE);
  CHECK(r.step() == 3);  // Rn->EDE, MOV: 4-1
  CHECK(r.peek16(0x1C00) == 0xCAFE);
  CHECK(r.step() == 3);
  CHECK(r.cpu.reg(7) == 0xCAFE);
  CHECK(r.step() == 1);
  CHECK(r.cpu.reg(8) == (kSrC | kSrN));
  CHECK(r.step() == 3);
  CHECK(r.cpu.reg(9) == 0x4303);  // ext word at 0x4410; 0x4412 holds the filler
}

TEST_CASE("@SP+ and @Rn+ increments, byte writes to registers clear the high byte",
          "[cpu][modes]") {
  Rig r;
  std::vector<uint16_t> c;
  emit1(c, MOV, Inc(kSP), R(5));        // POP R5: @Rn+->Rm 2 cycles
  emit1(c, MOV, Inc(kSP), R(6), true);  // MOV.B @SP+: SP stays even (+2)
  emit1(c, MOV, Inc(7), R(8), true);    // MOV.B @R7+: +1
  emit1(c, ADD, R(9), R(10), true);     // ADD.B: high byte of R10 cleared
  emit1(c, MOV, R(11), R(12), true);    // MOV.B Rn: high byte cleared
  r.load(c);
  r.cpu.set_reg(kSP, 0x2BF0);
  r.poke16(0x2BF0, 0x1234);
  r.poke16(0x2BF2, 0x5678);
  r.cpu.set_reg(7, 0x1C00);
  r.poke16(0x1C00, 0x9988);
  r.cpu.set_reg(9, 0xFF01);
  r.cpu.set_reg(10, 0xAAFF);
  r.cpu.set_reg(11, 0xBEEF);
  r.cpu.set_reg(12, 0x1234);
  CHECK(r.step() == 2);
  CHECK(r.cpu.reg(5) == 0x1234);
  CHECK(r.cpu.reg(kSP) == 0x2BF2);
  CHECK(r.step() == 2);
  CHECK(r.cpu.reg(6) == 0x0078);
  CHECK(r.cpu.reg(kSP) == 0x2BF4);
  CHECK(r.step() == 2);
  CHECK(r.cpu.reg(8) == 0x0088);
  CHECK(r.cpu.reg(7) == 0x1C01);
  CHECK(r.step() == 1);
  CHECK(r.cpu.reg(10) == 0x0000);
  CHECK((r.cpu.sr() & (kSrC | kSrZ)) == (kSrC | kSrZ));
  CHECK(r.step() == 1);
  CHECK(r.cpu.reg(12) == 0x00EF);
}

namespace {
// ISR at 0x4800 that clears CPUOFF in the stacked SR (0(SP)) and returns.
void load_isr(Rig& r, int vector) {
  std::vector<uint16_t> isr;
  emit1(isr, BIC, Imm(kSrCPUOFF), Idx(0, kSP));
  isr.push_back(kReti);
  r.load(isr, 0x4800);
  const uint16_t v = vector_address(vector);
  r.poke16(v, 0x4800);
}
}  // namespace

TEST_CASE("Interrupt entry (6 cycles) and RETI (5 cycles)", "[cpu][irq]") {
  Rig r;
  std::vector<uint16_t> c;
  emit1(c, MOV, R(4), R(5));
  emit1(c, MOV, R(4), R(6));
  load_isr(r, 45);
  r.load(c);
  load_isr(r, 45);
  int acks = 0;
  r.ctx.irq.set_acknowledge(45, [&] {
    ++acks;
    r.ctx.irq.clear(45);
  });
  r.cpu.set_reg(kSR, kSrGIE | kSrSCG0 | kSrSCG1 | kSrC);
  r.ctx.irq.raise(45);
  CHECK(r.step() == 6);  // Table 4-8: interrupt accept = 6, no instruction executed
  CHECK(acks == 1);
  CHECK(r.cpu.pc() == 0x4800);
  CHECK(r.cpu.sr() == kSrSCG0);  // SR cleared except SCG0
  CHECK(r.cpu.reg(kSP) == 0x2BFC);
  CHECK(r.peek16(0x2BFE) == 0x4400);  // PC pushed first
  CHECK(r.peek16(0x2BFC) == (kSrGIE | kSrSCG0 | kSrSCG1 | kSrC));
  CHECK(r.step() == 5);  // BIC #N,X(Rm): 5
  CHECK(r.step() == 5);  // RETI
  CHECK(r.cpu.pc() == 0x4400);
  CHECK(r.cpu.sr() == (kSrGIE | kSrSCG0 | kSrSCG1 | kSrC));
  CHECK(r.ctx.instructions == 2);
}

TEST_CASE("Interrupts need GIE, higher vector wins", "[cpu][irq]") {
  Rig r;
  r.load({0x4304, 0x4304, 0x4304});  // MOV R3,R4 (NOP-like)
  load_isr(r, 40);
  r.poke16(vector_address(44), 0x4800);
  r.ctx.irq.raise(40);
  r.ctx.irq.raise(44);
  CHECK(r.step() == 1);  // GIE = 0: the instruction runs
  CHECK(r.cpu.pc() == 0x4402);
  r.cpu.set_reg(kSR, kSrGIE);
  int acked = -1;
  r.ctx.irq.set_acknowledge(44, [&] { acked = 44; });
  r.ctx.irq.set_acknowledge(40, [&] { acked = 40; });
  CHECK(r.step() == 6);
  CHECK(acked == 44);
}

TEST_CASE("LPM: sleeping CPU stops, an enabled interrupt wakes it", "[cpu][irq][lpm]") {
  Rig r;
  std::vector<uint16_t> c;
  emit1(c, BIS, Imm(kSrGIE | kSrCPUOFF), R(kSR));  // enter LPM0 with interrupts: #N->Rm 2
  emit1(c, MOV, C1(), R(5));
  r.load(c);
  load_isr(r, 45);
  r.ctx.irq.set_acknowledge(45, [&] { r.ctx.irq.clear(45); });
  CHECK(r.cpu.run(1000) == StopReason::kSleep);
  CHECK(r.ctx.cycles == 2);
  CHECK(r.cpu.sleeping());
  CHECK(r.cpu.run(1000) == StopReason::kSleep);  // still nothing to do
  CHECK(r.ctx.cycles == 2);
  // A pending interrupt with GIE = 0 does not wake the CPU.
  r.cpu.set_reg(kSR, kSrCPUOFF);
  r.ctx.irq.raise(45);
  CHECK(r.cpu.run(1000) == StopReason::kSleep);
  r.cpu.set_reg(kSR, kSrCPUOFF | kSrGIE);
  // Wake: 6 (accept) + 5 (BIC #N,0(SP)) + 5 (RETI) + 1 (MOV #1,R5), then the cycle limit.
  CHECK(r.cpu.run(2 + 17) == StopReason::kCycleLimit);
  CHECK(r.cpu.reg(5) == 1);
  CHECK(!r.cpu.sleeping());
  CHECK(r.ctx.cycles == 19);
}

TEST_CASE("EINT: the next instruction runs before a pending interrupt", "[cpu][irq]") {
  Rig r;
  std::vector<uint16_t> c;
  emit1(c, BIS, C8(), R(kSR));  // EINT
  emit1(c, MOV, C1(), R(5));
  emit1(c, MOV, C2(), R(5));
  r.load(c);
  load_isr(r, 45);
  r.ctx.irq.raise(45);
  r.ctx.irq.set_acknowledge(45, [&] { r.ctx.irq.clear(45); });
  CHECK(r.step() == 1);
  CHECK(r.step() == 1);  // MOV #1,R5 still executes
  CHECK(r.cpu.reg(5) == 1);
  CHECK(r.step() == 6);
  CHECK(r.cpu.pc() == 0x4800);
}

TEST_CASE("Illegal opcodes fault with pc and opcode and never execute", "[cpu][illegal]") {
  // Reserved opcodes around CALLA and RETI (SLAU367 §4.6.1: 0x13A0-0x13AF, 0x13C0-0x13FF; RETI is
  // 0x1300 exactly) and byte forms the ISA lacks. The other MSP430X opcodes are tested in
  // test_msp430x.cpp.
  for (uint16_t op :
       {0x1301, 0x1310, 0x133F, 0x13A0, 0x13AF, 0x13C0, 0x13FF, 0x10C5, 0x11C5, 0x12C5}) {
    Rig r;
    r.load({0x4304, op});
    INFO("opcode " << op);
    CHECK(r.cpu.run(100) == StopReason::kFault);
    CHECK(r.ctx.fault.kind == FaultKind::kIllegalInstruction);
    CHECK(r.ctx.fault.pc == 0x4402);
    CHECK(r.ctx.fault.opcode == op);
    CHECK(r.cpu.pc() == 0x4402);
    CHECK(r.ctx.stop_reason == StopReason::kFault);
  }
}

TEST_CASE("Vacant reads and fetches fault, breakpoints stop before the instruction",
          "[cpu][fault]") {
  {
    Rig r;
    std::vector<uint16_t> c;
    emit1(c, MOV, Abs(0x1B00), R(5));  // gap between TLV and SRAM
    r.load(c);
    CHECK(r.cpu.run(100) == StopReason::kFault);
    CHECK(r.ctx.fault.kind == FaultKind::kVacantRead);
    CHECK(r.ctx.fault.address == 0x1B00);
    CHECK(r.ctx.fault.pc == 0x4400);
    CHECK(r.cpu.reg(5) == 0x3FFF);
  }
  {
    Rig r;
    std::vector<uint16_t> c;
    emit1(c, MOV, Imm(0x3C00), R(kPC));  // branch into the vacant gap above SRAM
    r.load(c);
    CHECK(r.cpu.run(100) == StopReason::kFault);
    CHECK(r.ctx.fault.kind == FaultKind::kVacantFetch);
    CHECK(r.ctx.fault.address == 0x3C00);
  }
  {
    // A fault while accepting an interrupt (the stack in a vacant gap) reports the interrupted
    // PC and the instruction there, not an earlier instruction's.
    Rig r;
    std::vector<uint16_t> c;
    emit1(c, MOV, Abs(0x1C00), R(5));  // 3 cycles, uses the bus
    emit1(c, MOV, R(3), R(4));         // 1 cycle each, registers only
    emit1(c, MOV, R(3), R(4));
    emit1(c, MOV, R(3), R(4));
    r.load(c);
    load_isr(r, 45);
    r.cpu.set_reg(kSR, kSrGIE);
    CHECK(r.cpu.run(5) == StopReason::kCycleLimit);
    REQUIRE(r.cpu.pc() == 0x4408);
    r.cpu.set_reg(kSP, 0x1B10);  // gap between TLV and SRAM
    r.ctx.irq.raise(45);
    CHECK(r.cpu.run(100) == StopReason::kFault);
    CHECK(r.ctx.fault.kind == FaultKind::kVacantWrite);
    CHECK(r.ctx.fault.address == 0x1B0E);  // the PC push
    CHECK(r.ctx.fault.pc == 0x4408);
    CHECK(r.ctx.fault.opcode == 0x4304);
  }
  {
    Rig r;
    r.load({0x4304, 0x4304, 0x4304, 0x3FFF});
    r.cpu.add_breakpoint(0x4404);
    CHECK(r.cpu.run(100) == StopReason::kBreakpoint);
    CHECK(r.cpu.pc() == 0x4404);
    CHECK(r.ctx.instructions == 2);
    CHECK(r.cpu.run(r.ctx.cycles + 1) == StopReason::kCycleLimit);  // resumes past it
    CHECK(r.cpu.pc() == 0x4406);
  }
}

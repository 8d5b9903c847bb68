// Hand-assembler for MSP430 machine words (encoding: SLAU445 4.5.1, facts §1.6–1.8), used by the
// CPU tests to build instruction sequences without a toolchain.
#pragma once

#include <cstdint>
#include <vector>

#include "mcu_model/cpu/cpu.h"
#include "mcu_model/mem/bus.h"
#include "mcu_model/mem/memory_map.h"

namespace ehsim::test {

// An operand: register, As/Ad bits and an optional extension word.
struct Operand {
  uint8_t reg = 0;
  uint8_t as = 0;
  bool ext = false;
  uint16_t word = 0;
};
inline Operand R(int n) {
  return {uint8_t(n), 0, false, 0};
}
inline Operand Idx(uint16_t x, int n) {
  return {uint8_t(n), 1, true, x};
}
inline Operand Sym(uint16_t x) {
  return {0, 1, true, x};
}  // X(PC)
inline Operand Abs(uint16_t a) {
  return {2, 1, true, a};
}  // &ADDR
inline Operand Ind(int n) {
  return {uint8_t(n), 2, false, 0};
}
inline Operand Inc(int n) {
  return {uint8_t(n), 3, false, 0};
}
inline Operand Imm(uint16_t v) {
  return {0, 3, true, v};
}
// Constant generators (SLAU445 Table 4-2).
inline Operand C0() {
  return {3, 0, false, 0};
}
inline Operand C1() {
  return {3, 1, false, 0};
}
inline Operand C2() {
  return {3, 2, false, 0};
}
inline Operand C4() {
  return {2, 2, false, 0};
}
inline Operand C8() {
  return {2, 3, false, 0};
}
inline Operand Cm1() {
  return {3, 3, false, 0};
}

enum Op1 : uint16_t { MOV = 4, ADD, ADDC, SUBC, SUB, CMP, DADD, BIT, BIC, BIS, XOR, AND };
enum Op2 : uint16_t { RRC = 0, SWPB, RRA, SXT, PUSH, CALL };
enum Cond : uint16_t { JNE = 0, JEQ, JNC, JC, JN, JGE, JL, JMP };

inline void emit1(std::vector<uint16_t>& out, Op1 op, Operand src, Operand dst, bool byte = false) {
  out.push_back(uint16_t(op << 12 | src.reg << 8 | (dst.as ? 0x80 : 0) | (byte ? 0x40 : 0) |
                         src.as << 4 | dst.reg));
  if (src.ext) out.push_back(src.word);
  if (dst.ext) out.push_back(dst.word);
}
inline void emit2(std::vector<uint16_t>& out, Op2 op, Operand o, bool byte = false) {
  out.push_back(uint16_t(0x1000 | op << 7 | (byte ? 0x40 : 0) | o.as << 4 | o.reg));
  if (o.ext) out.push_back(o.word);
}
inline void emit_jump(std::vector<uint16_t>& out, Cond c, int offset_words) {
  out.push_back(uint16_t(0x2000 | c << 10 | (offset_words & 0x3FF)));
}
constexpr uint16_t kReti = 0x1300;

// A bare MCU: bus + CPU, code loaded at 0x4400 (FRAM), reset vector pointing there, SP in SRAM.
struct Rig {
  static constexpr uint16_t kCode = 0x4400;
  mcu::McuContext ctx;
  mcu::Bus bus{mcu::MemoryMap::msp430fr5994(), ctx};
  mcu::Cpu cpu{bus, ctx};

  void load(const std::vector<uint16_t>& words, uint32_t at = kCode) {
    std::vector<uint8_t> bytes;
    for (uint16_t w : words) {
      bytes.push_back(uint8_t(w));
      bytes.push_back(uint8_t(w >> 8));
    }
    bus.load(at, bytes.data(), bytes.size(), nullptr);
    const uint8_t vec[2] = {uint8_t(kCode), uint8_t(kCode >> 8)};
    bus.load(0xFFFE, vec, 2, nullptr);
    cpu.power_on_reset();
    cpu.set_reg(mcu::kSP, 0x2C00);
  }
  void poke16(uint16_t addr, uint16_t v) {
    bus.poke_byte(addr, uint8_t(v));
    bus.poke_byte(uint16_t(addr + 1), uint8_t(v >> 8));
  }
  uint16_t peek16(uint16_t addr) { return bus.peek_word(addr); }
  // Executes exactly one instruction (every instruction takes at least one cycle) and returns
  // the cycles it took.
  uint64_t step() {
    const uint64_t before = ctx.cycles;
    cpu.run(ctx.cycles + 1);
    return ctx.cycles - before;
  }
};

}  // namespace ehsim::test

// Helpers shared by the MSP430 (cpu.cpp) and MSP430X (cpu_x.cpp) halves of the interpreter.
#pragma once

#include <cstdint>

#include "mcu_model/cpu/cpu.h"

#define EHSIM_ALWAYS_INLINE inline __attribute__((always_inline))

namespace ehsim::mcu {

// See "register-only" in cpu.cpp: a handler that uses the bus or may fault calls this first.
EHSIM_ALWAYS_INLINE void Cpu::begin_bus_instruction(unsigned op, unsigned pc_after_opcode,
                                                    uint64_t now) {
  ctx_.cycles = now;
  insn_pc_ = (pc_after_opcode - 2) & kAddrMask;
  insn_op_ = uint16_t(op);
}

// Extension word at pc; pc is the handler's copy of PC, and regs_[kPC] follows it so that a later
// operand naming PC (symbolic destination after a source extension word) reads the right value.
// Like the run loop's opcode fetch, a word in the line of the last FRAM fetch is read without a
// lookup, and one on a plain FRAM page makes its line the next opcode's shortcut (fast_loop).
EHSIM_ALWAYS_INLINE uint16_t Cpu::fetch_ext(uint32_t& pc) {
  uint16_t w;
  if (__builtin_expect((pc >> Bus::kCacheLineShift) == bus_.fetch_line(), 1)) {
    w = bus_.fetch_word_in_line(pc);
  } else if (fetch_page_[pc >> Bus::kPageShift] == kFetchFram) {
    w = bus_.fetch_fram_word(pc);
  } else {
    w = bus_.fetch_word(pc);
  }
  pc = (pc + 2) & kAddrMask;
  regs_[kPC] = pc;
  return w;
}

// A handler that may take the word after its opcode (at pc) without a bus access: in the table's
// first half (kInLine, see Cpu::kOtherFetch) when that word is in the opcode's 8-byte line, where
// the fast loop read it with the opcode (op's bits 31:16); otherwise when it lies in
// Bus::fetch_line(). Such a word is an MRU hit: it cannot fault or wait, and is only counted.
template <bool kInLine>
EHSIM_ALWAYS_INLINE bool Cpu::word_after_opcode_in_line(uint32_t pc) const {
  return kInLine ? (pc & 7) != 0 : (pc >> Bus::kCacheLineShift) == bus_.fetch_line();
}
template <bool kInLine>
EHSIM_ALWAYS_INLINE uint16_t Cpu::take_word_after_opcode(unsigned op, uint32_t pc) {
  if (!kInLine) return bus_.fetch_word_in_line(pc);
  ++fram_line_reads_;
  return uint16_t(op >> 16);
}

// A handler's result (HandlerResult in cpu.h): the next PC (20 bits) and the cycles.
EHSIM_ALWAYS_INLINE constexpr HandlerResult handler_result(uint32_t pc, uint64_t cycles) {
  return HandlerResult{pc, cycles};
}

// Operand address of an MSP430 (non-X) instruction in indexed or symbolic mode, X(Rn) / X(PC),
// with a 16-bit index (SLAU367 §4.4.2 "Indexed Mode" and §4.4.3 "Symbolic Mode"): when Rn (or PC)
// points into the lower 64 KB, the sum is wrapped to 16 bits and stays there (§4.4.2.1 / §4.4.3.1
// "... in Lower 64KB Memory": "the calculated memory address bits 19:16 are cleared"); above it,
// the signed index is added to all 20 bits and the address may reach Rn ± 32 KB, including into
// the lower 64 KB (§4.4.2.2 / §4.4.3.2 "MSP430 Instruction With ... Mode in Upper Memory").
EHSIM_ALWAYS_INLINE uint32_t index_address(uint32_t base, uint16_t index) {
  const uint32_t sum = base + uint32_t(int32_t(int16_t(index)));
  return sum & (base > 0xFFFF ? 0xFFFFFu : 0xFFFFu);
}

// BCD addition (SLAU445 DADD: src + dst + C "decimally added"; C set when the result exceeds
// 9999h / 99h). Digits are summed into one wide accumulator, and a digit whose 5-bit field
// exceeds 9 is corrected by +6, which carries into the next digit. For valid BCD this is exact
// decimal addition; the user guide leaves non-BCD inputs undefined, and this is the adder
// mspdebug's simulator uses, so the differential test can cover them. Returns the unmasked sum:
// bit 4 x digits (bit 16 for .W, 8 for .B, 20 for the 5 digits of DADDX.A) is the carry.
EHSIM_ALWAYS_INLINE uint32_t bcd_add(uint32_t src, uint32_t dst, uint32_t carry_in,
                                     unsigned digits = 4) {
  uint32_t acc = carry_in;
  for (unsigned i = 0; i < digits; ++i) {
    const unsigned shift = 4 * i;
    acc += (src & (0xFu << shift)) + (dst & (0xFu << shift));
    if ((acc & (0x1Fu << shift)) > (9u << shift)) acc += 6u << shift;
  }
  return acc;
}

}  // namespace ehsim::mcu

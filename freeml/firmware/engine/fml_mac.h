/* Signed 16x16 multiply-accumulate on the MPY32 (SLAU367P ch. 5): RESHI:RESLO is a 32-bit
 * accumulator that MACS/OP2 pairs add to modulo 2^32 — exactly FORMAT.md's wrapping i32 sums, at
 * about 3 instructions per product instead of a __mspabi_mpyl call.
 *
 * Rule for users: between fml_mac_load and fml_mac_read nothing else may use the multiplier,
 * and clang calls __mspabi_mpy* (which uses it) for every C multiplication of two variables.
 * So the code between the two computes addresses with additions and table look-ups only.
 * No interrupt handler of this firmware uses the multiplier.
 */
#ifndef FML_MAC_H
#define FML_MAC_H

#include <stdint.h>

#include "msp430fr5994_regs.h"

/* Forces `x` to be computed here. LLVM treats a multiplication as a side-effect-free value and may
 * sink it (with its __mspabi_mpyi call) past fml_mac_load into the accumulating loop; an empty
 * volatile asm that takes the value as an operand pins the computation before the asm, and the
 * asm stays ordered with the multiplier's volatile register accesses. */
#define FML_OPAQUE(x) __asm__ volatile("" : "+r"(x))

static inline void fml_mac_load(int32_t acc) {
  RESLO = (uint16_t)acc;
  RESHI = (uint16_t)((uint32_t)acc >> 16);
}
static inline void fml_mac(int16_t w, int16_t x) {
  MACS = (uint16_t)w;
  OP2 = (uint16_t)x;
}
static inline int32_t fml_mac_read(void) {
  const uint16_t lo = RESLO;
  return (int32_t)(((uint32_t)RESHI << 16) | lo);
}

/* acc >> n (arithmetic), one bit per RRA of the high word and RRC of the low word. A variable
 * 32-bit shift in C is a call of __mspabi_sral (about 270 cycles for 15 bits), and clang expands
 * a constant `>> 1` of an int32 into some 16 instructions; this is 2 per bit. */
static inline int32_t fml_sar32(int32_t acc, uint8_t n) {
  uint16_t lo = (uint16_t)acc, hi = (uint16_t)((uint32_t)acc >> 16);
  for (; n != 0; --n) __asm__("rra %0\n\trrc %1" : "+r"(hi), "+r"(lo));
  return (int32_t)(((uint32_t)hi << 16) | lo);
}

/* Round half up by `shift` bits, saturate to i16, optional ReLU (FORMAT.md "Accumulation").
 * `round` is 2^(shift-1) (0 for shift 0), computed once per layer. A shift of 16 or more leaves
 * a value that always fits i16, and is done on the high word alone: the 32-bit shift helper
 * costs a loop iteration per bit. */
static inline int16_t fml_finish(int32_t acc, uint8_t shift, uint32_t round, uint8_t relu) {
  acc = (int32_t)((uint32_t)acc + round);
  int16_t y;
  if (shift >= 16u) {
    y = (int16_t)((uint32_t)acc >> 16);
    for (uint8_t n = (uint8_t)(shift - 16u); n != 0; --n) y >>= 1;
  } else {
    acc = fml_sar32(acc, shift);
    y = acc > 32767 ? 32767 : acc < -32768 ? -32768 : (int16_t)acc;
  }
  if (relu && y < 0) y = 0;
  return y;
}

static inline int32_t fml_bias(const int16_t* bias_words, uint16_t c) {
  if (!bias_words) return 0;
  return (int32_t)(((uint32_t)(uint16_t)bias_words[2u * c + 1u] << 16) |
                   (uint16_t)bias_words[2u * c]);
}

#endif

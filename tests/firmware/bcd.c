/* BCD arithmetic with DADD (inline asm): multi-digit decimal counters and sums, byte and word
 * forms, carry chaining through SR.C. */
#include "diffprog.h"

uint16_t results[24];

/* Adds two 4-digit BCD words with carry in; returns the sum, *carry receives SR.C. */
static uint16_t bcd_add16(uint16_t a, uint16_t b, uint16_t* carry) {
  uint16_t sr;
  /* TST sets C (it is CMP #0), so test first and clear C after it; CLRC leaves Z alone. */
  __asm__ volatile(
      "tst %[cin]\n\t"
      "clrc\n\t"
      "jz 1f\n\t"
      "setc\n"
      "1:\n\t"
      "dadd %[b], %[a]\n\t"
      "mov r2, %[sr]\n\t"
      : [a] "+r"(a), [sr] "=r"(sr)
      : [b] "r"(b), [cin] "r"(*carry));
  *carry = sr & 1u;
  return a;
}

static uint8_t bcd_add8(uint8_t a, uint8_t b) {
  uint16_t x = a;
  __asm__ volatile("clrc\n\tdadd.b %[b], %[a]\n\t" : [a] "+r"(x) : [b] "r"((uint16_t)b));
  return (uint8_t)x;
}

int main(void) {
  uint16_t r = 0;
  /* 8-digit BCD counter: add 0x1234.5678-style increments 20 times */
  uint16_t lo = 0x9990, hi = 0x0099, carry;
  for (uint16_t i = 0; i < 20; ++i) {
    carry = 0;
    lo = bcd_add16(lo, 0x0987, &carry);
    hi = bcd_add16(hi, 0x0000, &carry);
  }
  results[r++] = lo;
  results[r++] = hi;
  static const uint16_t pairs[][2] = {{0x0001, 0x0009}, {0x9999, 0x0001}, {0x4567, 0x5433},
                                      {0x0505, 0x0505}, {0x1234, 0x8765}, {0x5000, 0x5000}};
  for (uint16_t i = 0; i < 6; ++i) {
    carry = i & 1u;
    uint16_t a = pairs[i][0];
    OPAQUE(a);
    results[r++] = bcd_add16(a, pairs[i][1], &carry);
    results[r++] = carry;
  }
  uint8_t b = 0x95;
  OPAQUE(b);
  for (uint16_t i = 0; i < 5; ++i) {
    b = bcd_add8(b, 0x07);
    results[r++] = b;
  }
  done();
  return 0;
}

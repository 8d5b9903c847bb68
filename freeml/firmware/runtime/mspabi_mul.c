/* Software multiply helpers for -mhwmult=none builds (facts §5.2). The low N bits of a product are
 * the same for signed and unsigned operands, so one unsigned shift-and-add loop serves both.
 * Argument/return registers follow the ordinary MSP430 C convention (facts §5.1), except the 64-bit
 * helper, which mspabi_ll.S adapts from the special R8-R11/R12-R15 convention. */
#include <stdint.h>

int16_t __mspabi_mpyi(int16_t a, int16_t b) {
  uint16_t x = (uint16_t)a, y = (uint16_t)b, r = 0;
  while (y) {
    if (y & 1u) r += x;
    x <<= 1;
    y >>= 1;
  }
  return (int16_t)r;
}

int32_t __mspabi_mpyl(int32_t a, int32_t b) {
  uint32_t x = (uint32_t)a, y = (uint32_t)b, r = 0;
  while (y) {
    if (y & 1u) r += x;
    x <<= 1;
    y >>= 1;
  }
  return (int32_t)r;
}

/* ab[0] = ab[0] * ab[1] (low 64 bits). */
void __rt_mpy64(uint64_t* ab) {
  uint64_t x = ab[0], y = ab[1], r = 0;
  while (y) {
    if (y & 1u) r += x;
    x <<= 1;
    y >>= 1;
  }
  ab[0] = r;
}

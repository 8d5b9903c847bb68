/* Software multiplication (built with -mhwmult=none): 16x16, 32x32 and 64x64 products, signed and
 * unsigned, via __mspabi_mpyi/mpyl/mpyll. */
#include "diffprog.h"

uint16_t results16[16];
uint32_t results32[16];
uint64_t results64[16];

int main(void) {
  uint32_t seed = 65;
  for (uint16_t i = 0; i < 16; ++i) {
    uint32_t x = lcg_next(&seed);
    uint32_t y = lcg_next(&seed);
    uint64_t z = (uint64_t)lcg_next(&seed) << 32;
    z |= lcg_next(&seed);
    OPAQUE(x);
    OPAQUE(y);
    results16[i] =
        (uint16_t)((uint16_t)x * (uint16_t)(y >> 16)); /* unsigned: no signed-overflow UB */
    results32[i] = (i & 1) ? x * y : x * (y >> (i & 15));
    results64[i] = (i & 1) ? z * (uint64_t) - (int64_t)x : z * ((uint64_t)y << 20 | i);
  }
  done();
  return 0;
}

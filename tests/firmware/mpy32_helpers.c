/* MPY32 multiply helpers (__mspabi_mpyi/mpyl/mpyll_f5hw, emitted by clang for `*` under the
 * default -mhwmult=f5series) against a shift-and-add reference that uses no multiplier at all.
 * Not a differential program (mspdebug has no MPY32): run through `ehsim exec`; the exit code is
 * the number of mismatches and the products are also checked by the host test. */
#include "diffprog.h"

#define N 24
uint16_t results16[N];
uint32_t results32[N];
uint64_t results64[N];
uint16_t mismatches;

static uint64_t ref_mul64(uint64_t a, uint64_t b) {
  uint64_t r = 0;
  for (uint16_t i = 0; i < 64; ++i) {
    if (b & 1u) r += a;
    a <<= 1;
    b >>= 1;
  }
  return r;
}

int main(void) {
  uint32_t seed = 1;
  for (uint16_t i = 0; i < N; ++i) {
    uint32_t x = lcg_next(&seed);
    uint32_t y = lcg_next(&seed);
    uint64_t z = (uint64_t)lcg_next(&seed) << 32;
    z |= lcg_next(&seed);
    if (i == 0) { /* extremes */
      x = 0xFFFFFFFFUL;
      y = 0x80000000UL;
      z = 0xFFFFFFFFFFFFFFFFULL;
    }
    OPAQUE(x);
    OPAQUE(y);
    int16_t a16 = (int16_t)x, b16 = (int16_t)(y >> 16);
    results16[i] = (uint16_t)((uint16_t)a16 * (uint16_t)b16); /* unsigned: no signed-overflow UB */
    results32[i] = x * y;
    results64[i] = (i & 1) ? z * (uint64_t) - (int64_t)y : z * ((uint64_t)x << 16 | i);
    uint16_t ref16 = (uint16_t)ref_mul64((uint64_t)(int64_t)a16, (uint64_t)(int64_t)b16);
    uint32_t ref32 = (uint32_t)ref_mul64((i & 1) ? (uint64_t)(int64_t)(int32_t)x : x,
                                         (i & 1) ? (uint64_t)(int64_t)(int32_t)y : y);
    uint64_t ref64 =
        (i & 1) ? ref_mul64(z, (uint64_t) - (int64_t)y) : ref_mul64(z, (uint64_t)x << 16 | i);
    mismatches += (results16[i] != ref16) + (results32[i] != ref32) + (results64[i] != ref64);
  }
  done();
  return mismatches;
}

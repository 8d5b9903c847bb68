/* 16- and 32-bit division and remainder, signed and unsigned, over fixed edge pairs and LCG pairs.
 */
#include "diffprog.h"

#define NPAIRS 24
uint32_t results[NPAIRS * 4 + 16];

static const int32_t edge_a[] = {
    0, 1, -1, 7, -7, 7, -7, 2147483647L, -2147483647L - 1, -2147483647L - 1, 65536L, 100000L};
static const int32_t edge_b[] = {1, 1, 1, 2, 2, -2, -2, 1, 1, 2, 65535L, -3};

int main(void) {
  uint32_t seed = 31337;
  uint16_t r = 0;
  for (uint16_t i = 0; i < NPAIRS; ++i) {
    int32_t a, b;
    if (i < sizeof edge_a / sizeof edge_a[0]) {
      a = edge_a[i];
      b = edge_b[i];
    } else {
      a = (int32_t)lcg_next(&seed);
      b = (int32_t)lcg_next(&seed) >> (i & 15); /* divisors of many magnitudes */
      if (b == 0) b = 3;
    }
    OPAQUE(a);
    OPAQUE(b);
    results[r++] = (uint32_t)(a / b);
    results[r++] = (uint32_t)(a % b);
    results[r++] = (uint32_t)a / (uint32_t)b;
    results[r++] = (uint32_t)a % (uint32_t)b;
  }
  for (uint16_t i = 0; i < 8; ++i) {
    int16_t a = (int16_t)(lcg_next(&seed) >> 16);
    int16_t b = (int16_t)(lcg_next(&seed) >> (20 + (i & 7)));
    if (b == 0) b = -5;
    OPAQUE(a);
    OPAQUE(b);
    results[r++] = (uint32_t)(uint16_t)(a / b) | (uint32_t)(uint16_t)(a % b) << 16;
    results[r++] = (uint32_t)((uint16_t)a / (uint16_t)b) | (uint32_t)((uint16_t)a % (uint16_t)b)
                                                               << 16;
  }
  done();
  return 0;
}

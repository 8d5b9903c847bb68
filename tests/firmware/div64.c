/* 64-bit division and remainder (__mspabi_divlli/divull/remlli/remull), signed and unsigned. */
#include "diffprog.h"

#define NPAIRS 16
uint64_t results[NPAIRS * 4];

static const int64_t edge_a[] = {0,         1,         -1,       1000000000000LL, -1000000000000LL,
                                 INT64_MAX, INT64_MIN, INT64_MIN};
static const int64_t edge_b[] = {1, -1, 3, 7, 7, -1000, 1, 2};

int main(void) {
  uint32_t seed = 4242;
  uint16_t r = 0;
  for (uint16_t i = 0; i < NPAIRS; ++i) {
    int64_t a, b;
    if (i < 8) {
      a = edge_a[i];
      b = edge_b[i];
    } else {
      uint64_t w[4];
      for (uint16_t k = 0; k < 4; ++k) w[k] = lcg_next(&seed); /* sequenced: hosts replay it */
      a = (int64_t)(w[0] << 32 | w[1]);
      b = (int64_t)(w[2] << 32 | w[3]);
      b >>= 4 * i; /* from full-width divisors down to small ones */
      if (b == 0) b = 11;
    }
    OPAQUE(a);
    OPAQUE(b);
    results[r++] = (uint64_t)(a / b);
    results[r++] = (uint64_t)(a % b);
    results[r++] = (uint64_t)a / (uint64_t)b;
    results[r++] = (uint64_t)a % (uint64_t)b;
  }
  done();
  return 0;
}

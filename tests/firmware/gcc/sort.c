/* Sorting as firmware does it: an insertion sort of 40 signed 16-bit LCG values, and newlib's
 * qsort (recursive, comparator through a function pointer) of the same values as 32-bit keys. */
#include <stdlib.h>

#include "fixture.h"

#define N 40
int16_t result[N + 2 * N + 1]; /* insertion-sorted, qsorted int32 (2 words each), ok flag */
static int32_t keys[N];

static int cmp32(const void* a, const void* b) {
  int32_t x = *(const int32_t*)a, y = *(const int32_t*)b;
  return (x > y) - (x < y);
}

int main(void) {
  stop_watchdog();
  int16_t* a = &result[0];
  uint32_t seed = 2024;
  for (uint16_t i = 0; i < N; ++i) {
    seed = seed * 1664525UL + 1013904223UL;
    a[i] = (int16_t)(seed >> 16);
    keys[i] = (int32_t)seed;
  }
  for (uint16_t i = 1; i < N; ++i) {
    int16_t v = a[i];
    int16_t j = (int16_t)i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      --j;
    }
    a[j + 1] = v;
  }
  qsort(keys, N, sizeof keys[0], cmp32);
  int16_t ok = 1;
  for (uint16_t i = 0; i < N; ++i) {
    __builtin_memcpy(&result[N + 2 * i], &keys[i], 4);
    if (i > 0) ok &= keys[i - 1] <= keys[i];
  }
  result[3 * N] = ok;
  finish();
}

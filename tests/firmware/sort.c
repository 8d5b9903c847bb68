/* Bubble sort and insertion sort of the same 48 signed 16-bit LCG values (including negatives). */
#include "diffprog.h"

#define N 48
int16_t results[2 * N + 1];

int main(void) {
  int16_t *a = &results[0], *b = &results[N];
  uint32_t seed = 2024;
  for (uint16_t i = 0; i < N; ++i) a[i] = b[i] = (int16_t)(lcg_next(&seed) >> 16);
  for (uint16_t i = 0; i < N - 1; ++i)
    for (uint16_t j = 0; j < N - 1 - i; ++j)
      if (a[j] > a[j + 1]) {
        int16_t t = a[j];
        a[j] = a[j + 1];
        a[j + 1] = t;
      }
  for (uint16_t i = 1; i < N; ++i) {
    int16_t v = b[i];
    int16_t j = (int16_t)i - 1;
    while (j >= 0 && b[j] > v) {
      b[j + 1] = b[j];
      --j;
    }
    b[j + 1] = v;
  }
  int16_t ok = 1;
  for (uint16_t i = 0; i < N; ++i) ok &= a[i] == b[i];
  results[2 * N] = ok;
  done();
  return 0;
}

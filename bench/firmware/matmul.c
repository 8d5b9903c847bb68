/* CPU benchmark: repeated Q15 fixed-point 16x16 matrix multiplication (built with -mhwmult=none,
 * so every product goes through the software __mspabi_mpyl and mspdebug's simulator, which has no
 * MPY32, runs exactly the same instructions). Each round feeds its product back as the next
 * left operand, so no round can be skipped or folded. A round is ~5.5 M instructions and ~6.1 M
 * cycles (ehsim's SLAU445/367 cycle table; mspdebug's timing model counts ~24 % more), so 37 rounds
 * are ~226 M cycles, above the 200 M the benchmark asks for. */
#include <stdint.h>

#ifndef BENCH_ROUNDS
#define BENCH_ROUNDS 37
#endif
#define N 16

#include "ehsim/done.h"

static int16_t a[N][N], b[N][N], c[N][N];
uint32_t checksum;

static int16_t saturate_q15(int32_t acc) {
  acc >>= 15;
  if (acc > INT16_MAX) return INT16_MAX;
  if (acc < INT16_MIN) return INT16_MIN;
  return (int16_t)acc;
}

int main(void) {
  uint32_t seed = 1;
  for (uint16_t i = 0; i < N; ++i)
    for (uint16_t j = 0; j < N; ++j) {
      seed = seed * 1664525UL + 1013904223UL;
      a[i][j] = (int16_t)(seed >> 16);
      seed = seed * 1664525UL + 1013904223UL;
      b[i][j] = (int16_t)(seed >> 18); /* |b| < 0.25: products stay inside Q15 */
    }
  for (uint16_t round = 0; round < BENCH_ROUNDS; ++round) {
    for (uint16_t i = 0; i < N; ++i)
      for (uint16_t j = 0; j < N; ++j) {
        int32_t acc = 0;
        for (uint16_t k = 0; k < N; ++k) acc += (int32_t)a[i][k] * b[k][j];
        c[i][j] = saturate_q15(acc);
      }
    for (uint16_t i = 0; i < N; ++i)
      for (uint16_t j = 0; j < N; ++j) {
        checksum = (checksum << 1 | checksum >> 31) ^ (uint16_t)c[i][j];
        a[i][j] = (int16_t)(c[i][j] ^ (int16_t)(round * 3 + 1)); /* keep the data moving */
      }
  }
  done();
  return (int)(checksum & 0x7FFF);
}

/* Integer matrix multiply: 8x8 int16 * 8x8 int16 -> int32 (software __mspabi_mpyl), and a
 * 16-bit wrap-around product (software __mspabi_mpyi). */
#include "diffprog.h"

#define N 8
int32_t results[N * N];
int16_t results16[N * N];

int main(void) {
  static int16_t a[N][N], b[N][N];
  uint32_t seed = 99;
  for (uint16_t i = 0; i < N; ++i)
    for (uint16_t j = 0; j < N; ++j) {
      a[i][j] = (int16_t)(lcg_next(&seed) >> 16);
      b[i][j] = (int16_t)(lcg_next(&seed) >> 20) - 2048;
    }
  for (uint16_t i = 0; i < N; ++i)
    for (uint16_t j = 0; j < N; ++j) {
      int32_t acc = 0;
      int16_t acc16 = 0;
      for (uint16_t k = 0; k < N; ++k) {
        acc += (int32_t)a[i][k] * b[k][j];
        acc16 = (int16_t)(acc16 + (int16_t)((uint16_t)a[i][k] * (uint16_t)b[k][j]));
      }
      results[i * N + j] = acc;
      results16[i * N + j] = acc16;
    }
  done();
  return 0;
}

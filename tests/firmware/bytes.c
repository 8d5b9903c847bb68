/* Byte/word mixing: byte loads and stores at odd addresses, sign and zero extension (SXT, MOV.B),
 * byte swaps (SWPB), unions viewing words as bytes, byte arithmetic with carries. */
#include "diffprog.h"

union view {
  uint32_t w32;
  uint16_t w16[2];
  uint8_t b[4];
};

uint16_t results[40];

int main(void) {
  static uint8_t buf[33];
  uint32_t seed = 5;
  for (uint16_t i = 0; i < sizeof buf; ++i) buf[i] = (uint8_t)(lcg_next(&seed) >> 24);
  uint16_t r = 0;
  for (uint16_t i = 1; i < 9; i += 2) { /* little-endian words assembled from odd addresses */
    results[r++] = (uint16_t)(buf[i] | (uint16_t)buf[i + 1] << 8);
  }
  for (uint16_t i = 0; i < 8; ++i) {
    int8_t s = (int8_t)buf[i + 10];
    int16_t sx = s; /* SXT */
    results[r++] = (uint16_t)sx;
    results[r++] = (uint16_t)((uint16_t)buf[i + 10] << 8 | buf[i + 11]) ^ (uint16_t)(sx >> 3);
  }
  union view v;
  v.w32 = seed;
  OPAQUE(v.w32);
  results[r++] = (uint16_t)(v.b[0] + v.b[3]);
  results[r++] = (uint16_t)(v.w16[1] << 8 | v.w16[1] >> 8); /* SWPB */
  v.b[1] = 0xEE;
  v.b[2] ^= 0x5A;
  results[r++] = v.w16[0];
  results[r++] = v.w16[1];
  uint8_t acc8 = 0;
  uint16_t carries = 0;
  for (uint16_t i = 0; i < sizeof buf; ++i) {
    uint8_t before = acc8;
    acc8 = (uint8_t)(acc8 + buf[i]);
    carries += acc8 < before;
  }
  results[r++] = acc8;
  results[r++] = carries;
  int8_t m = -128;
  OPAQUE(m);
  results[r++] = (uint16_t)(int16_t)(int8_t)(m - 1); /* byte wrap: +127 */
  results[r++] = (uint16_t)(uint8_t)(m >> 2);
  done();
  return 0;
}

/* Checksums over a constant table: CRC-16/CCITT-FALSE table-driven (a 256-entry table in
 * .rodata) and CRC-32 (IEEE, reflected, bitwise) over a 96-byte message; the message is also
 * summed with a Fletcher-16. */
#include "fixture.h"

uint32_t result[4]; /* crc16, crc32, fletcher16, message length */

static UPPER const uint16_t crc16_table[256] = {
#define R1(c) ((uint16_t)(((c)&0x8000) ? (((c) << 1) ^ 0x1021) : ((c) << 1)))
#define R8(c) R1(R1(R1(R1(R1(R1(R1(R1(c))))))))
#define E(i) R8((uint16_t)((i) << 8))
#define E4(i) E(i), E(i + 1), E(i + 2), E(i + 3)
#define E16(i) E4(i), E4(i + 4), E4(i + 8), E4(i + 12)
    E16(0),   E16(16),  E16(32),  E16(48),  E16(64),  E16(80),  E16(96),  E16(112),
    E16(128), E16(144), E16(160), E16(176), E16(192), E16(208), E16(224), E16(240),
};

static UPPER const char message[] =
    "The quick brown fox jumps over the lazy dog; MSP430FR5994 FRAM 0x4000-0x43FFF, ehsim 2026!";

static uint16_t crc16(const uint8_t* p, uint16_t n) {
  uint16_t crc = 0xFFFF;
  while (n--) crc = (uint16_t)(crc << 8) ^ crc16_table[(uint8_t)((crc >> 8) ^ *p++)];
  return crc;
}

static uint32_t crc32(const uint8_t* p, uint16_t n) {
  uint32_t crc = 0xFFFFFFFFUL;
  while (n--) {
    crc ^= *p++;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320UL & (0UL - (crc & 1)));
  }
  return ~crc;
}

static uint16_t fletcher16(const uint8_t* p, uint16_t n) {
  uint16_t s1 = 0, s2 = 0;
  while (n--) {
    s1 = (uint16_t)((s1 + *p++) % 255);
    s2 = (uint16_t)((s2 + s1) % 255);
  }
  return (uint16_t)(s2 << 8 | s1);
}

int main(void) {
  stop_watchdog();
  const uint8_t* m = (const uint8_t*)message;
  uint16_t n = sizeof message - 1;
  OPAQUE(m);
  result[0] = crc16(m, n);
  result[1] = crc32(m, n);
  result[2] = fletcher16(m, n);
  result[3] = n;
  finish();
}

/* CRC-32 (IEEE 802.3, reflected poly 0xEDB88320, init/xorout 0xFFFFFFFF) of a 200-byte LCG
 * stream and of the standard check string. */
#include "diffprog.h"

uint32_t results[4];

static uint32_t crc32(const uint8_t* p, uint16_t n) {
  uint32_t crc = 0xFFFFFFFFUL;
  while (n--) {
    crc ^= *p++;
    for (uint8_t b = 0; b < 8; ++b) crc = (crc & 1u) ? (crc >> 1) ^ 0xEDB88320UL : crc >> 1;
  }
  return ~crc;
}

int main(void) {
  static uint8_t data[200];
  uint32_t seed = 777;
  for (uint16_t i = 0; i < sizeof data; ++i) data[i] = (uint8_t)(lcg_next(&seed) >> 16);
  results[0] = crc32(data, sizeof data);
  results[1] = crc32((const uint8_t*)"123456789", 9); /* check value 0xCBF43926 */
  results[2] = crc32(data, 1);
  results[3] = seed;
  done();
  return 0;
}

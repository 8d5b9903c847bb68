/* CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of a 256-byte LCG stream, bitwise and table-driven,
 * plus CRC-16/ARC (reflected 0xA001). */
#include "diffprog.h"

uint16_t results[8];
static uint8_t data[256];
static uint16_t table[256];
uint8_t initialised_data[4] = {1, 2, 3, 4};

static uint16_t crc_ccitt_bitwise(const uint8_t* p, uint16_t n) {
  uint16_t crc = 0xFFFF;
  while (n--) {
    crc ^= (uint16_t)*p++ << 8;
    for (uint8_t b = 0; b < 8; ++b)
      crc = (crc & 0x8000u) ? (uint16_t)((crc << 1) ^ 0x1021u) : (uint16_t)(crc << 1);
  }
  return crc;
}

static uint16_t crc_arc(const uint8_t* p, uint16_t n) {
  uint16_t crc = 0;
  while (n--) {
    crc ^= *p++;
    for (uint8_t b = 0; b < 8; ++b)
      crc = (crc & 1u) ? (uint16_t)((crc >> 1) ^ 0xA001u) : (uint16_t)(crc >> 1);
  }
  return crc;
}

int main(void) {
  uint32_t seed = 12345;
  for (uint16_t i = 0; i < 256; ++i) data[i] = (uint8_t)(lcg_next(&seed) >> 24);
  for (uint16_t i = 0; i < 256; ++i) {
    uint16_t c = (uint16_t)(i << 8);
    for (uint8_t b = 0; b < 8; ++b)
      c = (c & 0x8000u) ? (uint16_t)((c << 1) ^ 0x1021u) : (uint16_t)(c << 1);
    table[i] = c;
  }
  uint16_t crc = 0xFFFF;
  for (uint16_t i = 0; i < 256; ++i)
    crc = (uint16_t)((crc << 8) ^ table[(uint8_t)((crc >> 8) ^ data[i])]);
  results[0] = crc_ccitt_bitwise(data, 256);
  results[1] = crc;
  results[2] = crc_arc(data, 256);
  results[3] = crc_ccitt_bitwise((const uint8_t*)"123456789", 9); /* check value 0x29B1 */
  results[4] = crc_arc((const uint8_t*)"123456789", 9);           /* check value 0xBB3D */
  results[5] = (uint16_t)(initialised_data[0] | initialised_data[3] << 8);
  results[6] = data[0] | (uint16_t)data[255] << 8;
  results[7] = 0xC0DE;
  done();
  return 0;
}

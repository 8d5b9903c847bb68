/* Struct assignment (memcpy for large structs, inline moves for small), arrays of structs,
 * struct return through the hidden pointer, memmove with overlap and memset. */
#include <stddef.h>

#include "diffprog.h"

void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);

struct point {
  int16_t x, y;
};
struct record {
  uint8_t tag;
  struct point p[5];
  uint32_t sum;
  char name[7];
};

struct record results[4];
uint8_t bytes_out[24];

static struct record make(uint8_t tag, int16_t base) {
  struct record r;
  memset(&r, 0, sizeof r); /* padding too: it is copied along and compared */
  r.tag = tag;
  r.sum = 0;
  for (uint16_t i = 0; i < 5; ++i) {
    r.p[i].x = (int16_t)(base + (int16_t)i);
    r.p[i].y = (int16_t)(base - 3 * (int16_t)i);
    r.sum += (uint32_t)(uint16_t)r.p[i].x * 3u + (uint16_t)r.p[i].y;
  }
  for (uint16_t i = 0; i < 6; ++i) r.name[i] = (char)('a' + tag + i);
  r.name[6] = 0;
  return r;
}

int main(void) {
  int16_t base = -20;
  OPAQUE(base);
  results[0] = make(1, base);
  results[1] = results[0];
  results[1].p[2] = results[0].p[4];
  results[1].tag ^= 0x80;
  results[2] = make(7, (int16_t)(base * 100));
  struct record tmp = results[2];
  tmp.sum += 5;
  results[3] = tmp;
  for (uint16_t i = 0; i < sizeof bytes_out; ++i) bytes_out[i] = (uint8_t)(i * 7 + 1);
  memmove(bytes_out + 3, bytes_out, 12); /* overlapping, forwards-unsafe */
  memmove(bytes_out + 14, bytes_out + 15, 8);
  memset(bytes_out + 20, 0xA5, 3);
  done();
  return 0;
}

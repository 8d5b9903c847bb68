/* Function pointers, a switch (GCC 12 -O2 compiles it to a compare tree), struct copies, memcpy/
 * memset (inlined) and newlib's memmove/strlen: a small bytecode interpreter over records. */
#include <string.h>

#include "fixture.h"

struct rec {
  int16_t v;
  uint8_t tag;
  uint8_t pad;
  uint32_t acc;
  char name[6];
};

struct rec result[10];

typedef int16_t (*binop)(int16_t, int16_t);
/* 16-bit wrap-around arithmetic without signed overflow: through uint16_t. */
static int16_t op_add(int16_t a, int16_t b) {
  return (int16_t)((uint16_t)a + (uint16_t)b);
}
static int16_t op_sub(int16_t a, int16_t b) {
  return (int16_t)((uint16_t)a - (uint16_t)b);
}
static int16_t op_mul(int16_t a, int16_t b) {
  return (int16_t)((uint16_t)a * (uint16_t)b);
}
static int16_t op_xor(int16_t a, int16_t b) {
  return (int16_t)(a ^ b);
}
static UPPER binop const ops[4] = {op_add, op_sub, op_mul, op_xor};

static UPPER const uint8_t program[] = {0, 7, 9, 1, 3, 2, 5, 9,   3,    0x55, 4, 9, 5, 6,
                                        9, 7, 2, 8, 9, 1, 0, 100, 7,    9,    2, 3, 5, 4,
                                        9, 6, 1, 7, 8, 9, 1, 3,   0x0F, 2,    9, 7, 9, 255};

int main(void) {
  stop_watchdog();
  struct rec cur;
  memset(&cur, 0, sizeof cur);
  memcpy(cur.name, "start", 6);
  uint16_t out = 0;
  const uint8_t* pc = program;
  OPAQUE(pc);
  for (;;) {
    uint8_t op = *pc++;
    if (op == 255) break;
    switch (op) {
      case 0:
      case 1:
      case 2:
      case 3:
        cur.v = ops[op](cur.v, (int16_t)*pc++);
        break;
      case 4:
        cur.v = (int16_t)(0u - (uint16_t)cur.v);
        break;
      case 5:
        cur.v = (int16_t)((uint16_t)cur.v << 2);
        break;
      case 6:
        cur.v = (int16_t)(cur.v >> 1);
        break;
      case 7:
        cur.acc = cur.acc * 31 + (uint16_t)cur.v;
        break;
      case 8:
        cur.name[0] = (char)('a' + (cur.v & 15));
        break;
      case 9:
        cur.tag = (uint8_t)strlen(cur.name);
        if (out < 10) result[out++] = cur; /* struct copy */
        memmove(cur.name + 1, cur.name, 4);
        break;
      default:
        cur.pad++;
        break;
    }
  }
  cur.tag = 0xEE;
  result[9] = cur;
  finish();
}

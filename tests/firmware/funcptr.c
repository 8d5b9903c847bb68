/* Calls through function pointers: a table of operations, callbacks with context, a pointer
 * returned from a function, and an indirect call in a loop (CALL Rn / CALL @Rn / CALL x(Rn)). */
#include "diffprog.h"

typedef int16_t (*binop)(int16_t, int16_t);

static int16_t op_add(int16_t a, int16_t b) {
  return (int16_t)(a + b);
}
static int16_t op_sub(int16_t a, int16_t b) {
  return (int16_t)(a - b);
}
static int16_t op_and(int16_t a, int16_t b) {
  return a & b;
}
static int16_t op_or(int16_t a, int16_t b) {
  return a | b;
}
static int16_t op_max(int16_t a, int16_t b) {
  return a > b ? a : b;
}

static const binop ops[] = {op_add, op_sub, op_and, op_or, op_max};

struct handler {
  uint16_t count;
  void (*fn)(struct handler*, uint16_t);
};

static void count_odd(struct handler* h, uint16_t v) {
  h->count += v & 1u;
}
static void count_big(struct handler* h, uint16_t v) {
  h->count += v > 0x8000u;
}

static binop pick(uint16_t i) {
  return ops[i % 5];
}

uint16_t results[24];

int main(void) {
  uint32_t seed = 8;
  uint16_t r = 0;
  int16_t acc = 0x1234;
  for (uint16_t i = 0; i < 15; ++i) {
    int16_t v = (int16_t)(lcg_next(&seed) >> 16);
    acc = pick(i)(acc, v);
    if (i % 3 == 2) results[r++] = (uint16_t)acc;
  }
  struct handler hs[2] = {{0, count_odd}, {0, count_big}};
  for (uint16_t i = 0; i < 40; ++i) {
    uint16_t v = (uint16_t)(lcg_next(&seed) >> 16);
    for (uint16_t k = 0; k < 2; ++k) hs[k].fn(&hs[k], v);
  }
  results[r++] = hs[0].count;
  results[r++] = hs[1].count;
  volatile binop vp = op_sub;
  results[r++] = (uint16_t)vp(100, 250);
  done();
  return 0;
}

/* Deep recursion: Ackermann, naive Fibonacci, recursive GCD and a recursive Hanoi move count. */
#include "diffprog.h"

uint16_t results[6];

static uint16_t ackermann(uint16_t m, uint16_t n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

static uint16_t fib(uint16_t n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static uint32_t gcd(uint32_t a, uint32_t b) {
  return b == 0 ? a : gcd(b, a % b);
}

static uint32_t hanoi(uint16_t n, uint16_t from, uint16_t to, uint16_t via) {
  if (n == 0) return 0;
  return hanoi(n - 1, from, via, to) + 1 + hanoi(n - 1, via, to, from);
}

int main(void) {
  uint16_t m = 2, n = 3, f = 17, h = 12;
  OPAQUE(m);
  OPAQUE(n);
  OPAQUE(f);
  OPAQUE(h);
  results[0] = ackermann(m, n); /* A(2,3) = 9 */
  results[1] = ackermann(3, n); /* A(3,3) = 61 */
  results[2] = fib(f);          /* 1597 */
  uint32_t g = gcd(1071UL * 65537UL, 462UL * 65537UL);
  results[3] = (uint16_t)g;
  results[4] = (uint16_t)(g >> 16);
  results[5] = (uint16_t)hanoi(h, 1, 3, 2); /* 4095 */
  done();
  return 0;
}

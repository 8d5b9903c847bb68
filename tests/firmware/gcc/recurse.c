/* Recursion: naive Fibonacci, Ackermann, Euclid's gcd and the towers of Hanoi recording its
 * moves; deep call chains exercise the stack (CALL/RET or CALLA/RETA, PUSHM/POPM). */
#include "fixture.h"

uint16_t result[4 + 64];
static uint16_t moves;

static uint16_t fib(uint16_t n) {
  return n < 2 ? n : (uint16_t)(fib(n - 1) + fib(n - 2));
}

static uint16_t ack(uint16_t m, uint16_t n) {
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

static uint32_t gcd(uint32_t a, uint32_t b) {
  return b == 0 ? a : gcd(b, a % b);
}

static void hanoi(uint8_t n, uint8_t from, uint8_t to, uint8_t via) {
  if (n == 0) return;
  hanoi(n - 1, from, via, to);
  if (moves < 64) result[4 + moves] = (uint16_t)(n << 8 | from << 4 | to);
  ++moves;
  hanoi(n - 1, via, to, from);
}

int main(void) {
  stop_watchdog();
  uint16_t n = 14, m = 2, k = 3;
  uint32_t x = 1134903170UL, y = 701408733UL; /* consecutive Fibonacci numbers: many steps */
  OPAQUE(n);
  OPAQUE(m);
  OPAQUE(x);
  result[0] = fib(n);
  result[1] = ack(m, k);
  result[2] = (uint16_t)gcd(x * 6, y * 6);
  hanoi(6, 1, 3, 2);
  result[3] = moves;
  finish();
}

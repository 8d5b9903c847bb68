/* The fixed twin of sram_pointer_bug.c: the sum is non-volatile and committed with the index.
 * check: --commit-function commit
 * expect: pass
 */
#include "intermittence.h"

NOINLINE void accumulate(void) {
  const state_t s = current(); /* a = sum, b = done */
  commit((uint16_t)(s.a + values[s.b]), (uint16_t)(s.b + 1u));
}

int main(void) {
  while (current().b < N_VALUES) accumulate();
  report(current().a);
  return 0;
}

/* The fixed twin of reinit_on_boot_bug.c: the sum and the index are committed together and
 * initialised only by the image (FRAM's content at load time).
 * check: --commit-function commit
 * expect: pass
 */
#include "intermittence.h"

NOINLINE void add(void) {
  const state_t s = current(); /* a = sum, b = done */
  commit((uint16_t)(s.a + values[s.b]), (uint16_t)(s.b + 1u));
}

int main(void) {
  while (current().b < N_VALUES) add();
  report(current().a);
  return 0;
}

/* The fixed twin of war_sum_bug.c: the total and the index are committed together (commit() in
 * intermittence.h), so a re-executed add_next() reads the committed total again. No divergence,
 * no hazard.
 * check: --commit-function commit
 * expect: pass
 */
#include "intermittence.h"

NOINLINE void add_next(void) {
  const state_t s = current(); /* a = total, b = done */
  commit((uint16_t)(s.a + values[s.b]), (uint16_t)(s.b + 1u));
}

int main(void) {
  while (current().b < N_VALUES) add_next();
  report(current().a);
  return 0;
}

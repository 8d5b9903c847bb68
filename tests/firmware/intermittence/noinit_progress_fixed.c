/* The fixed twin of noinit_progress_bug.c: the index and the sum are committed together in
 * FRAM.
 * check: --commit-function commit
 * expect: pass
 */
#include "intermittence.h"

int main(void) {
  while (current().b < N_VALUES) {
    const state_t s = current(); /* a = sum, b = next */
    commit((uint16_t)(s.a + values[s.b]), (uint16_t)(s.b + 1u));
  }
  report(current().a);
  return 0;
}

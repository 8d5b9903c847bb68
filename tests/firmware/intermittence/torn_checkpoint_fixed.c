/* The fixed twin of torn_checkpoint_bug.c: a double-buffered checkpoint (commit() in
 * intermittence.h) that a power failure leaves either old or new, never half of each.
 * check: --commit-function commit
 * expect: pass
 */
#include "intermittence.h"

int main(void) {
  state_t s = current(); /* a = sum, b = next; restore */
  while (s.b < N_VALUES) {
    s.a = (uint16_t)(s.a + values[s.b]);
    ++s.b;
    commit(s.a, s.b);
  }
  report(s.a);
  return 0;
}

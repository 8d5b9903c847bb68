/* Bug class: a non-idempotent update of non-volatile memory (write-after-read), re-executed
 * after a reboot. Ratchet (Van Der Woude and Hicks, OSDI'16) and DINO (Lucia and Ransford,
 * PLDI'15) describe it: `total += values[i]` reads and writes FRAM in one idempotent section.
 *
 * The bug: in add_next(), `total` is read and written, and the progress index `done` is committed
 * afterwards (commit_done). A power failure after the write of `total` and before commit_done
 * stores the new `done` adds values[done] again after the reboot: the result exceeds 78.
 * variable: total
 * window: from add_next's write of total to commit_done's write of done
 * check: --commit-function commit_done
 * expect-divergence-in: add_next commit_done main
 * expect-hazard: write_after_read total add_next
 */
#include "intermittence.h"

PERSISTENT static volatile uint16_t total;
PERSISTENT static volatile uint16_t done;

NOINLINE void commit_done(uint16_t next) {
  done = next;
}

NOINLINE void add_next(void) {
  total = (uint16_t)(total + values[done]);
}

int main(void) {
  while (done < N_VALUES) {
    add_next();
    commit_done((uint16_t)(done + 1u));
  }
  report(total);
  return 0;
}

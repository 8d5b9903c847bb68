/* Bug class: a pointer into SRAM kept in FRAM. After a power failure the pointer survives but
 * what it points to does not (crt0 zeroes .bss again). Described by Maioli et al. (ScEpTIC,
 * EWSN'21) among the memory anomalies of intermittent programs.
 *
 * The bug: the running sum lives in SRAM (`sum_sram`) behind the FRAM pointer `sum_at`, while
 * the index `done` is in FRAM. A power failure after the first accumulate() restarts the sum
 * from 0 but not the index: the result misses every value added before the failure.
 * variable: sum_sram through sum_at
 * window: from accumulate's first write of *sum_at to the end
 * check:
 * expect-divergence-in: accumulate main
 */
#include "intermittence.h"

static uint16_t sum_sram;
PERSISTENT static uint16_t* volatile sum_at;
PERSISTENT static volatile uint16_t done;

NOINLINE void accumulate(void) {
  *sum_at = (uint16_t)(*sum_at + values[done]);
  done = (uint16_t)(done + 1u);
}

int main(void) {
  if (!sum_at) sum_at = &sum_sram;
  while (done < N_VALUES) accumulate();
  report(*sum_at);
  return 0;
}

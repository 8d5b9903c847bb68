/* Bug class: a commit flag written before its data. Described for logs and FRAM buffers by
 * Lucia and Ransford (DINO, PLDI'15) and in TI's "MSP430 FRAM technology - how to and best
 * practices" (SLAA628: write the data, then the flag that says it is valid).
 *
 * The bug: append() advances `count` (the commit) before it stores the entry. A power failure
 * after the count's write and before the entry's write leaves a counted entry that was never
 * written; the reboot appends the next one after it, and the sum of the log loses a value.
 * variable: log_entries[count]
 * window: in append, between the write of count and the write of the entry
 * check:
 * expect-divergence-in: append
 */
#include "intermittence.h"

PERSISTENT static volatile uint16_t log_entries[N_VALUES];
PERSISTENT static volatile uint16_t count;

NOINLINE void append(uint16_t value) {
  const uint16_t at = count;
  count = (uint16_t)(at + 1u);
  log_entries[at] = value;
}

int main(void) {
  while (count < N_VALUES) append(values[count]);
  uint16_t sum = 0;
  for (uint16_t i = 0; i < N_VALUES; ++i) sum = (uint16_t)(sum + log_entries[i]);
  report(sum);
  return 0;
}

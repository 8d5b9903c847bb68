/* The fixed twin of commit_order_bug.c: the entry first, then the count that publishes it. A
 * re-executed append() writes the same entry into the same slot.
 * check:
 * expect: pass
 */
#include "intermittence.h"

PERSISTENT static volatile uint16_t log_entries[N_VALUES];
PERSISTENT static volatile uint16_t count;

NOINLINE void append(uint16_t value) {
  const uint16_t at = count;
  log_entries[at] = value;
  count = (uint16_t)(at + 1u);
}

int main(void) {
  while (count < N_VALUES) append(values[count]);
  uint16_t sum = 0;
  for (uint16_t i = 0; i < N_VALUES; ++i) sum = (uint16_t)(sum + log_entries[i]);
  report(sum);
  return 0;
}

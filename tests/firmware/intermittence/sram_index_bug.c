/* Bug class: progress kept in a volatile loop index while the effect is non-volatile: the loop
 * restarts from 0 after a reboot and applies its FRAM updates again (the re-execution that
 * Alpaca, Maeng et al., OOPSLA'17, privatises tasks against).
 *
 * The bug: scale() doubles every element of the FRAM array `table` in place, with the index in a
 * register. A power failure after the first store re-doubles the elements already doubled.
 * variable: table
 * window: from scale's first store to the end (a reboot doubles the table again)
 * check:
 * expect-divergence-in: scale main
 * expect-hazard: write_after_read table scale
 */
#include "intermittence.h"

PERSISTENT static volatile uint16_t table[N_VALUES] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

NOINLINE void scale(void) {
  for (uint16_t i = 0; i < N_VALUES; ++i) table[i] = (uint16_t)(table[i] * 2u);
}

int main(void) {
  scale();
  uint16_t sum = 0;
  for (uint16_t i = 0; i < N_VALUES; ++i) sum = (uint16_t)(sum + table[i]);
  report(sum); /* 156 */
  return 0;
}

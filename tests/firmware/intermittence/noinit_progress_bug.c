/* Bug class: state kept in SRAM that is assumed to survive, with a "magic word" in SRAM to tell a
 * warm start from a cold one. After a power failure SRAM holds whatever it holds at power-up, so
 * the program takes every reboot for a cold start. Described by Maioli et al. (ScEpTIC,
 * EWSN'21) as a volatile memory anomaly; TI's SLAA628 warns that SRAM is lost on power loss.
 *
 * The bug: `next` and `magic` are .noinit SRAM, the sum is FRAM. main() reads `magic` before
 * anything wrote it since the boot; after a power failure it restarts the index at 0 while the
 * sum keeps its additions.
 * variable: next, magic
 * window: from the first addition to sum to the end
 * check:
 * expect-divergence-in: main
 * expect-hazard: unwritten_sram_read magic main
 */
#include "intermittence.h"

#define WARM 0xA55Au

NOINIT static volatile uint16_t magic;
NOINIT static volatile uint16_t next;
PERSISTENT static volatile uint16_t sum;

int main(void) {
  if (magic != WARM) { /* a cold start, the program believes */
    next = 0;
    magic = WARM;
  }
  while (next < N_VALUES) {
    sum = (uint16_t)(sum + values[next]);
    next = (uint16_t)(next + 1u);
  }
  report(sum);
  return 0;
}

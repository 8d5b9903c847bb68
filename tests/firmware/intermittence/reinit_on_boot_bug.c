/* Bug class: non-volatile state re-initialised by every boot. Code that zeroes its FRAM state at
 * start-up (as crt0 does for .bss, or a variable meant for .persistent placed in .data) undoes
 * the progress of the boots before; TI's SLAA628 and the MSP430 GCC/CCS manuals describe
 * .persistent for this reason.
 *
 * The bug: main() zeroes `sum` on every boot, but the index `done` is only initialised once. A
 * power failure after the first addition loses the sums of earlier boots.
 * variable: sum
 * window: from the first write of sum in add to the end
 * check:
 * expect-divergence-in: add main
 */
#include "intermittence.h"

PERSISTENT static volatile uint16_t sum;
PERSISTENT static volatile uint16_t done;
PERSISTENT static volatile uint16_t started;

NOINLINE void add(void) {
  sum = (uint16_t)(sum + values[done]);
  done = (uint16_t)(done + 1u);
}

int main(void) {
  sum = 0;
  if (!started) {
    done = 0;
    started = 1u;
  }
  while (done < N_VALUES) add();
  report(sum);
  return 0;
}

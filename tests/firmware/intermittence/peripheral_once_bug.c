/* Bug class: a peripheral left unconfigured after a reboot. A power failure resets every
 * peripheral register; configuration done only on the first boot (guarded by a flag in FRAM) is
 * gone afterwards. Described by Maioli et al. (ScEpTIC, EWSN'21) and in TI's SLAA628 ("peripheral
 * state is lost in LPMx.5 and on power loss; re-initialise it on every wake-up").
 *
 * The bug: uart_setup() runs only while `configured` is 0 and then sets it. After a power failure
 * that comes later, eUSCI_A0 is back in reset (UCSWRST) and the result line is never sent.
 * variable: configured (UCA0's configuration)
 * window: from uart_setup's write of configured to the end
 * check: --observe uart --observe host_io
 * expect-divergence-in: uart_setup sum_values uart_puts main
 */
#include "intermittence.h"
#include "msp430fr5994_regs.h"

PERSISTENT static volatile uint16_t configured;

NOINLINE void uart_setup(void) {
  UCA0CTLW0 = UCSWRST | UCSSEL__SMCLK;
  UCA0BRW = 8;
  UCA0CTLW0 = UCSSEL__SMCLK;
  configured = 1u;
}

static void uart_puts(const char* s) {
  while (*s) {
    while (!(UCA0IFG & UCTXIFG)) {
    }
    UCA0TXBUF = (uint8_t)*s++;
  }
}

NOINLINE uint16_t sum_values(void) {
  uint16_t sum = 0;
  for (uint16_t i = 0; i < N_VALUES; ++i) sum = (uint16_t)(sum + values[i]);
  return sum;
}

int main(void) {
  WDTCTL = WDTPW | WDTHOLD;
  if (!configured) uart_setup();
  const uint16_t sum = sum_values();
  char line[] = "sum 00\n";
  line[4] = (char)('0' + sum / 10u);
  line[5] = (char)('0' + sum % 10u);
  uart_puts(line);
  report(sum);
  return 0;
}

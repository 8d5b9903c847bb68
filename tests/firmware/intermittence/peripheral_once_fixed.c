/* The fixed twin of peripheral_once_bug.c: the UART is configured on every boot.
 * check: --observe uart --observe host_io
 * expect: pass
 */
#include "intermittence.h"
#include "msp430fr5994_regs.h"

NOINLINE void uart_setup(void) {
  UCA0CTLW0 = UCSWRST | UCSSEL__SMCLK;
  UCA0BRW = 8;
  UCA0CTLW0 = UCSSEL__SMCLK;
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
  uart_setup();
  const uint16_t sum = sum_values();
  char line[] = "sum 00\n";
  line[4] = (char)('0' + sum / 10u);
  line[5] = (char)('0' + sum % 10u);
  uart_puts(line);
  report(sum);
  return 0;
}

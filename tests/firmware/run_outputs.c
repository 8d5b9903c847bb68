/* What a run shows (issue 18): toggles P1.0 eight times, sending "blink N" on the eUSCI_A0 UART
 * and marking each toggle with a named marker, then calls into vacant memory (0x3C00, between
 * the end of SRAM at 0x3BFF and FRAM at 0x4000; facts §2.1), which faults. The run's outputs must show
 * the GPIO changes, the UART text, the marker's name and the fault's kind and place. */
#include <stdint.h>

#include "ehsim/host_io.h"
#include "msp430fr5994_regs.h"

/* Four known bytes in FRAM for `--dump signature:4`. */
volatile const uint8_t signature[4] = {0xDE, 0xC0, 0xAD, 0x0B};

#define MARK_BLINK 0x31
EHSIM_MARKER_NAME(blink, MARK_BLINK);

static void uart_puts(const char* s) {
  while (*s) {
    while (!(UCA0IFG & UCTXIFG)) {
    }
    UCA0TXBUF = (uint8_t)*s++;
  }
}

int main(void) {
  WDTCTL = WDTPW | WDTHOLD;
  PM5CTL0 &= (uint16_t)~LOCKLPM5;
  P1DIR = 0x01u;
  UCA0CTLW0 = UCSWRST | UCSSEL__SMCLK;
  UCA0BRW = 8; /* 115200 Bd from 1 MHz SMCLK, roughly */
  UCA0CTLW0 = UCSSEL__SMCLK;
  for (uint16_t i = 1; i <= 8u; ++i) {
    P1OUT ^= 0x01u;
    char line[] = "blink 0\n";
    line[6] = (char)('0' + i);
    uart_puts(line);
    hostio_mark(MARK_BLINK, (uint16_t)(i + signature[0] - 0xDEu));
  }
  ((void (*)(void))0x3C00u)();
  return 0;
}

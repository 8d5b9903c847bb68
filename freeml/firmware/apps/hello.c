/* The simplest firmware: one line to the host log (host_io) and the same line out of eUSCI_A0's
 * UART, then exit code 0 (crt0 reports main's return value through host_io). */
#include "ehsim/host_io.h"
#include "msp430fr5994_regs.h"

static const char kGreeting[] = "hello from ehsim\n";

static void uart_init(void) {
  UCA0CTLW0 = UCSWRST; /* configure only while held in reset (eUSCI rule) */
  UCA0CTLW0 = UCSWRST | UCSSEL__SMCLK;
  UCA0BRW = 6; /* 9600 Bd from 1 MHz SMCLK with oversampling: TI UG eUSCI baud table */
  UCA0MCTLW = 0x2081u;
  UCA0CTLW0 &= ~UCSWRST;
}

static void uart_putc(char c) {
  while (!(UCA0IFG & UCTXIFG)) {
  }
  UCA0TXBUF = (uint8_t)c;
}

int main(void) {
  PM5CTL0 &=
      ~LOCKLPM5; /* I/Os stay high-impedance until this is cleared after a BOR (facts §3.3) */
  uart_init();
  hostio_puts(kGreeting);
  for (const char* p = kGreeting; *p; ++p) uart_putc(*p);
  while (UCA0STATW & UCBUSY) { /* let the last character leave before exiting */
  }
  return 0;
}

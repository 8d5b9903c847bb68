/* Timer_A0 wakes the CPU from LPM3 every 1000 ACLK cycles (ACLK = VLO, 10 kHz: 0.1 s). The ISR
 * marks each wake-up (0x40, count) and ends the run after 20. Checks interrupt timing, LPM3
 * accounting and wake-ups under `ehsim run`. */
#include <stdint.h>

#include "ehsim/host_io.h"
#include "msp430fr5994_regs.h"

#define WAKEUPS 20u

static volatile uint16_t count;

__attribute__((interrupt(TIMER0_A0_VECTOR))) void timer0_a0_isr(void) {
  count = (uint16_t)(count + 1u);
  hostio_mark(0x40u, count);
  if (count == WAKEUPS) hostio_exit(0);
}

int main(void) {
  WDTCTL = WDTPW | WDTHOLD;
  CSCTL0_H = CSKEY_H;
  CSCTL2 = SELA__VLOCLK | SELS__DCOCLK | SELM__DCOCLK;
  CSCTL0_H = 0;
  TA0CCR0 = 999u;
  TA0CCTL0 = CCIE;
  TA0CTL = TASSEL__ACLK | MC__UP | TACLR;
  for (;;) {
    __asm__ volatile("bis %0, r2" : : "i"(SR_GIE | SR_LPM3));
  }
}

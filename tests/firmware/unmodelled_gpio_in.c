/* Hardware ehsim does not model, and a pin driven from the scenario. The firmware writes and reads
 * RTC_C's RTCCTL0 (0x04A0; RTC_C is not modelled, facts §2.1) once, then waits until the
 * scenario's input schedule drives P1.1 high, marks that moment (0x70) and exits with code 0. */
#include <stdint.h>

#include "ehsim/host_io.h"
#include "msp430fr5994_regs.h"

#define RTCCTL0 MSP_REG16(0x04A0u)

int main(void) {
  WDTCTL = WDTPW | WDTHOLD;
  PM5CTL0 &= (uint16_t)~LOCKLPM5;
  RTCCTL0 = 0xA500u;            /* unlock key, an unmodelled write */
  const uint16_t ctl = RTCCTL0; /* and an unmodelled read */
  while (!(P1IN & 0x02u)) {
  }
  hostio_mark(0x70u, ctl);
  hostio_exit(0);
  return 0;
}

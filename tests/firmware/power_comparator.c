/* Just-in-time pattern: Comparator_E watches the supply through the VCC resistor ladder against
 * the 1.2 V reference, tap 18, so it trips when VCC falls through 1.2 V x 32 / 19 = 2.021 V
 * (SLAU367P COMP_E ladder: tap n gives VCC x (n+1)/32). The ISR marks the trip (0x50, boot
 * number) and puts the CPU in LPM4 for good, as firmware does after saving its state. The main
 * loop burns energy so the supply falls. */
#include <stdint.h>

#include "ehsim/host_io.h"
#include "msp430fr5994_regs.h"

#define LADDER_TAP 18u

__attribute__((section(".persistent"))) static volatile uint16_t boots;

__attribute__((interrupt(COMP_E_VECTOR))) void comparator_isr(void) {
  hostio_mark(0x50u, boots);
  for (;;) {
    __asm__ volatile("bis %0, r2" : : "i"(SR_LPM4));
  }
}

int main(void) {
  WDTCTL = WDTPW | WDTHOLD;
  boots = (uint16_t)(boots + 1u);
  hostio_mark(0x51u, boots);
  CECTL2 = CEREFL_1 | CERS_1 | LADDER_TAP | (LADDER_TAP << 8);
  CECTL1 = CEON | CEIES; /* CEIES = 1: the falling edge of CEOUT sets CEIFG */
  CEINT = CEIE;
  __asm__ volatile("bis %0, r2" : : "i"(SR_GIE));
  for (;;) {
  }
}

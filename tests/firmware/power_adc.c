/* Measures its own supply: ADC12_B converts channel 31 (1/2 AVCC with ADC12BATMAP) against the
 * 2.5 V internal reference of REF_A, 12 bit, and marks each code (0x60, code) every ~2 ms until
 * the supply fails. VCC = 2 x code / 4096 x 2.5 V. */
#include <stdint.h>

#include "ehsim/host_io.h"
#include "msp430fr5994_regs.h"

static uint16_t measure(void) {
  ADC12CTL0 |= ADC12ENC | ADC12SC;
  while (!(ADC12IFGR0 & ADC12IFG0)) {
  }
  return ADC12MEM0; /* reading MEM0 clears ADC12IFG0 */
}

int main(void) {
  WDTCTL = WDTPW | WDTHOLD;
  REFCTL0 = REFON | REFVSEL_2;
  while (!(REFCTL0 & REFGENRDY)) {
  }
  ADC12CTL0 = ADC12SHT0_2 | ADC12ON;
  ADC12CTL1 = ADC12SHP;
  ADC12CTL2 = ADC12RES_2;
  ADC12CTL3 = ADC12BATMAP;
  ADC12MCTL0 = ADC12INCH_31 | ADC12VRSEL_1;
  for (;;) {
    hostio_mark(0x60u, measure());
    for (volatile uint16_t i = 0; i < 1000u; ++i) {
    }
  }
}

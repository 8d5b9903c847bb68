/* Waiting for a sensor sample in LPM3 (host_io SAMPLE_REQ read 2, freeml/FORMAT.md "host_io
 * protocol"): Timer_A0 counts `ticks` of ACLK = VLO in up mode and its CCR0 interrupt ends the
 * sleep. Register addresses and bits: TI msp430fr5994.h (msp430fr5994_regs.h).
 *
 * The ISR is written in assembly because it must clear the low-power bits in the SR that the
 * interrupt pushed (the MSP430 restores SR from the stack on RETI; TI's
 * __bic_SR_register_on_exit does the same), and only assembly knows that the saved SR is at
 * 0(SP) on entry. It also stops the timer, so the wake-up happens once. */
#include "freeml/engine.h"
#include "msp430fr5994_regs.h"

#define CSCTL2_SELA_MASK 0x0700u

__asm__(
    "  .section .text.fml_wait_isr,\"ax\",@progbits\n"
    "  .p2align 1\n"
    "fml_wait_isr:\n"
    "  bic #0x00F0, 0(r1)\n" /* CPUOFF | OSCOFF | SCG0 | SCG1 of the saved SR */
    "  mov #0, &0x0340\n"    /* TA0CTL: stop the timer */
    "  mov #0, &0x0342\n"    /* TA0CCTL0: CCIE off, CCIFG cleared */
    "  reti\n"
    "  .section __interrupt_vector_45,\"a\",@progbits\n" /* TIMER0_A0_VECTOR */
    "  .word fml_wait_isr\n"
    "  .text\n");

void fml_sleep_vlo_ticks(uint16_t ticks) {
  if (ticks == 0) return;
  CSCTL0_H = CSKEY_H;
  CSCTL2 = (uint16_t)((CSCTL2 & ~CSCTL2_SELA_MASK) | SELA__VLOCLK);
  CSCTL0_H = 0;
  TA0CTL = MC__STOP | TACLR;
  /* Up mode from TACLR: CCIFG sets when TAxR reaches CCR0, i.e. after CCR0 ticks (the period,
   * CCR0 + 1, only matters for later wake-ups, and this one stops the timer). CCR0 = 0 would halt
   * the timer, so ticks >= 1 is required and guaranteed by host_io. */
  TA0CCR0 = ticks;
  TA0CCTL0 = CCIE;
  TA0CTL = TASSEL__ACLK | MC__UP | TACLR;
  __asm__ volatile("bis %0, r2" : : "i"(SR_GIE | SR_LPM3));
  __asm__ volatile("dint\n nop");
}

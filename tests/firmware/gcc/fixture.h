/* Shared end of the GCC-built fixtures (issue 13, tests/elf/test_gcc_fixtures.cpp).
 * Each program stores its results in the global `result` (in .bss, zeroed by crt0) and calls
 * finish(), whose exit sequence ends the run on both simulators:
 *   1. `mov #0, &0x0F06`: ehsim's host_io exit register; ehsim stops right after this write
 *      (exit code 0). On msp430-elf-run 0x0F06 is plain memory (0x500-0xFFBF), so it just
 *      stores the word there.
 *   2. `mov.b #0, r3`: msp430-elf-run's software breakpoint (halts before executing it).
 *   3. a loop, should either simulator go on.
 * stop_watchdog() is main's first statement: ehsim's WDT_A starts after reset with a
 * 32768-SMCLK interval (a reset); WDTPW | WDTHOLD = 0x5A80 to WDTCTL (0x015C) stops it. The GNU
 * simulator has no WDT and no memory at 0x015C (its multiplier ends at 0x15B), but takes the
 * write without a fault (the trace shows the store; a read there returns junk, so the programs
 * never read it).
 */
#ifndef EHSIM_GCC_FIXTURE_H
#define EHSIM_GCC_FIXTURE_H

#include <stdint.h>

/* The two absolute stores are assembler: GCC 12 warns (-Warray-bounds) about a C store through
 * a constant pointer below its assumed page size. */

/* Constant tables go to upper FRAM (.upper.rodata, above 0x10000) in the large-model build:
 * GCC's `upper` attribute makes the compiler address them with 20-bit instructions, while
 * -mdata-region=lower keeps the rest of the data in SRAM/lower FRAM (newlib's large multilib
 * is built for lower data; -mdata-region=upper fails to link against it). */
#if defined(__MSP430X_LARGE__)
#define UPPER __attribute__((upper))
#else
#define UPPER
#endif

/* Hides a value from the optimiser so the computation runs on the target. */
#define OPAQUE(x) __asm__ volatile("" : "+r"(x))

static inline void __attribute__((always_inline)) stop_watchdog(void) {
  __asm__ volatile("mov.w #0x5A80, &0x015C" ::: "memory");
}

static inline void __attribute__((noreturn, always_inline)) finish(void) {
  __asm__ volatile(
      "mov.w #0, &0x0F06\n\t"
      "mov.b #0, r3" ::
          : "memory");
  for (;;) {
  }
}

#endif

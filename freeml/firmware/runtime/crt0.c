/* Start-up code: the reset vector lands in _reset, which sets up the stack and stops the watchdog
 * before any C runs (the WDT is armed after every PUC and would reset a long .bss clear; facts
 * §3.4), then __crt0_start initialises .data/.bss, runs main and reports its return value via
 * host_io.
 */
#include <stdint.h>

#include "ehsim/host_io.h"

int main(void);

extern uint16_t __data_load_start[], __data_start[], __data_end[];
extern uint16_t __bss_start[], __bss_end[];

void __crt0_start(void) __attribute__((noreturn, used));

/* naked: no prologue may touch the stack before SP is valid. 0x5A80 = WDTPW | WDTHOLD, WDTCTL at
 * 0x015C (TI msp430fr5994.h, facts §3.4). */
__attribute__((naked, used, section(".text.crt0"))) void _reset(void) {
  __asm__ volatile(
      "mov #__stack, r1\n\t"
      "mov #0x5a80, &0x015c\n\t"
      "br #__crt0_start\n\t");
}

void __crt0_start(void) {
  /* Word copies: the linker script keeps both sections 2-byte aligned and sized. volatile stops
   * clang from turning the loops back into memcpy/memset calls. */
  volatile uint16_t* dst = __data_start;
  const uint16_t* src = __data_load_start;
  while (dst != __data_end) *dst++ = *src++;
  for (volatile uint16_t* p = __bss_start; p != __bss_end;) *p++ = 0;
  hostio_exit((uint16_t)main());
  __builtin_unreachable();
}

__attribute__((used, section("__interrupt_vector_55"))) void (*const __reset_vector)(void) = _reset;

/* Shared by the intermittence-bug corpus (README.md): the input, how a program reports its
 * result, and the double-buffered commit the fixed programs use.
 *
 * A program restarts from main after every power failure: crt0 copies .data and zeroes .bss
 * again, .persistent (FRAM) keeps its bytes, .noinit SRAM holds whatever SRAM holds at power-up.
 * Each program ends with report(): host_io marker RESULT with the value, then exit 0. */
#ifndef INTERMITTENCE_H
#define INTERMITTENCE_H

#include <stdint.h>

#include "ehsim/host_io.h"

#define PERSISTENT __attribute__((section(".persistent")))
#define NOINIT __attribute__((section(".noinit")))
#define NOINLINE __attribute__((noinline))

#define MARK_RESULT 0x50u
#define N_VALUES 12u

/* The input: 12 values in FRAM (const), sum 1+2+...+12 = 78. */
static const uint16_t values[N_VALUES] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

static inline void report(uint16_t result) {
  hostio_mark(MARK_RESULT, result);
  hostio_exit(0);
}

/* Two-word state committed atomically (the fixed programs; `ehsim check --commit-function
 * commit`): the new state goes into the slot not in use, then one XOR.W #1,&live switches
 * slots, and a power failure falls either before the switch (old state) or after it (new). */
typedef struct {
  uint16_t a, b;
} state_t;
PERSISTENT static state_t slot[2];
PERSISTENT static volatile uint16_t live;

static inline state_t current(void) {
  return slot[live];
}
NOINLINE void commit(uint16_t a, uint16_t b) {
  slot[live ^ 1u].a = a;
  slot[live ^ 1u].b = b;
  live ^= 1u;
}

#endif

/* Shared scaffolding of the differential test programs (ehsim exec vs mspdebug sim).
 * Each program computes into `results` (in .bss, zeroed by crt0, so every byte the test compares
 * was written by the program) and then calls `done`, the breakpoint both simulators stop at.
 * `done` is an assembler function with an explicit .type @function because mspdebug's setbreak
 * only resolves function-typed symbols.
 */
#ifndef DIFFPROG_H
#define DIFFPROG_H

#include <stdint.h>

#include "ehsim/done.h"

/* Hides a value from the optimiser so the computation runs on the target instead of being folded
 * at compile time. */
#define OPAQUE(x) __asm__ volatile("" : "+r"(x))

/* Deterministic pseudo-random inputs (Numerical Recipes LCG constants); hosts reproduce them. */
static inline uint32_t lcg_next(uint32_t* state) {
  *state = *state * 1664525UL + 1013904223UL;
  return *state;
}

#endif

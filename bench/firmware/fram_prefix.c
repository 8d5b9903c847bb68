/* `ehsim check`'s worst case (bench/bench_check.sh): an intermittent program that writes FRAM in
 * almost every iteration, so that nearly every injection point leaves a different surviving
 * state. It turns an FRAM array into its running sums in place, one element per step, and
 * commits the step index double-buffered; the last sum reaches host_io marker 0x50. About
 * 100,000 instructions. */
#include <stdint.h>

#include "ehsim/host_io.h"

#define N 5000u
#define PERSISTENT __attribute__((section(".persistent")))

PERSISTENT static uint16_t data[N] = {1};
PERSISTENT static uint16_t step_slot[2];
PERSISTENT static volatile uint16_t live;

static void commit_step(uint16_t step) {
  step_slot[live ^ 1u] = step;
  live ^= 1u;
}

int main(void) {
  for (uint16_t i = step_slot[live]; i < N; i = step_slot[live]) {
    /* Idempotent: data[i] depends only on data[i - 1], which no later step writes. */
    if (i > 0) data[i] = (uint16_t)(data[i - 1] + (i & 7u) + 1u);
    commit_step((uint16_t)(i + 1u));
  }
  hostio_mark(0x50u, data[N - 1]);
  hostio_exit(0);
  return 0;
}

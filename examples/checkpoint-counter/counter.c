/* checkpoint-counter: the smallest intermittent program worth copying.
 *
 * Work: COUNTER_STEPS steps. Step k advances a 32-bit xorshift generator (x ^= x << 13;
 * x ^= x >> 17; x ^= x << 5) COUNTER_ROUNDS times, starting from COUNTER_SEED, so the result after
 * all steps is the generator advanced COUNTER_STEPS * COUNTER_ROUNDS times: easy to compute
 * anywhere else, and wrong if any step is lost or done twice.
 *
 * Surviving power failures: progress lives in FRAM (.persistent, which crt0 never
 * re-initialises) as two slots {steps, x} and a selector word naming the valid one. A commit
 * writes the whole inactive slot, then flips the selector with one 16-bit store. Power fails at an
 * instruction boundary and FRAM keeps every completed write, so after any failure the selector
 * names a complete slot: at worst the step in progress is lost and redone. A step only reads the
 * committed state, so redoing it gives the same result.
 *
 * What the simulator sees (host_io): marker MARK_BOOT (arg: steps already committed) at every
 * boot, MARK_COMMIT (arg: steps committed) after every commit, then MARK_DONE_LO/HI (the final
 * x), a line on the host log, and exit code 0. The scenario names MARK_COMMIT as its
 * progress.commit_marker, so summary.json counts the work lost to power failures.
 *
 * After the final report the program starts over from the seed at its next boot (it resets its
 * checkpoint just before exiting); under `ehsim run` the exit ends the run.
 */
#include <stdint.h>

#include "ehsim/host_io.h"

#define COUNTER_STEPS 10000u
#define COUNTER_ROUNDS 32u
#define COUNTER_SEED 0x2545F491UL

#define MARK_BOOT 0x20
#define MARK_COMMIT 0x21
#define MARK_DONE_LO 0x22
#define MARK_DONE_HI 0x23
/* The names ehsim shows for these markers (summary.json, events.jsonl, report.html). */
EHSIM_MARKER_NAME(boot, MARK_BOOT);
EHSIM_MARKER_NAME(commit, MARK_COMMIT);
EHSIM_MARKER_NAME(done_low, MARK_DONE_LO);
EHSIM_MARKER_NAME(done_high, MARK_DONE_HI);

struct slot {
  uint16_t steps;
  uint32_t x;
};

struct checkpoint {
  struct slot slot[2];
  uint16_t active; /* 0 or 1: the slot holding the last commit */
};

/* Programmed once with the ELF image; volatile keeps the stores in program order. */
__attribute__((section(".persistent"))) static volatile struct checkpoint ckpt = {
    {{0u, COUNTER_SEED}, {0u, COUNTER_SEED}}, 0u};

static void commit(uint16_t steps, uint32_t x) {
  const uint16_t target = (uint16_t)((ckpt.active & 1u) ^ 1u);
  ckpt.slot[target].steps = steps;
  ckpt.slot[target].x = x;
  ckpt.active = target; /* the commit point: one word store */
}

static uint32_t step(uint32_t x) {
  for (uint16_t r = 0; r < COUNTER_ROUNDS; ++r) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
  }
  return x;
}

static void put_hex32(uint32_t v) {
  for (int shift = 28; shift >= 0; shift -= 4) hostio_putc("0123456789abcdef"[(v >> shift) & 0xFu]);
}

int main(void) {
  const uint16_t a = ckpt.active & 1u;
  uint16_t steps = ckpt.slot[a].steps;
  uint32_t x = ckpt.slot[a].x;
  hostio_mark(MARK_BOOT, steps);
  while (steps < COUNTER_STEPS) {
    x = step(x);
    ++steps;
    commit(steps, x);
    hostio_mark(MARK_COMMIT, steps);
  }
  hostio_mark(MARK_DONE_LO, (uint16_t)x);
  hostio_mark(MARK_DONE_HI, (uint16_t)(x >> 16));
  hostio_puts("checkpoint-counter: ");
  put_hex32(x);
  hostio_putc('\n');
  commit(0u, COUNTER_SEED);
  return 0; /* crt0 reports it: hostio_exit(0) */
}

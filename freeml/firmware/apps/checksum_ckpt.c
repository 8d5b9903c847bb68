/* Intermittent checksum with checkpoints in FRAM: the computation of checksum_common.h, whose
 * loop index and partial CRC survive power failures in .persistent, so each boot resumes at the
 * last committed chunk instead of starting over (compare checksum_restart.c).
 *
 * Checkpoint layout and why a commit is atomic: two slots {round, next_chunk, crc} and a selector
 * word `active` naming the valid slot. A commit writes the whole *inactive* slot first, then
 * stores the other slot's index into `active` with a single 16-bit MOV. A power failure stops the
 * CPU at an instruction boundary (docs/architecture.md "The power interface and power failure") and
 * FRAM keeps every completed write, so:
 *   - before the selector store completes, `active` still names the old slot, which no commit
 *     ever touches — a half-written inactive slot is simply never read;
 *   - the selector store itself is one word write: it either happened or it did not;
 *   - after it, the new slot is complete, because every one of its writes precedes the selector
 *     store in program order (the state is volatile, so the compiler keeps that order; the MSP430
 *     has no write buffer that could reorder FRAM stores).
 * A chunk is idempotent: it reads only the constant buffer and the committed CRC, so redoing a
 * chunk whose commit was lost gives the same result.
 *
 * Rounds: when all chunks are done the app reports the CRC (MARK_DONE_LO/HI, the host log), emits
 * MARK_ROUND_DONE with the round number, commits {round + 1, chunk 0, initial CRC} and exits with
 * hostio_exit(0) (main returns 0 to crt0). If power comes back after that, the next boot starts
 * round + 1 from scratch. A failure between the report and the new-round commit makes the next
 * boot report the same round again; the round number in MARK_ROUND_DONE tells the two apart.
 *
 * Markers: MARK_BOOT (arg: chunk resumed at) at every boot, MARK_CKPT_COMMIT after every commit
 * (arg: chunks done, 1..CHECKSUM_TOTAL_CHUNKS), then the done markers above.
 */
#include "checksum_common.h"

struct ckpt_slot {
  uint16_t round;
  uint16_t next_chunk;
  uint32_t crc; /* CRC register before the final xor */
};

struct ckpt_state {
  struct ckpt_slot slot[2];
  uint16_t active; /* 0 or 1: the slot that holds the last commit */
};

/* Programmed once with the ELF image (round 0, chunk 0, initial CRC in slot 0); crt0 never
 * re-initialises .persistent. */
__attribute__((section(".persistent"))) static volatile struct ckpt_state ckpt = {
    {{0u, 0u, CHECKSUM_CRC_INIT}, {0u, 0u, CHECKSUM_CRC_INIT}}, 0u};

static void put_dec16(uint16_t v) {
  char digits[5];
  int n = 0;
  do {
    digits[n++] = (char)('0' + v % 10u);
    v /= 10u;
  } while (v != 0);
  while (n > 0) hostio_putc(digits[--n]);
}

static void commit(uint16_t round, uint16_t next_chunk, uint32_t crc) {
  const uint16_t target = (uint16_t)((ckpt.active & 1u) ^ 1u);
  ckpt.slot[target].round = round;
  ckpt.slot[target].next_chunk = next_chunk;
  ckpt.slot[target].crc = crc;
  ckpt.active = target; /* the commit point: one word store */
}

int main(void) {
  const uint16_t a = ckpt.active & 1u;
  const uint16_t round = ckpt.slot[a].round;
  uint16_t chunk = ckpt.slot[a].next_chunk;
  uint32_t crc = ckpt.slot[a].crc;
  hostio_mark(MARK_BOOT, chunk);
  while (chunk < CHECKSUM_TOTAL_CHUNKS) {
    crc = checksum_chunk(crc, chunk);
    ++chunk;
    commit(round, chunk, crc);
    hostio_mark(MARK_CKPT_COMMIT, chunk);
  }
  hostio_puts("checksum_ckpt: round ");
  put_dec16(round);
  hostio_putc('\n');
  report_checksum("checksum_ckpt", ~crc);
  hostio_mark(MARK_ROUND_DONE, round);
  commit((uint16_t)(round + 1u), 0u, CHECKSUM_CRC_INIT);
  return 0;
}

/* Intermittent-computing baseline: the checksum of checksum_common.h with all progress in SRAM.
 * A power failure loses the loop index and partial CRC, so every boot starts from chunk 0; under
 * a trace whose power cycles are shorter than the whole computation it never finishes. Compare
 * with checksum_ckpt.c, which keeps its progress in FRAM.
 *
 * Markers: MARK_BOOT (arg 0) at every boot, MARK_PROGRESS after every chunk (arg: chunks done),
 * then MARK_DONE_LO/HI with the CRC; the CRC is also printed to the host log, and main returns 0
 * (crt0 turns that into hostio_exit(0)).
 */
#include "checksum_common.h"

int main(void) {
  uint32_t crc = CHECKSUM_CRC_INIT;
  hostio_mark(MARK_BOOT, 0);
  for (uint16_t chunk = 0; chunk < CHECKSUM_TOTAL_CHUNKS; ++chunk) {
    crc = checksum_chunk(crc, chunk);
    hostio_mark(MARK_PROGRESS, (uint16_t)(chunk + 1u));
  }
  report_checksum("checksum_restart", ~crc);
  return 0;
}

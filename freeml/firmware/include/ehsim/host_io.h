/* host_io: the simulator's stand-in for a sensor and a debug link (docs/architecture.md
 * "Peripherals"). A block of word registers in an address range the MSP430FR5994 leaves unused
 * (0x0F00-0x0F3F; TI msp430fr5994.h places no module there). Accesses cost cycles like any
 * peripheral access. The simulator side is mcu_model/periph/host_io.{h,cpp}; keep both in step.
 */
#ifndef EHSIM_HOST_IO_H
#define EHSIM_HOST_IO_H

#include <stdint.h>

#define HOSTIO_BASE 0x0F00u
#define HOSTIO_REG(off) (*(volatile uint16_t*)(HOSTIO_BASE + (off)))
#define HOSTIO_REG8(off) (*(volatile uint8_t*)(HOSTIO_BASE + (off)))

#define HOSTIO_ID_OFFSET 0x00   /* read: 0x4E48 ("HN") identifies the block */
#define HOSTIO_OUT_OFFSET 0x02  /* write (byte or word, low byte used): append to the host log */
#define HOSTIO_MARK_OFFSET 0x04 /* write: emit a marker event with this numeric id */
#define HOSTIO_EXIT_OFFSET 0x06 /* write: end the simulation with this exit code */
#define HOSTIO_MARK_ARG_OFFSET                                       \
  0x08 /* write before MARK: a 16-bit argument carried by the marker \
        */

/* Input samples (freeml/FORMAT.md "host_io protocol"; fed by `ehsim exec --samples FILE`). */
#define HOSTIO_SAMPLE_REQ_OFFSET \
  0x0A /* write: next sample; read: 1 current, 0 none left, 2 not yet */
#define HOSTIO_SAMPLE_INDEX_OFFSET 0x0C    /* read: index of the current sample, bits 15..0 */
#define HOSTIO_SAMPLE_WORDS_OFFSET 0x0E    /* read: words in the current sample */
#define HOSTIO_SAMPLE_DATA_OFFSET 0x10     /* read: next word of the sample (auto-increment) */
#define HOSTIO_SAMPLE_INDEX_HI_OFFSET 0x12 /* read: index bits 31..16 */
#define HOSTIO_SAMPLE_WAIT_OFFSET 0x14     /* read after a 2: VLO ticks until the next sample */

#define HOSTIO_ID_VALUE 0x4E48u

static inline void hostio_putc(char c) {
  HOSTIO_REG8(HOSTIO_OUT_OFFSET) = (uint8_t)c;
}
static inline void hostio_puts(const char* s) {
  while (*s) hostio_putc(*s++);
}
/* Gives marker `id` a name in ehsim's outputs (summary.json, events.jsonl, report.html, the
 * terminal). It defines an absolute ELF symbol ehsim_marker_NAME = id and costs nothing at run
 * time. At file scope, with `id` an integer literal (or a macro expanding to one) without a U/L
 * suffix, which the assembler would not take:
 *   #define MARK_COMMIT 0x11
 *   EHSIM_MARKER_NAME(commit, MARK_COMMIT);                                                   */
#define EHSIM_STRINGIFY_(x) #x
#define EHSIM_STRINGIFY(x) EHSIM_STRINGIFY_(x)
#define EHSIM_MARKER_NAME(name, id) \
  __asm__(".globl ehsim_marker_" #name "\n\t.set ehsim_marker_" #name ", " EHSIM_STRINGIFY(id))
static inline void hostio_mark(uint16_t id, uint16_t arg) {
  HOSTIO_REG(HOSTIO_MARK_ARG_OFFSET) = arg;
  HOSTIO_REG(HOSTIO_MARK_OFFSET) = id;
}
/* Makes the next sample current. Returns 1 when it is, 0 when the host has no more samples, 2
 * when the next one has not arrived yet (a sensor with a sampling period): wait
 * HOSTIO_REG(HOSTIO_SAMPLE_WAIT_OFFSET) VLO ticks and ask again. */
static inline uint16_t hostio_next_sample(void) {
  HOSTIO_REG(HOSTIO_SAMPLE_REQ_OFFSET) = 1u;
  return HOSTIO_REG(HOSTIO_SAMPLE_REQ_OFFSET);
}
static inline void hostio_exit(uint16_t code) {
  HOSTIO_REG(HOSTIO_EXIT_OFFSET) = code;
  for (;;) {
  }
}

#endif

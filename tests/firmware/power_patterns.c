/* Power-failure semantics test (docs/architecture.md "The power interface and power failure"): the
 * first boot writes known patterns to FRAM (.persistent), to SRAM that crt0 never touches
 * (.noinit), and to a .data and a .bss variable, then spins until the supply fails. The boot after
 * the failure reports what survived through host_io markers and exits: 0x30 boot number (from a
 * .persistent counter)   0x31 patterns written (first boot) 0x32 FRAM words still equal to the
 * pattern       0x33 SRAM words still equal to theirs 0x34 / 0x35 the first two SRAM words 0x36 the
 * .data variable (crt0 re-copies) 0x37 the .bss variable (crt0 zeroes)
 */
#include <stdint.h>

#include "ehsim/host_io.h"
#include "msp430fr5994_regs.h"

#define PATTERN_WORDS 64u

__attribute__((section(".persistent"))) static volatile uint16_t fram_words[PATTERN_WORDS];
__attribute__((section(".persistent"))) static volatile uint16_t stage;
__attribute__((section(".persistent"))) static volatile uint16_t boots;
__attribute__((section(".noinit"))) static volatile uint16_t sram_words[PATTERN_WORDS];
static volatile uint16_t data_word = 0x5A5Au;
static volatile uint16_t bss_word;

static uint16_t fram_pattern(uint16_t i) {
  return (uint16_t)(i * 0x9E37u + 0x1234u);
}
static uint16_t sram_pattern(uint16_t i) {
  return (uint16_t)(fram_pattern(i) ^ 0xFFFFu);
}

int main(void) {
  WDTCTL = WDTPW | WDTHOLD;
  boots = (uint16_t)(boots + 1u);
  hostio_mark(0x30u, boots);
  if (stage == 0u) {
    for (uint16_t i = 0; i < PATTERN_WORDS; ++i) {
      fram_words[i] = fram_pattern(i);
      sram_words[i] = sram_pattern(i);
    }
    data_word = 0x1111u;
    bss_word = 0x2222u;
    stage = 1u;
    hostio_mark(0x31u, 0u);
    for (;;) {
    }
  }
  uint16_t fram_same = 0, sram_same = 0;
  for (uint16_t i = 0; i < PATTERN_WORDS; ++i) {
    fram_same = (uint16_t)(fram_same + (fram_words[i] == fram_pattern(i)));
    sram_same = (uint16_t)(sram_same + (sram_words[i] == sram_pattern(i)));
  }
  hostio_mark(0x32u, fram_same);
  hostio_mark(0x33u, sram_same);
  hostio_mark(0x34u, sram_words[0]);
  hostio_mark(0x35u, sram_words[1]);
  hostio_mark(0x36u, data_word);
  hostio_mark(0x37u, bss_word);
  hostio_exit(0);
  return 0;
}

/* The fixed twin of sram_index_bug.c: the doubled values go to a second array, and the index
 * that says how far that got is committed with them (a = index, b unused), so a re-executed
 * step recomputes the same element from the unchanged input.
 * check: --commit-function commit
 * expect: pass
 */
#include "intermittence.h"

PERSISTENT static volatile uint16_t table[N_VALUES] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
PERSISTENT static volatile uint16_t scaled[N_VALUES];

NOINLINE void scale(void) {
  for (uint16_t i = current().a; i < N_VALUES; i = current().a) {
    scaled[i] = (uint16_t)(table[i] * 2u);
    commit((uint16_t)(i + 1u), 0);
  }
}

int main(void) {
  scale();
  uint16_t sum = 0;
  for (uint16_t i = 0; i < N_VALUES; ++i) sum = (uint16_t)(sum + scaled[i]);
  report(sum); /* 156 */
  return 0;
}

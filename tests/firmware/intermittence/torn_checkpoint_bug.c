/* Bug class: a checkpoint torn by a power failure during the checkpoint itself. Mementos
 * (Ransford et al., ASPLOS'11) and Hibernus (Balsamo et al., 2015) double-buffer their
 * checkpoints for this reason.
 *
 * The bug: save() writes the two words of the checkpoint in place. A power failure between the
 * write of ckpt_sum and the write of ckpt_next leaves a new sum with the old index: the reboot
 * adds values[ckpt_next] a second time.
 * variable: ckpt_sum, ckpt_next
 * window: in save, between the write of ckpt_sum and the write of ckpt_next
 * check: --commit-function save
 * expect-divergence-in: save
 */
#include "intermittence.h"

PERSISTENT static volatile uint16_t ckpt_sum;
PERSISTENT static volatile uint16_t ckpt_next;

NOINLINE void save(uint16_t sum, uint16_t next) {
  ckpt_sum = sum;
  ckpt_next = next;
}

int main(void) {
  uint16_t sum = ckpt_sum, next = ckpt_next; /* restore */
  while (next < N_VALUES) {
    sum = (uint16_t)(sum + values[next]);
    ++next;
    save(sum, next);
  }
  report(sum);
  return 0;
}

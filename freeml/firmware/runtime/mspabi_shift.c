/* Variable shifts clang leaves to the runtime: 32-bit __mspabi_slll/sral/srll (value R12:R13,
 * count R14) and 64-bit __ashldi3/__ashrdi3/__lshrdi3 (value R12-R15, count on the stack) — both
 * the ordinary C convention (facts §5.1/§5.2). Only shifts by constants appear below, which clang
 * inlines, so no helper calls itself. Counts are taken modulo the width (C leaves larger counts
 * undefined; this keeps the run time bounded). */
#include <stdint.h>

uint32_t __mspabi_slll(uint32_t v, int16_t n) {
  n &= 31;
  if (n >= 16) {
    v <<= 16;
    n -= 16;
  }
  while (n--) v <<= 1;
  return v;
}

uint32_t __mspabi_srll(uint32_t v, int16_t n) {
  n &= 31;
  if (n >= 16) {
    v >>= 16;
    n -= 16;
  }
  while (n--) v >>= 1;
  return v;
}

int32_t __mspabi_sral(int32_t v, int16_t n) {
  n &= 31;
  if (n >= 16) {
    v >>= 16;
    n -= 16;
  }
  while (n--) v >>= 1;
  return v;
}

uint64_t __ashldi3(uint64_t v, int16_t n) {
  n &= 63;
  for (; n >= 16; n -= 16) v <<= 16;
  while (n--) v <<= 1;
  return v;
}

uint64_t __lshrdi3(uint64_t v, int16_t n) {
  n &= 63;
  for (; n >= 16; n -= 16) v >>= 16;
  while (n--) v >>= 1;
  return v;
}

int64_t __ashrdi3(int64_t v, int16_t n) {
  n &= 63;
  for (; n >= 16; n -= 16) v >>= 16;
  while (n--) v >>= 1;
  return v;
}

/* memcpy/memset/memmove: clang emits calls to these for struct copies and large initialisers
 * (facts §5.2). Built with -fno-builtin (MSP430_CFLAGS), so the loops below are never turned back
 * into calls to themselves. Word-wise when both pointers are even, because the MSP430 moves a word
 * in the same cycles as a byte. */
#include <stddef.h>
#include <stdint.h>

void* memcpy(void* dst, const void* src, size_t n) {
  uint8_t* d = dst;
  const uint8_t* s = src;
  if ((((uintptr_t)d | (uintptr_t)s) & 1u) == 0) {
    for (; n >= 2; n -= 2, d += 2, s += 2) *(uint16_t*)d = *(const uint16_t*)s;
  }
  while (n--) *d++ = *s++;
  return dst;
}

void* memset(void* dst, int c, size_t n) {
  uint8_t* d = dst;
  if (((uintptr_t)d & 1u) == 0) {
    uint16_t w = (uint16_t)((uint8_t)c | ((uint16_t)(uint8_t)c << 8)); /* no multiply: no libcall */
    for (; n >= 2; n -= 2, d += 2) *(uint16_t*)d = w;
  }
  while (n--) *d++ = (uint8_t)c;
  return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
  uint8_t* d = dst;
  const uint8_t* s = src;
  if (d <= s || d >= s + n) return memcpy(dst, src, n);
  /* Overlap with dst above src: copy backwards so no source byte is overwritten before it is read.
   */
  d += n;
  s += n;
  while (n--) *--d = *--s;
  return dst;
}

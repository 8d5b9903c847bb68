/* Division helpers clang calls for every width in all -mhwmult modes (facts §5.2).
 * Restoring shift-subtract division. Division by zero (undefined in C) is made deterministic:
 * the quotient is all ones and the remainder the dividend, which is what the loop naturally gives.
 * Signed results truncate toward zero and the remainder takes the dividend's sign (C99 6.5.5);
 * MIN / -1 wraps to MIN. */
#include <stdint.h>

#define DEFINE_UDIVMOD(name, T, BITS)        \
  static T name(T n, T d, T* rem) {          \
    T q = 0, r = 0;                          \
    for (int i = 0; i < (BITS); ++i) {       \
      r = (T)((r << 1) | (n >> ((BITS)-1))); \
      n <<= 1;                               \
      q <<= 1;                               \
      if (r >= d) {                          \
        r -= d;                              \
        q |= 1u;                             \
      }                                      \
    }                                        \
    *rem = r;                                \
    return q;                                \
  }

DEFINE_UDIVMOD(udivmod16, uint16_t, 16)
DEFINE_UDIVMOD(udivmod32, uint32_t, 32)
DEFINE_UDIVMOD(udivmod64, uint64_t, 64)

uint16_t __mspabi_divu(uint16_t a, uint16_t b) {
  uint16_t r;
  return udivmod16(a, b, &r);
}
uint16_t __mspabi_remu(uint16_t a, uint16_t b) {
  uint16_t r;
  udivmod16(a, b, &r);
  return r;
}
int16_t __mspabi_divi(int16_t a, int16_t b) {
  uint16_t r, ua = a < 0 ? -(uint16_t)a : (uint16_t)a, ub = b < 0 ? -(uint16_t)b : (uint16_t)b;
  uint16_t q = udivmod16(ua, ub, &r);
  return (int16_t)(((a < 0) != (b < 0)) ? -q : q);
}
int16_t __mspabi_remi(int16_t a, int16_t b) {
  uint16_t r, ua = a < 0 ? -(uint16_t)a : (uint16_t)a, ub = b < 0 ? -(uint16_t)b : (uint16_t)b;
  udivmod16(ua, ub, &r);
  return (int16_t)(a < 0 ? -r : r);
}

uint32_t __mspabi_divul(uint32_t a, uint32_t b) {
  uint32_t r;
  return udivmod32(a, b, &r);
}
uint32_t __mspabi_remul(uint32_t a, uint32_t b) {
  uint32_t r;
  udivmod32(a, b, &r);
  return r;
}
int32_t __mspabi_divli(int32_t a, int32_t b) {
  uint32_t r, ua = a < 0 ? -(uint32_t)a : (uint32_t)a, ub = b < 0 ? -(uint32_t)b : (uint32_t)b;
  uint32_t q = udivmod32(ua, ub, &r);
  return (int32_t)(((a < 0) != (b < 0)) ? -q : q);
}
int32_t __mspabi_remli(int32_t a, int32_t b) {
  uint32_t r, ua = a < 0 ? -(uint32_t)a : (uint32_t)a, ub = b < 0 ? -(uint32_t)b : (uint32_t)b;
  udivmod32(ua, ub, &r);
  return (int32_t)(a < 0 ? -r : r);
}

/* 64-bit: called from mspabi_ll.S with ab = {op1, op2}; leaves {quotient, remainder} in ab. */
void __rt_udivmod64(uint64_t* ab) {
  uint64_t r;
  ab[0] = udivmod64(ab[0], ab[1], &r);
  ab[1] = r;
}
void __rt_sdivmod64(uint64_t* ab) {
  int64_t a = (int64_t)ab[0], b = (int64_t)ab[1];
  uint64_t r, ua = a < 0 ? -(uint64_t)a : (uint64_t)a, ub = b < 0 ? -(uint64_t)b : (uint64_t)b;
  uint64_t q = udivmod64(ua, ub, &r);
  ab[0] = ((a < 0) != (b < 0)) ? -q : q;
  ab[1] = a < 0 ? -r : r;
}

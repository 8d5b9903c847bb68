/* Signed and unsigned shifts of 16-, 32- and 64-bit values by variable counts (inline loops for 16
 * bits, __mspabi_slll/sral/srll and __ashldi3/__ashrdi3/__lshrdi3 for the wider ones). */
#include "diffprog.h"

uint16_t results16[32];
uint32_t results32[48];
uint64_t results64[48];

int main(void) {
  int16_t s16 = -12345;
  uint16_t u16 = 0xB00Bu;
  int32_t s32 = -123456789L;
  uint32_t u32 = 0xDEADBEEFUL;
  int64_t s64 = -0x123456789ABCDEFLL;
  uint64_t u64 = 0xFEDCBA9876543210ULL;
  OPAQUE(s16);
  OPAQUE(u16);
  OPAQUE(s32);
  OPAQUE(u32);
  OPAQUE(s64);
  OPAQUE(u64);
  uint16_t r = 0;
  for (uint16_t n = 0; n < 16; n += 2) {
    uint16_t c = n;
    OPAQUE(c);
    results16[r++] = (uint16_t)(s16 >> c);
    results16[r++] = (uint16_t)(u16 >> c);
    results16[r++] = (uint16_t)(u16 << c);
    results16[r++] = (uint16_t)(s16 << (c & 7));
  }
  r = 0;
  for (uint16_t n = 0; n < 32; n += 3) {
    uint16_t c = n;
    OPAQUE(c);
    results32[r++] = (uint32_t)(s32 >> c);
    results32[r++] = u32 >> c;
    results32[r++] = u32 << c;
    results32[r++] = (uint32_t)s32 << c;
  }
  r = 0;
  for (uint16_t n = 0; n < 64; n += 6) {
    uint16_t c = n;
    OPAQUE(c);
    results64[r++] = (uint64_t)(s64 >> c);
    results64[r++] = u64 >> c;
    results64[r++] = u64 << c;
    results64[r++] = (uint64_t)(((int64_t)u64) >> c);
  }
  done();
  return 0;
}

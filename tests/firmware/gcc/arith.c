/* 32- and 64-bit arithmetic through libgcc: multiplication (F5 32-bit hardware multiplier
 * helpers), signed/unsigned division and remainder, shifts by variable counts. */
#include "fixture.h"

#define N 6
uint64_t result[N * 8];

static UPPER const uint32_t a32[N] = {0x12345678UL, 0xFFFFFFFFUL, 0x80000000UL,
                                      1000000007UL, 0x0000F00DUL, 0xDEADBEEFUL};
static UPPER const uint32_t b32[N] = {0x00000007UL, 0x00010001UL, 0xFFFFFFFDUL,
                                      0x00000BB8UL, 0x7FFFFFFFUL, 0x0000CAFEUL};
static UPPER const uint64_t a64[N] = {0x123456789ABCDEF0ULL, 0xFFFFFFFFFFFFFFFFULL,
                                      0x8000000000000000ULL, 10000000000000000019ULL,
                                      0x00000000DEADBEEFULL, 0x0123456789ABCDEFULL};
static UPPER const uint64_t b64[N] = {0x0000000000000007ULL, 0x00000001FFFFFFFFULL,
                                      0xFFFFFFFFFFFFFFF1ULL, 0x00000000000F4240ULL,
                                      0x0000000000000003ULL, 0x00000000FEDCBA98ULL};

int main(void) {
  stop_watchdog();
  uint64_t* r = result;
  for (int i = 0; i < N; ++i) {
    uint32_t a = a32[i], b = b32[i];
    uint64_t x = a64[i], y = b64[i];
    OPAQUE(a);
    OPAQUE(b);
    r[0] = (uint64_t)(a * b) | (uint64_t)(a / b) << 32;
    r[1] = (uint64_t)(a % b) | (uint64_t)(uint32_t)((int32_t)a / (int32_t)b) << 32;
    r[2] = (uint64_t)a * b; /* widening 32x32->64 */
    r[3] = (uint64_t)(uint32_t)((int32_t)a % (int32_t)b) | (uint64_t)(a >> (b & 31)) << 32;
    r[4] = x * y;
    r[5] = x / y;
    r[6] = (uint64_t)((int64_t)x / (int64_t)y) ^ (x % y);
    r[7] = (uint64_t)((int64_t)x % (int64_t)y) + (x << (i * 11 % 64)) + ((int64_t)x >> (i * 7));
    r += 8;
  }
  finish();
}

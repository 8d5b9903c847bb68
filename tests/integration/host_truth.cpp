#include "host_truth.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "firmware_harness.h"

namespace fwtest {
namespace {

// Same recurrence as tests/firmware/diffprog.h lcg_next (Numerical Recipes constants).
struct Lcg {
  uint32_t state;
  uint32_t next() { return state = state * 1664525u + 1013904223u; }
};

uint16_t crc_ccitt(const uint8_t* p, size_t n) {
  uint16_t crc = 0xFFFF;
  for (size_t i = 0; i < n; ++i) {
    crc ^= uint16_t(p[i] << 8);
    for (int b = 0; b < 8; ++b)
      crc = (crc & 0x8000) ? uint16_t((crc << 1) ^ 0x1021) : uint16_t(crc << 1);
  }
  return crc;
}
uint16_t crc_arc(const uint8_t* p, size_t n) {
  uint16_t crc = 0;
  for (size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int b = 0; b < 8; ++b)
      crc = (crc & 1) ? uint16_t((crc >> 1) ^ 0xA001) : uint16_t(crc >> 1);
  }
  return crc;
}
uint32_t crc32(const uint8_t* p, size_t n) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int b = 0; b < 8; ++b) crc = (crc & 1) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
  }
  return ~crc;
}

// BCD addition digit by digit, as decimal arithmetic defines it (independent of DADD's
// nibble-correction formulation). Returns the 4-digit sum and sets carry.
uint16_t bcd_add(uint16_t a, uint16_t b, unsigned digits, unsigned& carry) {
  uint16_t out = 0;
  for (unsigned d = 0; d < digits; ++d) {
    unsigned s = ((a >> (4 * d)) & 0xF) + ((b >> (4 * d)) & 0xF) + carry;
    carry = s >= 10;
    out |= uint16_t((s % 10) << (4 * d));
  }
  return out;
}

void check_crc16(const std::vector<uint8_t>& m, const SymbolOffset& at) {
  Lcg g{12345};
  uint8_t data[256];
  for (auto& d : data) d = uint8_t(g.next() >> 24);
  size_t r = at("results");
  CHECK(le16(m, r + 0) == crc_ccitt(data, 256));
  CHECK(le16(m, r + 2) == crc_ccitt(data, 256));
  CHECK(le16(m, r + 4) == crc_arc(data, 256));
  CHECK(le16(m, r + 6) == 0x29B1);  // CRC-16/CCITT-FALSE check value of "123456789"
  CHECK(le16(m, r + 8) == 0xBB3D);  // CRC-16/ARC check value
  CHECK(le16(m, r + 10) == 0x0401);
  CHECK(le16(m, r + 12) == uint16_t(data[0] | data[255] << 8));
  CHECK(le16(m, r + 14) == 0xC0DE);
}

void check_crc32(const std::vector<uint8_t>& m, const SymbolOffset& at) {
  Lcg g{777};
  uint8_t data[200];
  for (auto& d : data) d = uint8_t(g.next() >> 16);
  size_t r = at("results");
  CHECK(le32(m, r + 0) == crc32(data, 200));
  CHECK(le32(m, r + 4) == 0xCBF43926u);  // CRC-32 check value of "123456789"
  CHECK(le32(m, r + 8) == crc32(data, 1));
  CHECK(le32(m, r + 12) == g.state);
}

void check_sort(const std::vector<uint8_t>& m, const SymbolOffset& at) {
  Lcg g{2024};
  std::vector<int16_t> v(48);
  for (auto& x : v) x = int16_t(g.next() >> 16);
  std::sort(v.begin(), v.end());
  size_t r = at("results");
  for (size_t i = 0; i < 48; ++i) {
    CHECK(int16_t(le16(m, r + 2 * i)) == v[i]);
    CHECK(int16_t(le16(m, r + 96 + 2 * i)) == v[i]);
  }
  CHECK(le16(m, r + 192) == 1);
}

void check_matmul(const std::vector<uint8_t>& m, const SymbolOffset& at) {
  Lcg g{99};
  int16_t a[8][8], b[8][8];
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 8; ++j) {
      a[i][j] = int16_t(g.next() >> 16);
      b[i][j] = int16_t(int16_t(g.next() >> 20) - 2048);
    }
  size_t r = at("results"), r16 = at("results16");
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 8; ++j) {
      int32_t acc = 0;
      uint16_t acc16 = 0;
      for (int k = 0; k < 8; ++k) {
        acc += int32_t(a[i][k]) * b[k][j];
        acc16 = uint16_t(acc16 + uint16_t(uint32_t(uint16_t(a[i][k])) * uint16_t(b[k][j])));
      }
      CHECK(int32_t(le32(m, r + 4 * (i * 8 + j))) == acc);
      CHECK(le16(m, r16 + 2 * (i * 8 + j)) == acc16);
    }
}

void check_div32(const std::vector<uint8_t>& m, const SymbolOffset& at) {
  const int32_t ea[] = {0, 1, -1, 7, -7, 7, -7, INT32_MAX, INT32_MIN, INT32_MIN, 65536, 100000};
  const int32_t eb[] = {1, 1, 1, 2, 2, -2, -2, 1, 1, 2, 65535, -3};
  Lcg g{31337};
  size_t r = at("results");
  for (uint16_t i = 0; i < 24; ++i) {
    int32_t a, b;
    if (i < 12) {
      a = ea[i];
      b = eb[i];
    } else {
      a = int32_t(g.next());
      b = int32_t(g.next()) >> (i & 15);
      if (b == 0) b = 3;
    }
    CAPTURE(i, a, b);
    CHECK(le32(m, r) == uint32_t(a / b));
    CHECK(le32(m, r + 4) == uint32_t(a % b));
    CHECK(le32(m, r + 8) == uint32_t(a) / uint32_t(b));
    CHECK(le32(m, r + 12) == uint32_t(a) % uint32_t(b));
    r += 16;
  }
  for (uint16_t i = 0; i < 8; ++i) {
    int16_t a = int16_t(g.next() >> 16);
    int16_t b = int16_t(g.next() >> (20 + (i & 7)));
    if (b == 0) b = -5;
    CAPTURE(i, a, b);
    CHECK(le32(m, r) == (uint32_t(uint16_t(a / b)) | uint32_t(uint16_t(a % b)) << 16));
    CHECK(le32(m, r + 4) == (uint32_t(uint16_t(uint16_t(a) / uint16_t(b))) |
                             uint32_t(uint16_t(uint16_t(a) % uint16_t(b))) << 16));
    r += 8;
  }
}

void check_div64(const std::vector<uint8_t>& m, const SymbolOffset& at) {
  const int64_t ea[] = {0,         1,         -1,       1000000000000LL, -1000000000000LL,
                        INT64_MAX, INT64_MIN, INT64_MIN};
  const int64_t eb[] = {1, -1, 3, 7, 7, -1000, 1, 2};
  Lcg g{4242};
  size_t r = at("results");
  for (uint16_t i = 0; i < 16; ++i) {
    int64_t a, b;
    if (i < 8) {
      a = ea[i];
      b = eb[i];
    } else {
      uint64_t w[4];
      for (auto& x : w) x = g.next();
      a = int64_t(w[0] << 32 | w[1]);
      b = int64_t(w[2] << 32 | w[3]) >> (4 * i);
      if (b == 0) b = 11;
    }
    CAPTURE(i, a, b);
    CHECK(le64(m, r) == uint64_t(a / b));
    CHECK(le64(m, r + 8) == uint64_t(a % b));
    CHECK(le64(m, r + 16) == uint64_t(a) / uint64_t(b));
    CHECK(le64(m, r + 24) == uint64_t(a) % uint64_t(b));
    r += 32;
  }
}

void check_recursion(const std::vector<uint8_t>& m, const SymbolOffset& at) {
  size_t r = at("results");
  CHECK(le16(m, r + 0) == 9);     // Ackermann A(2,3) = 2*3+3
  CHECK(le16(m, r + 2) == 61);    // A(3,3) = 2^(3+3) - 3
  CHECK(le16(m, r + 4) == 1597);  // F(17)
  uint32_t g = 21u * 65537u;      // gcd(1071, 462) = 21 (Euclid's classic example)
  CHECK(le16(m, r + 6) == uint16_t(g));
  CHECK(le16(m, r + 8) == uint16_t(g >> 16));
  CHECK(le16(m, r + 10) == 4095);  // Hanoi with 12 discs: 2^12 - 1 moves
}

void check_bcd(const std::vector<uint8_t>& m, const SymbolOffset& at) {
  size_t r = at("results");
  uint16_t lo = 0x9990, hi = 0x0099;
  for (int i = 0; i < 20; ++i) {
    unsigned c = 0;
    lo = bcd_add(lo, 0x0987, 4, c);
    hi = bcd_add(hi, 0, 4, c);
  }
  CHECK(le16(m, r + 0) == lo);
  CHECK(le16(m, r + 2) == hi);
  const uint16_t pairs[][2] = {{0x0001, 0x0009}, {0x9999, 0x0001}, {0x4567, 0x5433},
                               {0x0505, 0x0505}, {0x1234, 0x8765}, {0x5000, 0x5000}};
  for (unsigned i = 0; i < 6; ++i) {
    unsigned c = i & 1;
    uint16_t s = bcd_add(pairs[i][0], pairs[i][1], 4, c);
    CAPTURE(i);
    CHECK(le16(m, r + 4 + 4 * i) == s);
    CHECK(le16(m, r + 6 + 4 * i) == c);
  }
  uint16_t b = 0x95;
  for (unsigned i = 0; i < 5; ++i) {
    unsigned c = 0;
    b = bcd_add(b, 0x07, 2, c);
    CHECK(le16(m, r + 28 + 2 * i) == b);
  }
}

void check_shifts(const std::vector<uint8_t>& m, const SymbolOffset& at) {
  const int16_t s16 = -12345;
  const uint16_t u16 = 0xB00B;
  const int32_t s32 = -123456789;
  const uint32_t u32 = 0xDEADBEEF;
  const int64_t s64 = -0x123456789ABCDEFLL;
  const uint64_t u64 = 0xFEDCBA9876543210ULL;
  size_t r = at("results16");
  for (unsigned c = 0; c < 16; c += 2) {
    CHECK(le16(m, r) == uint16_t(s16 >> c));
    CHECK(le16(m, r + 2) == uint16_t(u16 >> c));
    CHECK(le16(m, r + 4) == uint16_t(uint32_t(u16) << c));
    CHECK(le16(m, r + 6) == uint16_t(uint32_t(uint16_t(s16)) << (c & 7)));
    r += 8;
  }
  r = at("results32");
  for (unsigned c = 0; c < 32; c += 3) {
    CAPTURE(c);
    CHECK(le32(m, r) == uint32_t(s32 >> c));
    CHECK(le32(m, r + 4) == u32 >> c);
    CHECK(le32(m, r + 8) == u32 << c);
    CHECK(le32(m, r + 12) == uint32_t(s32) << c);
    r += 16;
  }
  r = at("results64");
  for (unsigned c = 0; c < 64; c += 6) {
    CAPTURE(c);
    CHECK(le64(m, r) == uint64_t(s64 >> c));
    CHECK(le64(m, r + 8) == u64 >> c);
    CHECK(le64(m, r + 16) == u64 << c);
    CHECK(le64(m, r + 24) == uint64_t(int64_t(u64) >> c));
    r += 32;
  }
}

void check_mul(const std::vector<uint8_t>& m, const SymbolOffset& at) {
  Lcg g{65};
  for (uint16_t i = 0; i < 16; ++i) {
    uint32_t x = g.next();
    uint32_t y = g.next();
    uint64_t z = uint64_t(g.next()) << 32;
    z |= g.next();
    CAPTURE(i);
    CHECK(le16(m, at("results16") + 2 * i) == uint16_t(int32_t(int16_t(x)) * int16_t(y >> 16)));
    CHECK(le32(m, at("results32") + 4 * i) == ((i & 1) ? x * y : x * (y >> (i & 15))));
    CHECK(le64(m, at("results64") + 8 * i) ==
          ((i & 1) ? z * uint64_t(-int64_t(x)) : z * (uint64_t(y) << 20 | i)));
  }
}

void check_mpy32_helpers(const std::vector<uint8_t>& m, const SymbolOffset& at) {
  Lcg g{1};
  for (uint16_t i = 0; i < 24; ++i) {
    uint32_t x = g.next();
    uint32_t y = g.next();
    uint64_t z = uint64_t(g.next()) << 32;
    z |= g.next();
    if (i == 0) {
      x = 0xFFFFFFFFu;
      y = 0x80000000u;
      z = ~uint64_t(0);
    }
    CAPTURE(i);
    CHECK(le16(m, at("results16") + 2 * i) == uint16_t(int32_t(int16_t(x)) * int16_t(y >> 16)));
    CHECK(le32(m, at("results32") + 4 * i) == x * y);
    CHECK(le64(m, at("results64") + 8 * i) ==
          ((i & 1) ? z * uint64_t(-int64_t(y)) : z * (uint64_t(x) << 16 | i)));
  }
  CHECK(le16(m, at("mismatches")) == 0);
}

void check_switch(const std::vector<uint8_t>& m, const SymbolOffset& at) {
  size_t r = at("results");
  int16_t acc = 1;
  for (int i = 0; i < 10; ++i) acc = int16_t(int16_t(acc * 2) ^ 5);
  // 2 pushes, 10 iterations of 9 ops, then ADD NEG HALT.
  CHECK(le16(m, r + 0) == uint16_t(-acc + (95 << 8)));
  CHECK(le16(m, r + 2) == 0xFFFF);  // unknown opcode
  const uint16_t sparse[] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x99, 0x99, 0x99};
  for (int i = 0; i < 8; ++i) CHECK(le16(m, r + 4 + 2 * i) == sparse[i]);
  const uint16_t dense[] = {0xA0, 0xB1, 0xC2, 0xD3, 0xE4, 0xF5, 0x66};
  for (int i = 0; i < 10; ++i) CHECK(le16(m, r + 20 + 2 * i) == uint16_t(dense[i * 3 % 7] + i));
}

void check_funcptr(const std::vector<uint8_t>& m, const SymbolOffset& at) {
  Lcg g{8};
  size_t r = at("results");
  int16_t acc = 0x1234;
  for (int i = 0; i < 15; ++i) {
    int16_t v = int16_t(g.next() >> 16);
    switch (i % 5) {
      case 0:
        acc = int16_t(acc + v);
        break;
      case 1:
        acc = int16_t(acc - v);
        break;
      case 2:
        acc = int16_t(acc & v);
        break;
      case 3:
        acc = int16_t(acc | v);
        break;
      default:
        acc = std::max(acc, v);
        break;
    }
    if (i % 3 == 2) {
      CHECK(int16_t(le16(m, r)) == acc);
      r += 2;
    }
  }
  uint16_t odd = 0, big = 0;
  for (int i = 0; i < 40; ++i) {
    uint16_t v = uint16_t(g.next() >> 16);
    odd += v & 1;
    big += v > 0x8000;
  }
  CHECK(le16(m, r) == odd);
  CHECK(le16(m, r + 2) == big);
  CHECK(le16(m, r + 4) == uint16_t(100 - 250));
}

}  // namespace

const std::map<std::string, HostCheck>& host_checks() {
  static const std::map<std::string, HostCheck> checks = {{"crc16", check_crc16},
                                                          {"crc32", check_crc32},
                                                          {"sort", check_sort},
                                                          {"matmul", check_matmul},
                                                          {"div32", check_div32},
                                                          {"div64", check_div64},
                                                          {"recursion", check_recursion},
                                                          {"bcd", check_bcd},
                                                          {"shifts", check_shifts},
                                                          {"mul", check_mul},
                                                          {"switch", check_switch},
                                                          {"funcptr", check_funcptr},
                                                          {"mpy32_helpers", check_mpy32_helpers}};
  return checks;
}

}  // namespace fwtest

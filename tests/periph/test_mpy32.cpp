// MPY32 against host arithmetic and the worked examples of SLAU367P §5.2.4.
#include <algorithm>
#include <catch2/catch.hpp>
#include <climits>
#include <cstdint>
#include <random>

#include "mcu_model/periph/mpy32.h"

using namespace ehsim::mcu;

namespace {

struct Mpy {
  McuContext ctx;
  Mpy32 mpy{ctx};
  void w(uint16_t off, uint16_t v) {
    mpy.write_word(off, v);
    ctx.cycles += 4;
  }
  void wb(uint16_t off, uint8_t v) {
    mpy.write_byte(off, v);
    ctx.cycles += 4;
  }
  uint16_t r(uint16_t off) {
    ctx.cycles += 3;
    return mpy.read_word(off);
  }
  void settle() { ctx.cycles += 20; }
  uint32_t res32() {
    settle();
    return uint32_t(mpy.read_word(Mpy32::kRes0)) | (uint32_t(mpy.read_word(Mpy32::kRes1)) << 16);
  }
  uint64_t res64() {
    settle();
    uint64_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 16) | mpy.read_word(uint16_t(Mpy32::kRes0 + 2 * i));
    return v;
  }
  void op1_32(uint16_t low_off, uint32_t v) {
    w(low_off, uint16_t(v));
    w(uint16_t(low_off + 2), uint16_t(v >> 16));
  }
  void op2_32(uint32_t v) {
    w(Mpy32::kOp2L, uint16_t(v));
    w(Mpy32::kOp2H, uint16_t(v >> 16));
  }
};

}  // namespace

TEST_CASE("MPY32 16x16 multiplies match host arithmetic", "[mpy32]") {
  std::mt19937 rng(1234);
  for (int i = 0; i < 2000; ++i) {
    const uint16_t a = uint16_t(rng()), b = uint16_t(rng());
    Mpy m;
    m.w(Mpy32::kMpy, a);
    m.w(Mpy32::kOp2, b);
    REQUIRE(m.res32() == uint32_t(a) * b);
    REQUIRE(m.mpy.read_word(Mpy32::kSumExt) == 0);

    m.w(Mpy32::kMpys, a);
    m.w(Mpy32::kOp2, b);
    const int32_t sp = int32_t(int16_t(a)) * int16_t(b);
    REQUIRE(m.res32() == uint32_t(sp));
    REQUIRE(m.mpy.read_word(Mpy32::kSumExt) == (sp < 0 ? 0xFFFF : 0));
    REQUIRE(m.mpy.read_word(Mpy32::kResLo) == uint16_t(sp));
    REQUIRE(m.mpy.read_word(Mpy32::kResHi) == uint16_t(uint32_t(sp) >> 16));
  }
}

TEST_CASE("MPY32 MAC and MACS accumulate like 33-bit host sums", "[mpy32]") {
  std::mt19937 rng(99);
  Mpy m;
  uint32_t acc = 0;
  for (int i = 0; i < 500; ++i) {
    const uint16_t a = uint16_t(rng()), b = uint16_t(rng());
    m.w(Mpy32::kMac, a);
    m.w(Mpy32::kOp2, b);
    const uint64_t sum = uint64_t(acc) + uint64_t(a) * b;
    acc = uint32_t(sum);
    REQUIRE(m.res32() == acc);
    REQUIRE(m.mpy.read_word(Mpy32::kSumExt) == (sum >> 32));  // SUMEXT = carry
    REQUIRE((m.mpy.read_word(Mpy32::kCtl0) & Mpy32::kMpyC) == (sum >> 32));
  }
  Mpy s;
  int32_t sacc = 0;
  int overflows = 0;
  for (int i = 0; i < 500; ++i) {
    const int16_t a = int16_t(rng()), b = int16_t(rng());
    s.w(Mpy32::kMacs, uint16_t(a));
    s.w(Mpy32::kOp2, uint16_t(b));
    const int64_t sum = int64_t(sacc) + int32_t(a) * b;
    sacc = int32_t(uint32_t(sum));
    REQUIRE(s.res32() == uint32_t(sacc));
    // SLAU367P §5.2.2.1: SUMEXT carries the sign of the stored 32-bit result, MPYC the sign of
    // the true sum; they differ exactly on overflow/underflow.
    REQUIRE(s.mpy.read_word(Mpy32::kSumExt) == (sacc < 0 ? 0xFFFF : 0));
    REQUIRE((s.mpy.read_word(Mpy32::kCtl0) & Mpy32::kMpyC) == (sum < 0 ? 1 : 0));
    overflows += (sum < INT32_MIN || sum > INT32_MAX);
  }
  CHECK(overflows > 0);  // the sequence does exercise the wrap-around case
}

TEST_CASE("MPY32 32x32, 16x32 and 32x16 give 64-bit host products", "[mpy32]") {
  std::mt19937 rng(7);
  for (int i = 0; i < 1000; ++i) {
    const uint32_t a = rng(), b = rng();
    Mpy m;
    m.op1_32(Mpy32::kMpy32L, a);
    m.op2_32(b);
    REQUIRE(m.res64() == uint64_t(a) * b);
    REQUIRE((m.mpy.read_word(Mpy32::kCtl0) & (Mpy32::kMpyOp1_32 | Mpy32::kMpyOp2_32)) ==
            (Mpy32::kMpyOp1_32 | Mpy32::kMpyOp2_32));

    m.op1_32(Mpy32::kMpys32L, a);
    m.op2_32(b);
    const int64_t sp = int64_t(int32_t(a)) * int32_t(b);
    REQUIRE(m.res64() == uint64_t(sp));
    REQUIRE(m.mpy.read_word(Mpy32::kSumExt) == (sp < 0 ? 0xFFFF : 0));

    m.w(Mpy32::kMpys, uint16_t(a));  // 16-bit signed OP1, 32-bit OP2
    m.op2_32(b);
    REQUIRE(m.res64() == uint64_t(int64_t(int16_t(a)) * int32_t(b)));

    m.op1_32(Mpy32::kMpy32L, a);  // 32-bit unsigned OP1, 16-bit OP2
    m.w(Mpy32::kOp2, uint16_t(b));
    REQUIRE(m.res64() == uint64_t(a) * uint16_t(b));
  }
}

TEST_CASE("MPY32 32x32 MAC/MACS carry into SUMEXT like 65-bit host sums", "[mpy32]") {
  std::mt19937 rng(11);
  Mpy m;
  uint64_t acc = 0;
  for (int i = 0; i < 300; ++i) {
    const uint32_t a = rng(), b = rng();
    m.op1_32(Mpy32::kMac32L, a);
    m.op2_32(b);
    const unsigned __int128 sum = (unsigned __int128)acc + uint64_t(a) * b;
    acc = uint64_t(sum);
    REQUIRE(m.res64() == acc);
    REQUIRE(m.mpy.read_word(Mpy32::kSumExt) == uint16_t(sum >> 64));
  }
  Mpy s;
  int64_t sacc = 0;
  for (int i = 0; i < 300; ++i) {
    const int32_t a = int32_t(rng()), b = int32_t(rng());
    s.op1_32(Mpy32::kMacs32L, uint32_t(a));
    s.op2_32(uint32_t(b));
    const __int128 sum = __int128(sacc) + int64_t(a) * b;
    sacc = int64_t(uint64_t(sum));
    REQUIRE(s.res64() == uint64_t(sacc));
    REQUIRE(s.mpy.read_word(Mpy32::kSumExt) == (sacc < 0 ? 0xFFFF : 0));
    REQUIRE((s.mpy.read_word(Mpy32::kCtl0) & Mpy32::kMpyC) == (sum < 0 ? 1 : 0));
  }
}

TEST_CASE("MPY32 byte operand writes sign-extend in signed modes only", "[mpy32]") {
  Mpy m;
  m.wb(Mpy32::kMpys, 0x82);  // -126
  m.wb(Mpy32::kOp2, 0x4F);   // 79
  REQUIRE(m.res32() == uint32_t(-126 * 79));
  m.wb(Mpy32::kMpy, 0x82);  // unsigned: 130
  m.wb(Mpy32::kOp2, 0xFF);  // 255
  REQUIRE(m.res32() == 130u * 255u);
  // 24-bit operands: byte write to MPYS32H / OP2H extends bit 23.
  m.w(Mpy32::kMpys32L, 0x1234);
  m.wb(Mpy32::kMpys32H, 0x80);  // 0xFF801234 = -8375756
  m.w(Mpy32::kOp2L, 0x0002);
  m.wb(Mpy32::kOp2H, 0x00);
  REQUIRE(m.res64() == uint64_t(int64_t(int32_t(0xFF801234u)) * 2));
}

TEST_CASE("MPY32 reproduces SLAU367P section 5.2.4.2 saturation examples", "[mpy32]") {
  SECTION("32x24 unsigned result, then saturated 16x16 MACS") {
    Mpy m;
    m.w(Mpy32::kCtl0, Mpy32::kMpySat);
    m.w(Mpy32::kMpy32L, 0x52C5);
    m.w(Mpy32::kMpy32H, 0x6153);
    m.w(Mpy32::kOp2L, 0x01AB);
    m.wb(Mpy32::kOp2H, 0x23);
    m.settle();
    CHECK(m.r(Mpy32::kRes0) == 0x0E97);
    CHECK(m.r(Mpy32::kRes1) == 0xA6EA);
    CHECK(m.r(Mpy32::kRes2) == 0x4F06);
    CHECK(m.r(Mpy32::kRes3) == 0x000D);
    CHECK((m.r(Mpy32::kCtl0) & Mpy32::kMpyC) == 0);
    m.w(Mpy32::kMacs, 0xCCC3);
    m.w(Mpy32::kOp2, 0xFFB6);
    m.settle();
    CHECK(m.r(Mpy32::kResLo) == 0xFFFF);
    CHECK(m.r(Mpy32::kResHi) == 0x7FFF);
  }
  SECTION("preloaded zero with MPYC set saturates negative") {
    Mpy m;
    for (uint16_t off : {Mpy32::kRes3, Mpy32::kRes2, Mpy32::kRes1, Mpy32::kRes0}) m.w(off, 0);
    m.w(Mpy32::kCtl0, Mpy32::kMpyC | Mpy32::kMpySat);
    m.wb(Mpy32::kMacs, 0x82);
    m.wb(Mpy32::kOp2, 0x4F);
    m.settle();
    CHECK(m.r(Mpy32::kRes0) == 0x0000);
    CHECK(m.r(Mpy32::kRes1) == 0x8000);
  }
  SECTION("fractional and saturation: overflowing MACS reads most positive") {
    Mpy m;
    m.w(Mpy32::kCtl0, Mpy32::kMpyFrac | Mpy32::kMpySat);
    m.w(Mpy32::kRes3, 0);
    m.w(Mpy32::kRes2, 0);
    m.w(Mpy32::kRes1, 0x7FFF);
    m.w(Mpy32::kRes0, 0xFA60);
    m.wb(Mpy32::kMacs, 0x50);
    m.wb(Mpy32::kOp2, 0x12);
    m.settle();
    CHECK(m.r(Mpy32::kRes0) == 0xFFFF);
    CHECK(m.r(Mpy32::kRes1) == 0x7FFF);
  }
}

TEST_CASE("MPY32 saturated MACS equals a clamped host accumulation", "[mpy32]") {
  std::mt19937 rng(5);
  Mpy m;
  m.w(Mpy32::kCtl0, Mpy32::kMpySat);
  int64_t acc = 0;
  for (int i = 0; i < 400; ++i) {
    // The first 100 products are all positive so the sum is driven into the clamp.
    const int16_t a = int16_t(i < 100 ? (rng() & 0x7FFF) : rng());
    const int16_t b = int16_t(i < 100 ? (rng() | 0x4000) & 0x7FFF : rng());
    m.w(Mpy32::kMacs, uint16_t(a));
    m.w(Mpy32::kOp2, uint16_t(b));
    acc = std::clamp<int64_t>(acc + int32_t(a) * b, INT32_MIN, INT32_MAX);
    REQUIRE(m.res32() == uint32_t(int32_t(acc)));
  }
}

TEST_CASE("MPY32 fractional mode reads the product shifted left by one", "[mpy32]") {
  std::mt19937 rng(3);
  Mpy m;
  m.w(Mpy32::kCtl0, Mpy32::kMpyFrac);
  for (int i = 0; i < 500; ++i) {
    const int16_t a = int16_t(rng()), b = int16_t(rng());
    m.w(Mpy32::kMpys, uint16_t(a));
    m.w(Mpy32::kOp2, uint16_t(b));
    REQUIRE(m.res32() == uint32_t(int64_t(int32_t(a) * b) * 2));
  }
  // Q15: 0.5 * 0.5 = 0.25; -1.0 * -1.0 saturates to the most positive value with MPYSAT.
  m.w(Mpy32::kMpys, 0x4000);
  m.w(Mpy32::kOp2, 0x4000);
  REQUIRE(m.res32() >> 16 == 0x2000);
  m.w(Mpy32::kCtl0, Mpy32::kMpyFrac | Mpy32::kMpySat);
  m.w(Mpy32::kMpys, 0x8000);
  m.w(Mpy32::kOp2, 0x8000);
  REQUIRE(m.res32() == 0x7FFFFFFFu);
}

// Reads are stamped at the start of the reading instruction and see the multiplier 3 cycles
// later (its data read happens in the last cycle of a 3-cycle `MOV &RESx,Rn`); writes are stamped
// at the end of the writing instruction (see mpy32.cpp).
TEST_CASE("MPY32 results appear after the SLAU367P Table 5-5 latencies", "[mpy32]") {
  SECTION("16x16: the next instruction reads the result (SLAU367P section 5.2)") {
    Mpy m;
    m.mpy.write_word(Mpy32::kMpy, 0x1234);
    m.mpy.write_word(Mpy32::kOp2, 0x5678);
    const uint32_t p = 0x1234u * 0x5678u;
    CHECK(m.mpy.read_word(Mpy32::kRes0) == uint16_t(p));
    CHECK(m.mpy.read_word(Mpy32::kRes1) == uint16_t(p >> 16));
  }
  SECTION("32x32: RES2/RES3 after max(OP2L + 10/11, OP2H + 5/6)") {
    Mpy m;
    m.mpy.write_word(Mpy32::kMpy32L, 0xFFFF);
    m.mpy.write_word(Mpy32::kMpy32H, 0xFFFF);
    m.mpy.write_word(Mpy32::kOp2L, 0xFFFF);  // at cycle 0
    m.ctx.cycles = 4;
    m.mpy.write_word(Mpy32::kOp2H, 0xFFFF);  // at cycle 4
    // (2^32-1)^2 = FFFF FFFE 0000 0001h. A read stamped 6 sees cycle 9.
    m.ctx.cycles = 6;
    CHECK(m.mpy.read_word(Mpy32::kRes0) == 0x0001);  // OP2L + 3
    CHECK(m.mpy.read_word(Mpy32::kRes2) == 0);       // not before max(0 + 10, 4 + 5) = 10
    m.ctx.cycles = 7;
    CHECK(m.mpy.read_word(Mpy32::kRes2) == 0xFFFE);
    CHECK(m.mpy.read_word(Mpy32::kRes3) == 0);  // not before max(0 + 11, 4 + 6) = 11
    m.ctx.cycles = 8;
    CHECK(m.mpy.read_word(Mpy32::kRes3) == 0xFFFF);
  }
}

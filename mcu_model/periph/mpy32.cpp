#include "mcu_model/periph/mpy32.h"

#include <algorithm>

namespace ehsim::mcu {
namespace {

// Result availability in MCLK cycles after the operand write named in the row, for RES0..RES3
// and the MPYC bit (SLAU367P Table 5-5 "Result Availability in Fractional Mode", which lists the
// same values as Table 5-1 for MPYFRAC = 0). 0 = N/A (no constraint from that write).
struct Latency {
  uint8_t res[4];
  uint8_t mpyc;
};
constexpr Latency k16x16AfterOp2 = {{3, 3, 4, 4}, 3};
constexpr Latency k32x16AfterOp2 = {{3, 5, 6, 7}, 7};
constexpr Latency k16x32AfterOp2L = {{3, 5, 6, 7}, 7};
constexpr Latency k16x32AfterOp2H = {{0, 3, 4, 4}, 4};
constexpr Latency k32x32AfterOp2L = {{3, 8, 10, 11}, 11};
constexpr Latency k32x32AfterOp2H = {{0, 3, 5, 6}, 6};

// The CPU model (mcu_model/cpu) stamps a bus write with ctx.cycles at the end of the writing
// instruction and a read with ctx.cycles at the start of the reading one. On the device the data
// read of `MOV &RESx,Rn` (3 cycles, SLAU445I Table 4-10) happens in its last cycle, so a read sees
// the multiplier as it is 3 cycles after its stamp. This makes "the next instruction can read the
// 16x16 result" (SLAU367P §5.2 "MPY32 Operation") hold; indirect reads (2 cycles), which the guide
// says need a NOP first, are modelled one cycle optimistically.
constexpr uint64_t kReadOffsetCycles = 3;

uint32_t sext8(uint32_t v) {
  return uint32_t(int32_t(int8_t(v & 0xFF)));
}

}  // namespace

Mpy32::Mpy32(McuContext& ctx) : Peripheral("MPY32", kBase, 0x30, ctx) {
  reset_power_up();
}

void Mpy32::reset_power_up() {
  mode_ = kModeMpy;
  op1_ = op2_ = 0;
  op1_32_ = op2_32_ = last_wide_ = false;
  ctl_bits_ = 0;
  sumext_ = sumext_prev_ = 0;
  res_prev_ = {};
  res_ = {};
  ready_ = {};
  mpyc_prev_ = mpyc_ = false;
  mpyc_ready_ = 0;
  op2l_cycle_ = 0;
}

uint16_t Mpy32::raw_res(int index) const {
  return ctx().cycles + kReadOffsetCycles >= ready_[index] ? res_[index] : res_prev_[index];
}

bool Mpy32::raw_mpyc() const {
  return ctx().cycles + kReadOffsetCycles >= mpyc_ready_ ? mpyc_ : mpyc_prev_;
}

// Saturation as SLAU367P §5.2.4.2 describes it: MPYC is the sign of the true result, the MSB
// that of the stored one; a mismatch means overflow (MPYC = 0) or underflow (MPYC = 1).
uint64_t Mpy32::saturate(uint64_t raw, bool mpyc, bool wide) const {
  const uint64_t msb = wide ? (uint64_t{1} << 63) : (uint64_t{1} << 31);
  const uint64_t max_pos = msb - 1;
  if (!mpyc && (raw & msb)) return max_pos;
  if (mpyc && !(raw & msb)) return msb;
  return raw;
}

uint16_t Mpy32::adjusted_res(int index) const {
  const bool frac = ctl_bits_ & kMpyFrac;
  const bool sat = (ctl_bits_ & kMpySat) && is_signed();
  const bool wide = last_wide_;
  if ((!frac && !sat) || (!wide && index >= 2)) return raw_res(index);
  const int words = wide ? 4 : 2;
  uint64_t raw = 0;
  for (int i = words - 1; i >= 0; --i) raw = (raw << 16) | raw_res(i);
  const uint64_t msb = wide ? (uint64_t{1} << 63) : (uint64_t{1} << 31);
  const uint64_t mask = wide ? ~uint64_t{0} : 0xFFFFFFFFull;
  uint64_t value = raw;
  bool saturated = false;
  if (sat) {
    value = saturate(raw, raw_mpyc(), wide);
    saturated = value != raw;
  }
  if (frac && !saturated) {
    const uint64_t shifted = (raw << 1) & mask;
    // In fractional mode -1.0 x -1.0 = +1.0 is out of range; with MPYSAT the shift saturates
    // (SLAU367P §5.2.4.2 note "Saturation in fractional mode").
    if (sat && ((shifted ^ raw) & msb)) {
      value = (raw & msb) ? msb : msb - 1;
    } else {
      value = shifted;
    }
  }
  return uint16_t(value >> (16 * index));
}

uint16_t Mpy32::read_word(uint16_t offset) {
  switch (offset) {
    case kMpy:
    case kMpys:
    case kMac:
    case kMacs:
    case kMpy32L:
    case kMpys32L:
    case kMac32L:
    case kMacs32L:
      return uint16_t(op1_);
    case kMpy32H:
    case kMpys32H:
    case kMac32H:
    case kMacs32H:
      return uint16_t(op1_ >> 16);
    case kOp2:
    case kOp2L:
      return uint16_t(op2_);
    case kOp2H:
      return uint16_t(op2_ >> 16);
    case kResLo:
    case kRes0:
      return adjusted_res(0);
    case kResHi:
    case kRes1:
      return adjusted_res(1);
    case kRes2:
      return adjusted_res(2);
    case kRes3:
      return adjusted_res(3);
    case kSumExt:
      // SUMEXT is updated with MPYC (its availability is not listed separately).
      return ctx().cycles + kReadOffsetCycles >= mpyc_ready_ ? sumext_ : sumext_prev_;
    case kCtl0:
      return uint16_t(ctl_bits_ | (raw_mpyc() ? kMpyC : 0) | (uint16_t(mode_) << 4) |
                      (op1_32_ ? kMpyOp1_32 : 0) | (op2_32_ ? kMpyOp2_32 : 0));
    default:
      return 0;
  }
}

void Mpy32::write_op1(uint16_t offset, uint32_t value, bool is_byte) {
  // The OP1 address selects the operation (SLAU367P §5.2.1 "Operand Registers").
  const bool high = offset >= kMpy32L && (offset & 2);
  mode_ = Mode(offset < kOp2 ? (offset >> 1) & 3 : ((offset - kMpy32L) >> 2) & 3);
  if (is_byte && is_signed()) value = sext8(value);
  if (is_byte && !is_signed()) value &= 0xFF;
  if (high) {
    // A write to a ...32H register makes OP1 32 bits wide; a byte write there is a 24-bit
    // operand whose bit 23 is extended in signed modes.
    op1_ = (op1_ & 0xFFFF) | (value << 16);
    op1_32_ = true;
  } else {
    // A byte write holds an 8-bit operand, sign-extended in signed modes (SLAU367P §5.2.1).
    op1_ = is_byte ? value : (value & 0xFFFF);
    op1_32_ = false;
  }
}

void Mpy32::write_op2(uint16_t offset, uint32_t value, bool is_byte) {
  if (is_byte) value = is_signed() ? sext8(value) : (value & 0xFF);
  const uint64_t now = ctx().cycles;
  if (offset == kOp2) {
    op2_ = is_byte ? value : (is_signed() ? uint32_t(int32_t(int16_t(value))) : value & 0xFFFF);
    op2_32_ = false;
    start(now, false);
  } else if (offset == kOp2L) {
    op2_ = (op2_ & 0xFFFF0000u) | (value & 0xFFFF);
    op2l_cycle_ = now;
  } else {  // kOp2H starts a multiplication with a 24- or 32-bit second operand
    op2_ = (op2_ & 0xFFFF) | (value << 16);
    op2_32_ = true;
    start(op2l_cycle_, true);
  }
}

void Mpy32::start(uint64_t cycle_op2l, bool after_op2h) {
  const uint64_t now = ctx().cycles;
  const bool sgn = is_signed();
  const bool accumulate = mode_ == kModeMac || mode_ == kModeMacs;
  const bool wide = op1_32_ || op2_32_;
  // Operands at their written width; a 16-bit OP1 uses only its low word.
  const int64_t a = op1_32_ ? (sgn ? int64_t(int32_t(op1_)) : int64_t(op1_))
                            : (sgn ? int64_t(int16_t(op1_)) : int64_t(op1_ & 0xFFFF));
  const int64_t b = op2_32_ ? (sgn ? int64_t(int32_t(op2_)) : int64_t(op2_))
                            : (sgn ? int64_t(int16_t(op2_)) : int64_t(op2_ & 0xFFFF));

  // The accumulator is the previous result, saturated first when MPYSAT is set, at the width
  // of the new operation (SLAU367P §5.2.4.2).
  uint64_t acc = 0;
  if (accumulate) {
    const int words = wide ? 4 : 2;
    for (int i = words - 1; i >= 0; --i) acc = (acc << 16) | res_[i];
    if ((ctl_bits_ & kMpySat) && sgn) acc = saturate(acc, mpyc_, wide);
  }

  uint64_t result = 0;
  uint16_t high_ext = 0;  // RES2/RES3 after a 16x16 operation: extension of the 33-bit result
  bool carry_or_sign = false;
  if (!wide) {
    if (sgn) {
      const int64_t sum = (accumulate ? int64_t(int32_t(uint32_t(acc))) : 0) + a * b;
      result = uint32_t(sum);
      carry_or_sign = sum < 0;
      high_ext = carry_or_sign ? 0xFFFF : 0;
    } else {
      const uint64_t sum = (accumulate ? acc : 0) + uint64_t(a) * uint64_t(b);
      result = uint32_t(sum);
      carry_or_sign = accumulate && (sum >> 32);
      high_ext = 0;
    }
  } else {
    if (sgn) {
      const __int128 sum = (accumulate ? __int128(int64_t(acc)) : 0) + __int128(a) * b;
      result = uint64_t(sum);
      carry_or_sign = sum < 0;
    } else {
      const unsigned __int128 sum = (accumulate ? (unsigned __int128)acc : 0) +
                                    (unsigned __int128)(uint64_t(a) * uint64_t(b));
      result = uint64_t(sum);
      carry_or_sign = accumulate && (sum >> 64);
    }
  }

  // Latency: values become visible per the availability table.
  const Latency* primary = &k16x16AfterOp2;
  const Latency* second = nullptr;
  if (!op2_32_) {
    primary = op1_32_ ? &k32x16AfterOp2 : &k16x16AfterOp2;
  } else if (!op1_32_) {
    primary = &k16x32AfterOp2L;
    second = &k16x32AfterOp2H;
  } else {
    primary = &k32x32AfterOp2L;
    second = &k32x32AfterOp2H;
  }
  (void)after_op2h;
  for (int i = 0; i < 4; ++i) {
    res_prev_[i] = raw_res(i);
    uint64_t ready = cycle_op2l + primary->res[i];
    if (second && second->res[i]) ready = std::max(ready, now + second->res[i]);
    ready_[i] = ready;
  }
  mpyc_prev_ = raw_mpyc();
  sumext_prev_ = read_word(kSumExt);
  mpyc_ready_ = cycle_op2l + primary->mpyc;
  if (second) mpyc_ready_ = std::max(mpyc_ready_, now + second->mpyc);

  res_[0] = uint16_t(result);
  res_[1] = uint16_t(result >> 16);
  if (wide) {
    res_[2] = uint16_t(result >> 32);
    res_[3] = uint16_t(result >> 48);
  } else {
    res_[2] = (!sgn && accumulate) ? uint16_t(carry_or_sign) : high_ext;
    res_[3] = high_ext;
  }
  mpyc_ = carry_or_sign;
  // SUMEXT (SLAU367P §5.2.1 and §5.2.2.1): 0 for MPY, the carry (0/1) for MAC, and for MPYS/MACS
  // the sign of the stored result (FFFFh when its MSB is set). MPYC holds the true sign, so
  // "carry different from SUMEXT's sign" flags a MACS overflow or underflow.
  const bool stored_negative = wide ? (result >> 63) != 0 : ((result >> 31) & 1) != 0;
  if (mode_ == kModeMpy) {
    sumext_ = 0;
  } else if (mode_ == kModeMac) {
    sumext_ = carry_or_sign ? 1 : 0;
  } else {
    sumext_ = stored_negative ? 0xFFFF : 0;
  }
  last_wide_ = wide;
}

void Mpy32::write_word(uint16_t offset, uint16_t value) {
  if (offset < kOp2 || (offset >= kMpy32L && offset <= kMacs32H)) {
    write_op1(offset, value, false);
  } else if (offset == kOp2 || offset == kOp2L || offset == kOp2H) {
    write_op2(offset, value, false);
  } else if (offset == kResLo || offset == kResHi || (offset >= kRes0 && offset <= kRes3)) {
    // Preloading a result register takes effect at once.
    const int index = offset == kResLo ? 0 : offset == kResHi ? 1 : (offset - kRes0) / 2;
    res_[index] = res_prev_[index] = value;
    ready_[index] = 0;
  } else if (offset == kCtl0) {
    ctl_bits_ = value & (kMpyFrac | kMpySat | kMpyDlyWrtEn | kMpyDly32);
    mpyc_ = mpyc_prev_ = value & kMpyC;
    mpyc_ready_ = 0;
    mode_ = Mode((value & kMpyMMask) >> 4);
    op1_32_ = value & kMpyOp1_32;
    op2_32_ = value & kMpyOp2_32;
  }
  // SUMEXT is read-only.
}

void Mpy32::write_byte(uint16_t offset, uint8_t value) {
  // Byte writes to an operand register define an 8-bit (or 24-bit for ...32H/OP2H) operand.
  const uint16_t even = offset & ~1u;
  const bool operand = even <= kOp2 || (even >= kMpy32L && even <= kOp2H);
  if (operand && !(offset & 1)) {
    if (even == kOp2 || even == kOp2L || even == kOp2H) {
      write_op2(even, value, true);
    } else {
      write_op1(even, value, true);
    }
    return;
  }
  Peripheral::write_byte(offset, value);
}

}  // namespace ehsim::mcu

// MPY32 hardware multiplier @0x04C0 (SLAU367P chapter 5 "32-Bit Hardware Multiplier"; register
// offsets TI msp430fr5994.h, facts §3.1). Models 8/16/24/32-bit operands, MPY/MPYS/MAC/MACS,
// fractional and saturation read adjustment, and the documented result-availability latency:
// a result register read before it is ready returns its previous content.
#pragma once

#include <array>
#include <cstdint>

#include "mcu_model/periph/peripheral.h"

namespace ehsim::mcu {

class Mpy32 : public Peripheral {
 public:
  static constexpr uint16_t kBase = 0x04C0;
  // Register offsets (TI msp430fr5994.h).
  enum Offset : uint16_t {
    kMpy = 0x00,
    kMpys = 0x02,
    kMac = 0x04,
    kMacs = 0x06,
    kOp2 = 0x08,
    kResLo = 0x0A,
    kResHi = 0x0C,
    kSumExt = 0x0E,
    kMpy32L = 0x10,
    kMpy32H = 0x12,
    kMpys32L = 0x14,
    kMpys32H = 0x16,
    kMac32L = 0x18,
    kMac32H = 0x1A,
    kMacs32L = 0x1C,
    kMacs32H = 0x1E,
    kOp2L = 0x20,
    kOp2H = 0x22,
    kRes0 = 0x24,
    kRes1 = 0x26,
    kRes2 = 0x28,
    kRes3 = 0x2A,
    kCtl0 = 0x2C,
  };
  // MPY32CTL0 bits (TI msp430fr5994.h).
  static constexpr uint16_t kMpyC = 0x0001, kMpyFrac = 0x0004, kMpySat = 0x0008, kMpyMMask = 0x0030,
                            kMpyOp1_32 = 0x0040, kMpyOp2_32 = 0x0080, kMpyDlyWrtEn = 0x0100,
                            kMpyDly32 = 0x0200;

  explicit Mpy32(McuContext& ctx);

  uint16_t read_word(uint16_t offset) override;
  void write_word(uint16_t offset, uint16_t value) override;
  void write_byte(uint16_t offset, uint8_t value) override;
  uint16_t peek_word(uint16_t offset) override { return read_word(offset); }
  void reset_power_up() override;

 private:
  enum Mode : uint8_t { kModeMpy = 0, kModeMpys = 1, kModeMac = 2, kModeMacs = 3 };
  bool is_signed() const { return mode_ == kModeMpys || mode_ == kModeMacs; }
  void write_op1(uint16_t offset, uint32_t value, bool is_byte);
  void write_op2(uint16_t offset, uint32_t value, bool is_byte);
  void start(uint64_t cycle_op2l, bool after_op2h);
  // Result register content as seen now (latency), and with fractional/saturation applied.
  uint16_t raw_res(int index) const;
  bool raw_mpyc() const;
  uint16_t adjusted_res(int index) const;
  uint64_t saturate(uint64_t raw, bool mpyc, bool wide) const;

  Mode mode_ = kModeMpy;
  uint32_t op1_ = 0;
  uint32_t op2_ = 0;
  bool op1_32_ = false;
  bool op2_32_ = false;
  bool last_wide_ = false;  // width of the last started operation's result (64 bit if true)
  uint16_t ctl_bits_ = 0;   // MPYFRAC, MPYSAT, MPYDLYWRTEN, MPYDLY32
  uint16_t sumext_ = 0;
  uint16_t sumext_prev_ = 0;
  // Result registers: previous and new content, and the cycle each new value becomes visible.
  std::array<uint16_t, 4> res_prev_{};
  std::array<uint16_t, 4> res_{};
  std::array<uint64_t, 4> ready_{};
  bool mpyc_prev_ = false;
  bool mpyc_ = false;
  uint64_t mpyc_ready_ = 0;
  uint64_t op2l_cycle_ = 0;
};

}  // namespace ehsim::mcu

// The MSP430X instructions of the CPUXV2 (SLAU367 §4.5.2 "MSP430X Extended Instructions", §4.6
// instruction descriptions, §4.6.1 "Extended Instruction Binary Descriptions"): extension words
// with Format I and II instructions (20-bit operands, repeat counts), the address instructions
// (MOVA, CMPA, ADDA, SUBA, RRCM, RRAM, RLAM, RRUM), PUSHM/POPM and CALLA. These are rarer than the
// 16-bit instructions, so they are decoded at run time from the opcode word (one handler per group
// in the dispatch table) instead of being specialised per opcode like cpu.cpp's handlers.
// Cycle counts: cycle_table.h, SLAU367 Tables 4-17, 4-18 and 4-19.
#include <array>
#include <cstring>
#include <utility>
#include <vector>

#include "mcu_model/cpu/cpu.h"
#include "mcu_model/cpu/cpu_internal.h"
#include "mcu_model/cpu/cycle_table.h"

namespace ehsim::mcu {

namespace {
// Operand sizes: .B, .W and .A (20-bit "address word").
enum XSize : unsigned { kXByte, kXWord, kXAddr };
constexpr uint32_t kSizeMask[3] = {0xFF, 0xFFFF, 0xFFFFF};
constexpr uint32_t kSizeMsb[3] = {0x80, 0x8000, 0x80000};
constexpr unsigned kSizeBits[3] = {8, 16, 20};

// Operand modes of an extended instruction, from As/Ad and the register (SLAU367 Table 4-3 and
// the constant generators, Table 4-2). A register destination is kXReg for R1 and R4-R15 and
// kXSpecialReg for PC, SR and R3, whose writes branch, set SR or are dropped: the common case
// needs no test of the register number (as cpu.cpp's DstKind).
enum XMode : unsigned { kXReg, kXIdx, kXSym, kXAbs, kXInd, kXIndInc, kXImm, kXConst, kXSpecialReg };

// Format I/II opcodes as in cpu.cpp (bits 15:12 and bits 9:7).
enum : unsigned { kMov = 4, kAdd, kAddc, kSubc, kSub, kCmp, kDadd, kBit, kBic, kBis, kXor, kAnd };
enum : unsigned { kRrc, kSwpb, kRra, kSxt, kPush };

constexpr uint32_t kCgValues[8] = {0, 0, 4, 8, 0, 1, 2, 0xFFFFF};  // [R3?][As], as in cpu.cpp
}  // namespace

struct XOperand {
  XMode mode;
  unsigned reg;
  uint32_t value = 0;  // kXConst: the constant
};

namespace {
constexpr XOperand classify_source(unsigned as, unsigned reg) {
  using O = XOperand;
  const unsigned cg = ((reg & 1) << 2) | as;
  switch (as) {
    case 0:
      return O{kXReg, reg};
    case 1:
      return reg == kPC   ? O{kXSym, reg}
             : reg == kSR ? O{kXAbs, reg}
             : reg == kCG ? O{kXConst, reg, 1}
                          : O{kXIdx, reg};
    case 2:
      return (reg == kSR || reg == kCG) ? O{kXConst, reg, kCgValues[cg]} : O{kXInd, reg};
    default:
      return (reg == kSR || reg == kCG) ? O{kXConst, reg, kCgValues[cg]}
             : reg == kPC               ? O{kXImm, reg}
                                        : O{kXIndInc, reg};
  }
}

constexpr XOperand classify_destination(unsigned ad, unsigned reg) {
  using O = XOperand;
  if (ad == 0) return O{(reg == kPC || reg == kSR || reg == kCG) ? kXSpecialReg : kXReg, reg};
  return reg == kPC ? O{kXSym, reg} : reg == kSR ? O{kXAbs, reg} : O{kXIdx, reg};
}

constexpr bool in_memory(XMode m) {
  return m == kXIdx || m == kXSym || m == kXAbs || m == kXInd || m == kXIndInc;
}

// Table 4-18 source rows and Table 4-17 columns.
constexpr unsigned x_src_class(XMode m) {
  switch (m) {
    case kXInd:
      return cycles::kXSrcInd;
    case kXIndInc:
      return cycles::kXSrcIndInc;
    case kXImm:
      return cycles::kXSrcImm;
    case kXIdx:
    case kXSym:
    case kXAbs:
      return cycles::kXSrcMem;
    default:  // registers and constant-generator constants (no operand word)
      return cycles::kXSrcReg;
  }
}
constexpr unsigned x_f2_class(XMode m) {
  switch (m) {
    case kXInd:
      return cycles::kXF2Ind;
    case kXIndInc:
      return cycles::kXF2IndInc;
    case kXImm:
      return cycles::kXF2Imm;
    case kXIdx:
      return cycles::kXF2Idx;
    case kXSym:
      return cycles::kXF2Sym;
    case kXAbs:
      return cycles::kXF2Abs;
    default:
      return cycles::kXF2Reg;
  }
}

// Table 4-18 for a Format I instruction with destination class dcls, not repeated. Footnotes [2]
// and [3]: MOV, BIT and CMP with a memory destination take one (.B/.W) or two (.A) cycles less;
// [4]: MOV, ADD and SUB from #N, X(Rn), EDE or &EDE to PC one less.
constexpr unsigned x_format1_cycles(unsigned opc, XMode src, unsigned dcls, bool address_length) {
  const unsigned scls = x_src_class(src);
  unsigned cyc = cycles::kXFormat1[scls][dcls][address_length];
  if (dcls == cycles::kXDstMem && (opc == kMov || opc == kBit || opc == kCmp)) {
    cyc -=
        address_length ? cycles::kXFormat1MemDstNoWritebackA : cycles::kXFormat1MemDstNoWriteback;
  }
  if (dcls == cycles::kXDstPc && scls != cycles::kXSrcReg && scls != cycles::kXSrcInd &&
      scls != cycles::kXSrcIndInc && (opc == kMov || opc == kAdd || opc == kSub)) {
    cyc -= cycles::kXFormat1PcDstFast;
  }
  return cyc;
}

uint32_t sign_extend16(uint16_t x) {
  return uint32_t(int32_t(int16_t(x)));
}

// The result of a Format I operation that neither reads the carry nor leaves the destination
// alone (the flags aside): as exec_x computes it, before masking to the data length.
template <unsigned kOpc>
constexpr uint32_t flagless_result(uint32_t src, uint32_t dst) {
  switch (kOpc) {
    case kMov:
      return src;
    case kAdd:
      return src + dst;
    case kSub:
      return dst + ~src + 1;
    case kBic:
      return dst & ~src;
    case kBis:
      return dst | src;
    case kXor:
      return src ^ dst;
    default:  // kAnd
      return src & dst;
  }
}

// A register's value; registers hold 20 bits (Cpu::set_reg and every handler mask what they
// store), and saying so lets the compiler drop the .A operations' masks of register operands.
EHSIM_ALWAYS_INLINE uint32_t reg20(const std::array<uint32_t, 16>& regs, unsigned n) {
  const uint32_t v = regs[n];
  if (v > 0xFFFFF) __builtin_unreachable();
  return v;
}

// The register-mode extension word's fields that repeat an instruction or zero its carry: ZC
// (bit 8), # (bit 7) and the repetition count (bits 3:0), SLAU367 Table 4-11.
constexpr unsigned kXRepeatFields = 0x18F;
// The register in bits 3:0 of an address instruction, as the X handlers' kXReg/kXSpecialReg: R1
// and R4-R15, PC (a write branches) or SR/R3 (a write sets SR or is dropped).
enum AddressDst : unsigned { kAGeneral, kAPc, kASrCg };
// Index of an instruction word behind an extension word with A/L = 1 in x_dispatch_table().
constexpr unsigned kXTableAlOffset = 0x10000;
}  // namespace

// Makes ctx.cycles exact and records the instruction for fault reports, as begin_bus_instruction
// does for the extension word's handler, from the address after the instruction word.
EHSIM_ALWAYS_INLINE void Cpu::begin_x_instruction(unsigned ext, uint32_t pc_after_op,
                                                  uint64_t now) {
  begin_bus_instruction(ext, pc_after_op - 2, now);
}

// The lazy flags (see flag_nzc_ in cpu.h) of a .B, .W or .A result (masked to its length), with
// the carry out (0 or 1) and a value whose MSB at the data length is V. A 20-bit result is folded
// into bits 15:0 (bits 19:4 there, bits 3:0 ORed into the bottom) so that they are zero iff it is
// and bit 15 is its MSB.
//   set_x_flags_of_sum() takes the raw sum of an addition or subtraction of two operands of the
// data length and a carry in: the result with the carry out in the bit above the length, which
// the fold moves to bit 16 (for .A, sum >> 4 has it there) with no extraction.
template <unsigned kSize>
EHSIM_ALWAYS_INLINE void Cpu::set_x_flags_of_sum(uint32_t sum, uint32_t overflow) {
  flag_nzc_ = kSize == kXByte ? sum << 8 : kSize == kXWord ? sum : (sum >> 4) | (sum & 0xF);
  flag_v_ = kSize == kXByte ? overflow << 8 : kSize == kXWord ? overflow : overflow >> 4;
}
template <unsigned kSize>
EHSIM_ALWAYS_INLINE void Cpu::set_x_flags(uint32_t result, uint32_t carry, uint32_t overflow) {
  set_x_flags_of_sum<kSize>(result | (carry << kSizeBits[kSize]), overflow);
}

// The address of a memory operand; fetches its index or address word. high_bits are the operand's
// bits 19:16 from the extension word (0 for instructions without one). MSP430X indexed and
// symbolic addresses are Rn/PC + a 20-bit index, wrapping in 1 MB (SLAU367 §4.4.2.3, §4.4.3.3);
// PC is the address of the index word, as for MSP430 instructions. Absolute: the 20-bit address
// (§4.4.4.3).
EHSIM_ALWAYS_INLINE uint32_t Cpu::x_address(const XOperand& o, uint32_t& pc, uint32_t high_bits) {
  switch (o.mode) {
    case kXIdx:
    case kXSym: {
      const uint32_t base = o.mode == kXSym ? pc : regs_[o.reg];
      const uint32_t index = (high_bits << 16) | fetch_ext(pc);
      return (base + index) & kAddrMask;
    }
    case kXAbs:
      return ((high_bits << 16) | fetch_ext(pc)) & kAddrMask;
    default:  // @Rn, @Rn+
      return regs_[o.reg];
  }
}

namespace {
// A .W or .A value in the image, as x_read/x_write access it (Bus::sram_block()). A 20-bit value
// is two little-endian words, bits 15:0 and then bits 19:16 in the second word's low bits, so
// its four bytes read as one 32-bit little-endian value are the value itself in bits 19:0 (the
// second word's bits 15:4 are ignored on reads and written as zeros).
template <unsigned kSize>
uint32_t load_image(const uint8_t* at) {
  if (kSize == kXByte) return *at;
  if (kSize == kXAddr) {
    uint32_t v;
    std::memcpy(&v, at, 4);
    return v & 0xFFFFF;
  }
  uint16_t low;
  std::memcpy(&low, at, 2);
  return low;
}
template <unsigned kSize>
void store_image(uint8_t* at, uint32_t value) {
  if (kSize == kXAddr) {
    const uint32_t v = value & 0xFFFFF;
    std::memcpy(at, &v, 4);
    return;
  }
  const uint16_t low = uint16_t(value);
  std::memcpy(at, &low, 2);
}
}  // namespace

// 20-bit data in memory is two words, bits 15:0 at the address and bits 19:16 in the low bits of
// the next word (SLAU367 §4.3 / MOVA and PUSHM.A descriptions).
// The image bytes of a kSize operand at addr for a CPU read, when they lie on one SRAM page or in
// one FRAM cache line: the bus counts the reads and makes the line's cache access once (it may
// add wait states to ctx.cycles); for a 20-bit value the first word's access makes the line MRU,
// so the second's would change nothing. nullptr otherwise (an odd word address too): nothing
// counted, the caller reads through the bus.
template <unsigned kSize>
EHSIM_ALWAYS_INLINE const uint8_t* Cpu::operand_image(uint32_t addr) {
  constexpr uint32_t bytes = kSize == kXByte ? 1 : kSize == kXWord ? 2 : 4;
  constexpr unsigned words = kSize == kXAddr ? 2 : 1;
  if (kSize != kXByte && (addr & 1)) return nullptr;
  if (const uint8_t* at = bus_.sram_block(addr, bytes, words)) return at;
  return bus_.fram_read_block(addr, bytes, words);
}

// A 20-bit value is read from the image after one check where operand_image() allows.
template <unsigned kSize>
EHSIM_ALWAYS_INLINE uint32_t Cpu::x_read(uint32_t addr) {
  if (kSize == kXAddr) {
    if (const uint8_t* at = operand_image<kXAddr>(addr)) return load_image<kXAddr>(at);
  }
  if (kSize == kXByte) return bus_.read_byte(addr);
  const uint32_t low = bus_.read_word(addr);
  if (kSize == kXWord) return low;
  return low | ((bus_.read_word((addr + 2) & kAddrMask) & 0xFu) << 16);
}

template <unsigned kSize>
EHSIM_ALWAYS_INLINE void Cpu::x_write(uint32_t addr, uint32_t value) {
  if (kSize == kXByte) {
    bus_.write_byte(addr, uint8_t(value));
    return;
  }
  if (kSize == kXAddr && !(addr & 1)) {
    if (uint8_t* at = bus_.sram_block(addr, 4, 2)) {
      store_image<kXAddr>(at, value);
      return;
    }
  }
  bus_.write_word(addr, uint16_t(value));
  if (kSize == kXAddr) bus_.write_word((addr + 2) & kAddrMask, uint16_t((value >> 16) & 0xF));
}

namespace {
// Post-increment of @Rn+ for a size: 1, 2 or 4; SP stays even (SLAU367 §4.3.2).
constexpr uint32_t increment(unsigned size, unsigned reg) {
  return size == kXByte ? (reg == kSP ? 2 : 1) : size == kXWord ? 2 : 4;
}

}  // namespace

// The extension word's handler: fetches the instruction word after it and dispatches on that and
// the A/L bit. The word is nearly always in the line of the extension word's own fetch, where it
// is taken without a lookup and cannot fault or wait (word_after_opcode_in_line); the handler
// then records the instruction only if it uses the bus (like cpu.cpp's register-only handlers).
template <bool kAL, bool kInLine>
HandlerResult Cpu::exec_extended(Cpu& c, unsigned ext, unsigned pc_after_ext, uint64_t now) {
  if (__builtin_expect(c.word_after_opcode_in_line<kInLine>(pc_after_ext), 1)) {
    const unsigned op = c.take_word_after_opcode<kInLine>(ext, pc_after_ext);
    // Below the last page (the first half's fetches) the address needs no wrap.
    const uint32_t pc = kInLine ? pc_after_ext + 2 : (pc_after_ext + 2) & kAddrMask;
    c.regs_[kPC] = pc;
    return c.x_dispatch_[(kAL ? kXTableAlOffset : 0) + op](c, ext, pc, now, op);
  }
  return exec_extended_fetch<kAL>(c, uint16_t(ext), pc_after_ext, now);
}

Cpu::Handler Cpu::extended_handler(unsigned ext, bool in_line) {
  if (in_line) return (ext & 0x40) ? &exec_extended<true, true> : &exec_extended<false, true>;
  return (ext & 0x40) ? &exec_extended<true, false> : &exec_extended<false, false>;
}

// Jumps, CALL, RETI and the MSP430X opcodes take no extension word; A/L = B/W = 0 is reserved
// except for SWPBX.A and SXTX.A.
HandlerResult Cpu::exec_x_illegal(Cpu& c, unsigned ext, uint32_t pc, uint64_t now, unsigned) {
  c.begin_x_instruction(ext, pc, now);
  c.illegal(uint16_t(ext));
  return handler_result(c.regs_[kPC], 0);
}

// An extended Format I (kFormat1, kOp = bits 15:12) or Format II (kOp = bits 9:7) instruction
// word `op` after the extension word `ext`; pc is the address after `op`. The operand modes and
// the data length (kSize, from A/L and B/W: SLAU367 Table 4-11) are template constants, so the
// operand code below folds to the instruction's own.
template <bool kFormat1, unsigned kOp, unsigned kSrcMode, unsigned kDstMode, unsigned kSize,
          bool kRepeated, bool kViaBus>
__attribute__((noinline)) HandlerResult Cpu::exec_x(Cpu& c, unsigned ext, uint32_t pc, uint64_t now,
                                                    unsigned op) {
  auto& regs = c.regs_;
  constexpr bool format1 = kFormat1;
  constexpr unsigned f2op = kOp;
  constexpr unsigned size = kSize;
  constexpr uint32_t mask = kSizeMask[size];
  constexpr uint32_t msb = kSizeMsb[size];
  constexpr bool a = size == kXAddr;
  constexpr XMode src_mode = XMode(kSrcMode);
  constexpr XMode dst_mode = XMode(kDstMode);
  // Register mode (Format I: As = 00 and Ad = 0; Format II: As = 00) uses the register-mode
  // extension word: ZC (bit 8), # (bit 7) and the repetition count in bits 3:0 (SLAU367 Table
  // 4-11); other modes carry source bits 19:16 in bits 10:7 and destination bits 19:16 in bits 3:0
  // (Table 4-12). A Format II operand takes bits 10:7, as a source does.
  constexpr bool dst_register = dst_mode == kXReg || dst_mode == kXSpecialReg;
  constexpr bool register_mode = src_mode == kXReg && (!format1 || dst_register);
  // A separate instance keeps the repetition loop's registers out of the usual case.
  if constexpr (register_mode && !kRepeated) {
    if (ext & kXRepeatFields) {
      return exec_x<kFormat1, kOp, kSrcMode, kDstMode, kSize, true>(c, ext, pc, now, op);
    }
  }
  // Registers and constants only: like cpu.cpp's register-only handlers, the instruction leaves
  // ctx.cycles alone and returns its table cycles.
  constexpr bool uses_bus =
      in_memory(src_mode) || src_mode == kXImm || (format1 ? in_memory(dst_mode) : f2op == kPush);
  // A Format I instruction from @Rn or @Rn+ into R1/R4-R15 whose operand lies on one SRAM page or
  // in one FRAM cache line (Bus::sram_block, Bus::fram_read_block) reads it from the image after
  // that one check and cannot fault, so it records nothing for fault reports; any other operand
  // runs the kViaBus instance.
  constexpr bool kDirectSource =
      !kViaBus && format1 && (src_mode == kXInd || src_mode == kXIndInc) && dst_mode == kXReg;
  const uint8_t* source_image = nullptr;
  if constexpr (kDirectSource) {
    c.ctx_.cycles = now;  // an FRAM cache miss adds wait states
    source_image = c.operand_image<size>(regs[(op >> 8) & 0xF]);
    if (!source_image) {
      return exec_x<kFormat1, kOp, kSrcMode, kDstMode, kSize, false, true>(c, ext, pc, now, op);
    }
  } else if (uses_bus) {
    c.begin_x_instruction(ext, pc, now);
  }
  const auto took = [&c, now](unsigned cyc) -> uint64_t {
    if (!uses_bus) return cyc;
    c.ctx_.cycles += cyc;
    return c.ctx_.cycles - now;
  };
  const unsigned as = (op >> 4) & 3;
  const uint32_t src_high = (ext >> 7) & 0xF;
  const uint32_t dst_high = ext & 0xF;
  const auto read_reg = [&c](unsigned r) {
    return r == kSR ? uint32_t(c.sr()) : reg20(c.regs_, r);
  };
  // Reads a source-style operand (Format I source, Format II operand); addr receives the address of
  // a memory operand.
  const auto read_operand = [&](const XOperand& o, uint32_t high, uint32_t* addr) -> uint32_t {
    switch (o.mode) {
      case kXReg:
        return read_reg(o.reg) & mask;
      case kXConst:
        return o.value & mask;
      case kXImm:
        return ((high << 16) | c.fetch_ext(pc)) & mask;
      default: {
        *addr = c.x_address(o, pc, high);
        const uint32_t v =
            (kDirectSource ? load_image<size>(source_image) : c.x_read<size>(*addr)) & mask;
        if (o.mode == kXIndInc) regs[o.reg] = (*addr + increment(size, o.reg)) & kAddrMask;
        return v;
      }
    }
  };
  // Register results: .B clears bits 19:8, .W bits 19:16 (SLAU367 §4.4.1); PC takes the result,
  // SR takes it after the flags, R3 ignores it.
  const auto write_reg = [&c, &pc](unsigned r, uint32_t v) {
    if (r == kPC) {
      c.regs_[kPC] = v & kAddrMask;
      pc = c.regs_[kPC];
    } else if (r == kSR) {
      c.write_sr(uint16_t(v));
    } else if (r != kCG) {
      c.regs_[r] = v;
    }
  };
  unsigned repeat = 1;
  bool zero_carry = false;
  if (kRepeated) {
    repeat = ((ext & 0x80) ? regs[ext & 0xF] : ext) % 16 + 1;
    zero_carry = ext & 0x100;
  }
  const auto carry_in = [&c, zero_carry] { return zero_carry ? 0u : uint32_t(c.carry()); };

  if (!format1) {
    const unsigned reg = op & 0xF;
    const XOperand o{src_mode, reg, kCgValues[((reg & 1) << 2) | as]};
    constexpr unsigned cls = x_f2_class(src_mode);
    if (f2op == kPush) {
      // PUSHX (SLAU367 PUSHX): SP - 2 (.B/.W) or SP - 4 (.A), then the operand to @SP. The
      // operand is read before SP changes. Table 4-17: PUSHX X(SP) takes one cycle more.
      for (unsigned i = 0; i < repeat; ++i) {
        uint32_t addr = 0;
        const uint32_t v = read_operand(o, src_high, &addr);
        regs[kSP] = (regs[kSP] - (a ? 4 : 2)) & kAddrMask;
        c.x_write<size>(regs[kSP], v);
        c.ctx_.cycles += cycles::kXPushx[cls][a] + (o.mode == kXIdx && o.reg == kSP);
      }
      return handler_result(pc, c.ctx_.cycles - now);
    }
    uint32_t addr = 0;
    uint32_t res = 0;
    for (unsigned i = 0; i < repeat; ++i) {
      const uint32_t v = read_operand(o, src_high, &addr);
      switch (f2op) {
        case kRrc:
        case kRra: {
          // RRCX/RRAX/RRUX (RRUX is RRCX with ZC: a zero enters at the top).
          const bool top = f2op == kRrc ? carry_in() : (v & msb);
          res = (v >> 1) | (top ? msb : 0);
          c.set_x_flags<size>(res, v & 1, 0);
          break;
        }
        case kSwpb:
          // SWPBX.A swaps bits 15:0 and keeps 19:16 (SLAU367 SWPBX); .W clears 19:16.
          res = (v & 0xF0000) | ((v << 8) & 0xFF00) | ((v >> 8) & 0xFF);
          break;
        default: {  // kSxt
          // SXTX extends bit 7 through bit 19 in a register (SLAU367 SXTX: "Rdst.19:8"),
          // through the operand's MSB in memory.
          constexpr uint32_t ext_to = src_mode == kXReg ? 0xFFFFF : mask;
          res = (v & 0x80) ? (v | (ext_to & ~0x7Fu)) : (v & 0x7F);
          c.set_x_flags<size>(res & mask, res != 0, 0);
          break;
        }
      }
      if (src_mode == kXReg) {
        write_reg(o.reg, res);
      } else if (in_memory(src_mode)) {
        c.x_write<size>(addr, res);
      }
    }
    // Table 4-17: RRAX/RRCX Rn take 1 + n cycles; SWPBX and SXTX have no row and are timed
    // like RRAX (Table 4-9 puts all four on one row for MSP430 instructions).
    return handler_result(pc, took(src_mode == kXReg ? 1 + repeat : cycles::kXShift[cls][a]));
  }

  // Format I.
  constexpr unsigned opc = kOp;
  const unsigned sreg = (op >> 8) & 0xF;
  const XOperand s{src_mode, sreg, kCgValues[((sreg & 1) << 2) | as]};
  const XOperand d{dst_mode, op & 0xF};
  uint32_t src_addr = 0;
  uint32_t dst_addr = 0;
  unsigned first = 0;  // repetitions already done
  // A repeated operation on R1/R4-R15 that takes no carry (RLAX, a repeated ADDX or SUBX...):
  // only the last repetition's flags remain, so the others run on a local copy of the register,
  // without flags. (The source is read as the loop below reads it: SR, packed from the flags,
  // is left to that loop.)
  constexpr bool kFlagless = opc == kMov || opc == kAdd || opc == kSub || opc == kBic ||
                             opc == kBis || opc == kXor || opc == kAnd;
  if (kRepeated && kFlagless && dst_mode == kXReg && sreg != kSR) {
    const unsigned dreg = d.reg;
    uint32_t value = reg20(regs, dreg) & mask;
    if (opc == kAdd && sreg == dreg) {  // RPT #n { RLAX: a shift (the compilers' idiom)
      value = (value << (repeat - 1)) & mask;
      first = repeat - 1;
    }
    for (; first + 1 < repeat; ++first) {
      const uint32_t src = (sreg == dreg ? value : reg20(regs, sreg)) & mask;
      value = flagless_result<opc>(src, value) & mask;
    }
    regs[dreg] = value;
  }
  for (unsigned i = first; i < repeat; ++i) {
    const uint32_t src = read_operand(s, src_high, &src_addr);
    uint32_t dst = 0;
    if (dst_mode == kXReg) {
      dst = reg20(regs, d.reg) & mask;
    } else if (dst_mode == kXSpecialReg) {
      dst = read_reg(d.reg) & mask;
    } else if (i == 0) {
      dst_addr = c.x_address(d, pc, dst_high);
      if (opc != kMov) dst = c.x_read<size>(dst_addr) & mask;
    }
    uint32_t res = 0;
    bool write = true;
    switch (opc) {
      case kMov:
        res = src;
        break;
      case kAdd:
      case kAddc:
      case kSubc:
      case kSub:
      case kCmp: {
        const uint32_t sv = opc >= kSubc ? (~src & mask) : src;
        uint32_t cin = (opc == kSub || opc == kCmp) ? 1 : 0;
        if (opc == kAddc || opc == kSubc) cin = carry_in();
        const uint32_t r = sv + dst + cin;
        res = r & mask;
        c.set_x_flags_of_sum<size>(r, (sv ^ r) & (dst ^ r));
        write = opc != kCmp;
        break;
      }
      case kDadd: {
        // 2, 4 or 5 BCD digits; V is undefined and kept (as for DADD in cpu.cpp).
        constexpr unsigned bits = kSizeBits[size];
        const uint32_t sum = bcd_add(src, dst, carry_in(), bits / 4);
        res = sum & mask;
        const uint32_t v = c.flag_v_;
        c.set_x_flags<size>(res, (sum >> bits) & 1, 0);
        c.flag_v_ = v;
        break;
      }
      case kBit:
      case kAnd:
        res = src & dst;
        c.set_x_flags<size>(res, res != 0, 0);
        write = opc == kAnd;
        break;
      case kBic:
        res = dst & ~src & mask;
        break;
      case kBis:
        res = dst | src;
        break;
      default:  // kXor
        res = src ^ dst;
        c.set_x_flags<size>(res, res != 0, src & dst);
        break;
    }
    if (!write) continue;
    if (dst_mode == kXReg) {
      regs[d.reg] = res;
    } else if (dst_mode == kXSpecialReg) {
      write_reg(d.reg, res);
    } else {
      c.x_write<size>(dst_addr, res);
    }
  }
  // Table 4-18; footnote [1]: a repeated register-register instruction takes n + 1 cycles.
  unsigned cyc;
  if (!dst_register) {
    cyc = x_format1_cycles(opc, src_mode, cycles::kXDstMem, a);
  } else if (dst_mode == kXSpecialReg && d.reg == kPC) {
    cyc = x_format1_cycles(opc, src_mode, cycles::kXDstPc, a);
  } else {
    cyc = register_mode ? repeat + 1 : x_format1_cycles(opc, src_mode, cycles::kXDstReg, a);
  }
  return handler_result(pc, took(cyc));
}

// The table of exec_x instantiations, indexed by the word after an extension word, plus
// kXTableAlOffset when the extension word's A/L bit is set.
struct CpuXDispatch {
  using XHandler = Cpu::XHandler;
  // exec_extended_fetch's rare cases. The instruction word fetched through the bus, which may add
  // wait states or fault (not on a plain FRAM page).
  template <bool kAL>
  static __attribute__((noinline)) HandlerResult fetch_through_bus(Cpu& c, unsigned ext,
                                                                   unsigned pc_after_ext,
                                                                   uint64_t now) {
    c.begin_bus_instruction(ext, pc_after_ext, now);
    uint32_t pc = pc_after_ext;
    const unsigned op = c.fetch_ext(pc);
    return after_fetch(c, ext, op, pc, now, c.x_dispatch_[(kAL ? kXTableAlOffset : 0) + op]);
  }
  // After the fetch of the instruction word (ctx.cycles at its end): an illegal instruction takes
  // no cycles, as exec_illegal (the fault stops the run and is reported at the cycle after the
  // fetch); otherwise the handler counts from the end of the fetch, and its wait states belong to
  // the instruction.
  static __attribute__((noinline)) HandlerResult after_fetch(Cpu& c, unsigned ext, unsigned op,
                                                             uint32_t pc, uint64_t now,
                                                             XHandler handler) {
    if (handler == &Cpu::exec_x_illegal) {
      c.insn_pc_ = (pc - 4) & Cpu::kAddrMask;
      c.insn_op_ = uint16_t(ext);
      c.illegal(uint16_t(ext));
      return handler_result(c.regs_[kPC], 0);
    }
    const uint64_t fetched = c.ctx_.cycles;
    HandlerResult r = handler(c, ext, pc, fetched, op);
    r.cycles += fetched - now;
    return r;
  }
  static constexpr unsigned kModes = 8;     // source modes: XMode up to kXConst
  static constexpr unsigned kDstModes = 5;  // kXReg, kXIdx, kXSym, kXAbs, kXSpecialReg
  static constexpr XMode kDstModeAt[kDstModes] = {kXReg, kXIdx, kXSym, kXAbs, kXSpecialReg};
  static constexpr unsigned kF1PerSize = 12 * kModes * kDstModes;
  static constexpr unsigned kF2PerSize = 5 * kModes;
  template <unsigned kSize, unsigned... I>
  static constexpr std::array<XHandler, sizeof...(I)> format1(
      std::integer_sequence<unsigned, I...>) {
    return {{&Cpu::exec_x<true, kMov + I / (kModes * kDstModes), (I / kDstModes) % kModes,
                          kDstModeAt[I % kDstModes], kSize>...}};
  }
  template <unsigned kSize, unsigned... I>
  static constexpr std::array<XHandler, sizeof...(I)> format2(
      std::integer_sequence<unsigned, I...>) {
    return {{&Cpu::exec_x<false, I / kModes, I % kModes, kXReg, kSize>...}};
  }
  template <unsigned kSize>
  static constexpr auto format1_of_size() {
    return format1<kSize>(std::make_integer_sequence<unsigned, kF1PerSize>{});
  }
  template <unsigned kSize>
  static constexpr auto format2_of_size() {
    return format2<kSize>(std::make_integer_sequence<unsigned, kF2PerSize>{});
  }
  static XHandler decode(bool al, unsigned op) {
    static constexpr std::array<std::array<XHandler, kF1PerSize>, 3> f1 = {
        format1_of_size<kXByte>(), format1_of_size<kXWord>(), format1_of_size<kXAddr>()};
    static constexpr std::array<std::array<XHandler, kF2PerSize>, 3> f2 = {
        format2_of_size<kXByte>(), format2_of_size<kXWord>(), format2_of_size<kXAddr>()};
    const bool format1 = (op >> 12) >= kMov;
    const unsigned f2op = (op >> 7) & 7;
    if (!format1 && ((op & 0xFC00) != 0x1000 || f2op > kPush)) return &Cpu::exec_x_illegal;
    // Data length: A/L (extension word bit 6) with B/W (SLAU367 Table 4-11); A/L = B/W = 0 is
    // reserved except for SWPBX.A and SXTX.A (note under Table 4-12).
    const bool bw = op & 0x40;
    unsigned size;
    if (al) {
      size = bw ? kXByte : kXWord;
    } else if (bw || (!format1 && (f2op == kSwpb || f2op == kSxt))) {
      size = kXAddr;
    } else {
      return &Cpu::exec_x_illegal;
    }
    const unsigned as = (op >> 4) & 3;
    if (format1) {
      const unsigned smode = classify_source(as, (op >> 8) & 0xF).mode;
      const XMode dmode = classify_destination((op >> 7) & 1, op & 0xF).mode;
      const unsigned dindex = dmode == kXSpecialReg ? kDstModes - 1 : dmode;
      return f1[size][((op >> 12) - kMov) * kModes * kDstModes + smode * kDstModes + dindex];
    }
    return f2[size][f2op * kModes + classify_source(as, op & 0xF).mode];
  }
};

const Cpu::XHandler* Cpu::x_dispatch_table() {
  static const std::vector<XHandler> table = [] {
    std::vector<XHandler> t(2 * kXTableAlOffset);
    for (unsigned op = 0; op < kXTableAlOffset; ++op) {
      t[op] = CpuXDispatch::decode(false, op);
      t[kXTableAlOffset + op] = CpuXDispatch::decode(true, op);
    }
    return t;
  }();
  return table.data();
}

// The instruction word in another line than the extension word (a 4-byte instruction across an
// 8-byte line: a quarter of them in 2-byte aligned code). On a plain FRAM page its fetch cannot
// fault, and it makes its line the next opcode's shortcut (Bus::fetch_fram_word); when it added
// no wait states, the handler is entered as from exec_extended, with the instruction's start.
template <bool kAL>
__attribute__((noinline)) HandlerResult Cpu::exec_extended_fetch(Cpu& c, unsigned ext,
                                                                 unsigned pc_after_ext,
                                                                 uint64_t now) {
  if (c.fetch_page_[pc_after_ext >> Bus::kPageShift] != kFetchFram) {
    return CpuXDispatch::fetch_through_bus<kAL>(c, ext, pc_after_ext, now);
  }
  c.ctx_.cycles = now;  // a cache miss adds wait states
  const unsigned op = c.bus_.fetch_fram_word(pc_after_ext);
  const uint32_t pc = (pc_after_ext + 2) & kAddrMask;
  c.regs_[kPC] = pc;
  const XHandler handler = c.x_dispatch_[(kAL ? kXTableAlOffset : 0) + op];
  if (__builtin_expect(c.ctx_.cycles == now && handler != &exec_x_illegal, 1)) {
    return handler(c, ext, pc, now, op);
  }
  return CpuXDispatch::after_fetch(c, ext, op, pc, now, handler);
}

// MOVA, CMPA, ADDA, SUBA and RRCM/RRAM/RLAM/RRUM: opcodes 0x0000-0x0FFF (SLAU367 §4.6.1).
//   kDst: the kind of register in bits 3:0 (AddressDst; always kAGeneral for the forms whose bits
// 3:0 are an address or a base register), so that the usual destination needs no test of its
// number.
//   kDirect: the table's instance of all but the indexed and absolute forms. When Rdst is not SR
// and the operand of MOVA @Rsrc(+) (RETA) is on one SRAM page or the immediate of a #imm20 form in
// the fetch line (Bus::fetch_line()), the instruction cannot fault or wait: it reads the image
// directly and, like a register-only handler, returns its table cycles. Otherwise it runs the
// instance that goes through the bus (and writes SR).
template <unsigned kForm, bool kDirect, unsigned kDst, bool kInLine>
__attribute__((noinline)) HandlerResult Cpu::exec_address(Cpu& c, unsigned op,
                                                          unsigned pc_after_opcode, uint64_t now) {
  constexpr unsigned kind = kForm;  // bits 7:4
  uint32_t pc = pc_after_opcode;
  auto& regs = c.regs_;
  const unsigned hi = (op >> 8) & 0xF;  // Rsrc, or bits 19:16 of an address or immediate
  const unsigned dst = op & 0xF;
  const uint8_t* operand = nullptr;  // kDirect, MOVA @Rsrc(+): the operand in the image
  if constexpr (kDirect) {
    const bool writes_sr =
        kDst == kASrCg && dst == kSR && !(kind >= 8 && (kind & 3) == 1);  // all but CMPA do
    bool direct = !writes_sr;
    if (kind <= 1) {
      direct = direct && !(regs[hi] & 1) && (operand = c.bus_.sram_block(regs[hi], 4, 2));
    } else if (kind >= 8 && kind <= 0xB) {
      direct = direct && c.word_after_opcode_in_line<kInLine>(pc);
    }
    if (!direct) return exec_address<kForm, false, kDst>(c, op, pc_after_opcode, now);
  }
  // RxxM and the Rsrc forms use registers only: like cpu.cpp's register-only handlers they leave
  // ctx.cycles alone and return their table cycles.
  constexpr bool register_only = kind == 0x4 || kind == 0x5 || kind >= 0xC || kDirect;
  if (!register_only) c.begin_bus_instruction(op, pc_after_opcode, now);
  const auto fetch_word = [&c, &pc, op] {
    if (!kDirect) return c.fetch_ext(pc);
    const uint16_t w = c.take_word_after_opcode<kInLine>(op, pc);
    pc = (pc + 2) & kAddrMask;
    c.regs_[kPC] = pc;
    return w;
  };
  const auto read_reg = [&c](unsigned r) {
    return r == kSR ? uint32_t(c.sr()) : reg20(c.regs_, r);
  };
  const auto read_dst = [&c, &read_reg, dst] {
    return kDst == kAGeneral ? reg20(c.regs_, dst) : read_reg(dst);
  };
  // A 20-bit register result: PC branches, SR takes it as a status word (never in the kDirect
  // instance), R3 ignores it.
  const auto write_reg = [&c, &pc](unsigned r, uint32_t v) {
    v &= kAddrMask;
    if (kDst == kAGeneral) {
      c.regs_[r] = v;
    } else if (kDst == kAPc) {
      c.regs_[kPC] = v;
      pc = v;
    } else if (!kDirect && r == kSR) {
      c.write_sr(uint16_t(v));
    } else if (r != kCG) {
      c.regs_[r] = v;
    }
  };
  using namespace cycles;
  constexpr bool to_pc = kDst == kAPc;
  unsigned cyc = 0;
  switch (kind) {
    case 0x0:    // MOVA @Rsrc,Rdst
    case 0x1: {  // MOVA @Rsrc+,Rdst (RETA is MOVA @SP+,PC)
      const uint32_t addr = regs[hi];
      const uint32_t v = kDirect ? load_image<kXAddr>(operand) : c.x_read<kXAddr>(addr);
      if (kind == 1) regs[hi] = (addr + 4) & kAddrMask;
      write_reg(dst, v);
      cyc = kAddressInstr[kind == 0 ? kAMovaInd : kAMovaIndInc][to_pc];
      break;
    }
    case 0x2:    // MOVA &abs20,Rdst
    case 0x3: {  // MOVA x(Rsrc),Rdst: 16-bit signed index, 20-bit sum
      uint32_t addr;
      if (kind == 2) {
        addr = (uint32_t(hi) << 16) | c.fetch_ext(pc);
      } else {
        const uint32_t base =
            hi == kPC ? pc : regs[hi];  // symbolic: PC is the index word's address
        addr = (base + sign_extend16(c.fetch_ext(pc))) & kAddrMask;
      }
      write_reg(dst, c.x_read<kXAddr>(addr));
      cyc = kAddressInstr[kAMovaMem][to_pc];
      break;
    }
    case 0x4:    // RRCM.A, RRAM.A, RLAM.A, RRUM.A
    case 0x5: {  // the same, .W
      const unsigned n = ((op >> 10) & 3) + 1;
      const unsigned shift_op = (op >> 8) & 3;
      constexpr unsigned size = kind == 4 ? kXAddr : kXWord;
      constexpr uint32_t mask = kSizeMask[size];
      constexpr uint32_t msb = kSizeMsb[size];
      uint32_t v = read_dst() & mask;
      bool carry = c.carry();
      for (unsigned i = 0; i < n; ++i) {
        if (shift_op == 2) {  // RLAM: C = the bit shifted out at the top
          carry = v & msb;
          v = (v << 1) & mask;
        } else {  // RRCM, RRAM, RRUM: C = the bit shifted out at the bottom
          const bool top = shift_op == 0 ? carry : shift_op == 1 ? bool(v & msb) : false;
          carry = v & 1;
          v = (v >> 1) | (top ? msb : 0);
        }
      }
      // V: reset by RRCM/RRAM/RRUM, undefined for RLAM (SLAU367 §4.6.3): modelled as 0.
      c.set_x_flags<size>(v, carry, 0);
      write_reg(dst, v);
      cyc = n;  // Table 4-17: n cycles
      break;
    }
    case 0x6: {  // MOVA Rsrc,&abs20
      const uint32_t addr = ((uint32_t(dst) << 16) | c.fetch_ext(pc)) & kAddrMask;
      c.x_write<kXAddr>(addr, read_reg(hi));
      cyc = kAddressInstr[kAMovaRegToMem][0];
      break;
    }
    case 0x7: {  // MOVA Rsrc,x(Rdst)
      const uint32_t base = dst == kPC ? pc : regs[dst];
      const uint32_t addr = (base + sign_extend16(c.fetch_ext(pc))) & kAddrMask;
      c.x_write<kXAddr>(addr, read_reg(hi));
      cyc = kAddressInstr[kAMovaRegToMem][0];
      break;
    }
    default: {  // 0x8-0xB: #imm20 forms; 0xC-0xF: Rsrc forms. MOVA, CMPA, ADDA, SUBA.
      const bool imm = kind < 0xC;
      const uint32_t src = imm ? ((uint32_t(hi) << 16) | fetch_word()) : read_reg(hi);
      const unsigned arith = kind & 3;  // 0 MOVA, 1 CMPA, 2 ADDA, 3 SUBA
      if (arith == 0) {
        write_reg(dst, src);
        cyc = kAddressInstr[imm ? kAMovaImm : kAMovaReg][to_pc];
        break;
      }
      // 20-bit arithmetic; flags as for ADD/SUB/CMP with the MSB at bit 19 (SLAU367 ADDA, CMPA,
      // SUBA).
      const uint32_t d = read_dst() & kAddrMask;
      const uint32_t sv = arith == 2 ? (src & kAddrMask) : (~src & kAddrMask);
      const uint32_t r = sv + d + (arith == 2 ? 0 : 1);
      const uint32_t res = r & kAddrMask;
      c.set_x_flags_of_sum<kXAddr>(r, (sv ^ r) & (d ^ r));
      if (arith != 1) write_reg(dst, res);
      cyc = kAddressInstr[imm ? kAArithImm : kAArithReg][to_pc];
      break;
    }
  }
  if (register_only) return handler_result(pc, cyc);
  c.ctx_.cycles += cyc;
  return handler_result(pc, c.ctx_.cycles - now);
}

Cpu::Handler Cpu::address_handler(unsigned op, bool in_line) {
  // Forms 2, 3, 6 and 7 may fault or wait (their operand is anywhere in memory): no kDirect
  // instance. Forms 6 and 7 write memory, their bits 3:0 are not a destination register.
  static constexpr Handler kHandlers[16][3] = {
      {&exec_address<0x0, true, kAGeneral>, &exec_address<0x0, true, kAPc>,
       &exec_address<0x0, true, kASrCg>},
      {&exec_address<0x1, true, kAGeneral>, &exec_address<0x1, true, kAPc>,
       &exec_address<0x1, true, kASrCg>},
      {&exec_address<0x2, false, kAGeneral>, &exec_address<0x2, false, kAPc>,
       &exec_address<0x2, false, kASrCg>},
      {&exec_address<0x3, false, kAGeneral>, &exec_address<0x3, false, kAPc>,
       &exec_address<0x3, false, kASrCg>},
      {&exec_address<0x4, true, kAGeneral>, &exec_address<0x4, true, kAPc>,
       &exec_address<0x4, true, kASrCg>},
      {&exec_address<0x5, true, kAGeneral>, &exec_address<0x5, true, kAPc>,
       &exec_address<0x5, true, kASrCg>},
      {&exec_address<0x6, false, kAGeneral>, &exec_address<0x6, false, kAGeneral>,
       &exec_address<0x6, false, kAGeneral>},
      {&exec_address<0x7, false, kAGeneral>, &exec_address<0x7, false, kAGeneral>,
       &exec_address<0x7, false, kAGeneral>},
      {&exec_address<0x8, true, kAGeneral>, &exec_address<0x8, true, kAPc>,
       &exec_address<0x8, true, kASrCg>},
      {&exec_address<0x9, true, kAGeneral>, &exec_address<0x9, true, kAPc>,
       &exec_address<0x9, true, kASrCg>},
      {&exec_address<0xA, true, kAGeneral>, &exec_address<0xA, true, kAPc>,
       &exec_address<0xA, true, kASrCg>},
      {&exec_address<0xB, true, kAGeneral>, &exec_address<0xB, true, kAPc>,
       &exec_address<0xB, true, kASrCg>},
      {&exec_address<0xC, true, kAGeneral>, &exec_address<0xC, true, kAPc>,
       &exec_address<0xC, true, kASrCg>},
      {&exec_address<0xD, true, kAGeneral>, &exec_address<0xD, true, kAPc>,
       &exec_address<0xD, true, kASrCg>},
      {&exec_address<0xE, true, kAGeneral>, &exec_address<0xE, true, kAPc>,
       &exec_address<0xE, true, kASrCg>},
      {&exec_address<0xF, true, kAGeneral>, &exec_address<0xF, true, kAPc>,
       &exec_address<0xF, true, kASrCg>},
  };
  // The #imm20 forms in the table's first half (kOtherFetch).
  static constexpr Handler kInLineHandlers[4][3] = {
      {&exec_address<0x8, true, kAGeneral, true>, &exec_address<0x8, true, kAPc, true>,
       &exec_address<0x8, true, kASrCg, true>},
      {&exec_address<0x9, true, kAGeneral, true>, &exec_address<0x9, true, kAPc, true>,
       &exec_address<0x9, true, kASrCg, true>},
      {&exec_address<0xA, true, kAGeneral, true>, &exec_address<0xA, true, kAPc, true>,
       &exec_address<0xA, true, kASrCg, true>},
      {&exec_address<0xB, true, kAGeneral, true>, &exec_address<0xB, true, kAPc, true>,
       &exec_address<0xB, true, kASrCg, true>},
  };
  const unsigned r = op & 0xF;
  const unsigned dst = r == kPC ? kAPc : (r == kSR || r == kCG) ? kASrCg : kAGeneral;
  const unsigned form = (op >> 4) & 0xF;
  if (in_line && form >= 0x8 && form <= 0xB) return kInLineHandlers[form - 0x8][dst];
  return kHandlers[form][dst];
}

// CALLA (0x1340-0x13BF without 0x13A0-0x13AF; SLAU367 CALLA and §4.6.1): the 20-bit target is
// computed, PC (the return address) is pushed as two words (bits 19:16 first, at SP + 2, then bits
// 15:0 at SP), and PC takes the target.
//   kDirect: the table's instance of CALLA Rdst and CALLA #imm20. With the stack words on one SRAM
// page and the immediate in the fetch line, the instruction cannot fault or wait: it writes the
// image directly and returns its table cycles (as exec_address's kDirect instance).
template <unsigned kMode, bool kDirect, bool kInLine>
__attribute__((noinline)) HandlerResult Cpu::exec_calla(Cpu& c, unsigned op,
                                                        unsigned pc_after_opcode, uint64_t now) {
  uint32_t pc = pc_after_opcode;
  auto& regs = c.regs_;
  uint8_t* stack = nullptr;  // kDirect: the two words below SP in the image
  if constexpr (kDirect) {
    const uint32_t sp = (regs[kSP] - 4) & kAddrMask;
    const bool direct = (kMode != 0xB || c.word_after_opcode_in_line<kInLine>(pc)) && !(sp & 1) &&
                        (stack = c.bus_.sram_block(sp, 4, 2));
    if (!direct) return exec_calla<kMode, false>(c, op, pc_after_opcode, now);
  } else {
    c.begin_bus_instruction(op, pc_after_opcode, now);
  }
  constexpr unsigned mode = kMode;
  const unsigned r = op & 0xF;
  const auto read_reg = [&c](unsigned n) { return n == kSR ? uint32_t(c.sr()) : c.regs_[n]; };
  uint32_t target;
  unsigned cls;
  switch (mode) {
    case 0x4:  // CALLA Rdst
      target = read_reg(r);
      cls = cycles::kXF2Reg;
      break;
    case 0x5: {  // CALLA x(Rdst): 16-bit signed index
      const uint32_t base = r == kPC ? pc : regs[r];
      target = c.x_read<kXAddr>((base + sign_extend16(c.fetch_ext(pc))) & kAddrMask);
      cls = cycles::kXF2Idx;
      break;
    }
    case 0x6:  // CALLA @Rdst
      target = c.x_read<kXAddr>(regs[r]);
      cls = cycles::kXF2Ind;
      break;
    case 0x7:  // CALLA @Rdst+
      target = c.x_read<kXAddr>(regs[r]);
      regs[r] = (regs[r] + 4) & kAddrMask;
      cls = cycles::kXF2IndInc;
      break;
    case 0x8:  // CALLA &abs20
      target = c.x_read<kXAddr>(((uint32_t(r) << 16) | c.fetch_ext(pc)) & kAddrMask);
      cls = cycles::kXF2Abs;
      break;
    case 0x9: {  // CALLA EDE: PC-relative 20-bit index, PC = the index word's address
      const uint32_t base = pc;
      target = c.x_read<kXAddr>((base + ((uint32_t(r) << 16) | c.fetch_ext(pc))) & kAddrMask);
      cls = cycles::kXF2Sym;
      break;
    }
    default:  // 0xB: CALLA #imm20
      if (kDirect) {
        target = (uint32_t(r) << 16) | c.take_word_after_opcode<kInLine>(op, pc);
        pc = (pc + 2) & kAddrMask;
      } else {
        target = (uint32_t(r) << 16) | c.fetch_ext(pc);
      }
      cls = cycles::kXF2Imm;
      break;
  }
  regs[kSP] = (regs[kSP] - 4) & kAddrMask;
  regs[kPC] = target & kAddrMask;
  if (kDirect) {
    store_image<kXAddr>(stack, pc);
    return handler_result(regs[kPC], cycles::kXCalla[cls]);
  }
  c.x_write<kXAddr>(regs[kSP], pc);
  // Table 4-17 footnote [1]: CALLA x(SP) takes one cycle more.
  c.ctx_.cycles += cycles::kXCalla[cls] + (mode == 0x5 && r == kSP);
  return handler_result(regs[kPC], c.ctx_.cycles - now);
}

Cpu::Handler Cpu::calla_handler(unsigned op, bool in_line) {
  if (in_line && ((op >> 4) & 0xF) == 0xB) return &exec_calla<0xB, true, true>;
  static constexpr Handler kHandlers[16] = {
      &exec_illegal,           &exec_illegal,           &exec_illegal,
      &exec_illegal,           &exec_calla<0x4, true>,  &exec_calla<0x5, false>,
      &exec_calla<0x6, false>, &exec_calla<0x7, false>, &exec_calla<0x8, false>,
      &exec_calla<0x9, false>, &exec_illegal,           &exec_calla<0xB, true>,
      &exec_illegal,           &exec_illegal,           &exec_illegal,
      &exec_illegal,
  };
  return kHandlers[(op >> 4) & 0xF];
}

// PUSHM.A/.W #n,Rdst push Rdst, Rdst-1 ... Rdst-n+1; POPM.A/.W #n,Rdst (encoded as Rdst-n+1) pop
// Rdst-n+1 ... Rdst (SLAU367 PUSHM, POPM; §4.6.1). A .A register takes two words (bits 15:0 at
// the lower address); POPM.W clears bits 19:16.
//   The usual case, R4-R15 to or from a stack in SRAM, copies the registers to or from the image
// directly: it cannot fault or wait, so like a register-only handler it returns its table cycles.
// The table has one instance per count n (opcode bits 7:4), so the copy is unrolled and the
// compiler need not guard it against regs_ overlapping the image.
template <bool kPop, bool kWord, unsigned kCount>
HandlerResult Cpu::exec_pushm_popm(Cpu& c, unsigned op, unsigned pc_after_opcode, uint64_t now) {
  constexpr unsigned n = kCount;
  const unsigned r = op & 0xF;
  constexpr unsigned step = kWord ? 2 : 4;
  const uint32_t sp = c.regs_[kSP];
  constexpr uint32_t bytes = n * step;
  const uint32_t block_start = kPop ? sp : (sp - bytes) & kAddrMask;
  // R4-R15 only (no PC, SP, SR or R3): PUSHM's registers end at Rdst, POPM's start there.
  const bool general_registers = kPop ? r >= 4 && r + n <= 16 : r >= n + 3;
  const unsigned lowest = kPop ? r : r + 1 - n;
  uint8_t* const block = general_registers && !(sp & 1)
                             ? c.bus_.sram_block(block_start, bytes, n * (step / 2))
                             : nullptr;
  if (!block) return exec_pushm_popm_bus<kPop, kWord>(c, op, pc_after_opcode, now);
  // The lowest register is at the lowest address. Through a local copy, so that the stores to
  // one side are not taken as possible changes of the other.
  constexpr unsigned size = kWord ? kXWord : kXAddr;
  uint32_t* const regs = c.regs_.data() + lowest;
  uint32_t values[n];
  for (unsigned i = 0; i < n; ++i) values[i] = kPop ? load_image<size>(block + i * step) : regs[i];
  for (unsigned i = 0; i < n; ++i) {
    if (kPop) {
      regs[i] = values[i];
    } else {
      store_image<size>(block + i * step, values[i]);
    }
  }
  c.regs_[kSP] = kPop ? (sp + bytes) & kAddrMask : block_start;
  return handler_result(pc_after_opcode, cycles::kPushmPopmBase + (kWord ? n : 2 * n));
}

// Any registers, any memory: word by word through the bus.
template <bool kPop, bool kWord>
__attribute__((noinline)) HandlerResult Cpu::exec_pushm_popm_bus(Cpu& c, unsigned op,
                                                                 unsigned pc_after_opcode,
                                                                 uint64_t now) {
  c.begin_bus_instruction(op, pc_after_opcode, now);
  uint32_t pc = pc_after_opcode;
  auto& regs = c.regs_;
  constexpr bool pop = kPop;
  constexpr bool word = kWord;
  const unsigned n = ((op >> 4) & 0xF) + 1;
  const unsigned r = op & 0xF;
  constexpr unsigned size = word ? kXWord : kXAddr;
  constexpr unsigned step = word ? 2 : 4;
  for (unsigned i = 0; i < n; ++i) {
    if (pop) {
      const unsigned reg = (r + i) & 0xF;
      const uint32_t v = c.x_read<size>(regs[kSP]);
      regs[kSP] = (regs[kSP] + step) & kAddrMask;
      if (reg == kPC) {
        regs[kPC] = v;
        pc = v;
      } else if (reg == kSR) {
        c.write_sr(uint16_t(v));
      } else if (reg != kCG) {
        regs[reg] = v;
      }
    } else {
      const unsigned reg = (r - i) & 0xF;
      const uint32_t v = reg == kSR ? uint32_t(c.sr()) : regs[reg];
      regs[kSP] = (regs[kSP] - step) & kAddrMask;
      c.x_write<size>(regs[kSP], v);
    }
  }
  // Table 4-17: PUSHM/POPM 2 + n cycles, PUSHM.A/POPM.A 2 + 2n.
  c.ctx_.cycles += cycles::kPushmPopmBase + (word ? n : 2 * n);
  return handler_result(pc, c.ctx_.cycles - now);
}

// One handler per direction, length and count: [bits 9:8][n - 1].
struct CpuPushmPopmDispatch {
  using Handler = Cpu::Handler;
  template <bool kPop, bool kWord, unsigned... I>
  static constexpr std::array<Handler, 16> counts(std::integer_sequence<unsigned, I...>) {
    return {{&Cpu::exec_pushm_popm<kPop, kWord, I + 1>...}};
  }
  template <bool kPop, bool kWord>
  static constexpr std::array<Handler, 16> of() {
    return counts<kPop, kWord>(std::make_integer_sequence<unsigned, 16>{});
  }
};

Cpu::Handler Cpu::pushm_popm_handler(unsigned op) {
  using D = CpuPushmPopmDispatch;
  static constexpr std::array<std::array<Handler, 16>, 4> kHandlers = {
      D::of<false, false>(), D::of<false, true>(), D::of<true, false>(), D::of<true, true>()};
  return kHandlers[(op >> 8) & 3][(op >> 4) & 0xF];
}

}  // namespace ehsim::mcu

// The MSP430X instructions of the CPUXV2 (SLAU367 §4.5.2 "MSP430X Extended Instructions", §4.6
// instruction descriptions, §4.6.1 "Extended Instruction Binary Descriptions"): extension words
// with Format I and II instructions (20-bit operands, repeat counts), the address instructions
// (MOVA, CMPA, ADDA, SUBA, RRCM, RRAM, RLAM, RRUM), PUSHM/POPM and CALLA. These are rarer than the
// 16-bit instructions, so they are decoded at run time from the opcode word (one handler per group
// in the dispatch table) instead of being specialised per opcode like cpu.cpp's handlers.
// Cycle counts: cycle_table.h, SLAU367 Tables 4-17, 4-18 and 4-19.
#include <array>
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
// the constant generators, Table 4-2).
enum XMode : unsigned { kXReg, kXIdx, kXSym, kXAbs, kXInd, kXIndInc, kXImm, kXConst };

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
XOperand classify_source(unsigned as, unsigned reg) {
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

XOperand classify_destination(unsigned ad, unsigned reg) {
  using O = XOperand;
  if (ad == 0) return O{kXReg, reg};
  return reg == kPC ? O{kXSym, reg} : reg == kSR ? O{kXAbs, reg} : O{kXIdx, reg};
}

bool in_memory(XMode m) {
  return m == kXIdx || m == kXSym || m == kXAbs || m == kXInd || m == kXIndInc;
}

// Table 4-18 source rows and Table 4-17 columns.
unsigned x_src_class(XMode m) {
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
unsigned x_f2_class(XMode m) {
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

uint32_t sign_extend16(uint16_t x) {
  return uint32_t(int32_t(int16_t(x)));
}
}  // namespace

// The address of a memory operand; fetches its index or address word. high_bits are the operand's
// bits 19:16 from the extension word (0 for instructions without one). MSP430X indexed and
// symbolic addresses are Rn/PC + a 20-bit index, wrapping in 1 MB (SLAU367 §4.4.2.3, §4.4.3.3);
// PC is the address of the index word, as for MSP430 instructions. Absolute: the 20-bit address
// (§4.4.4.3).
uint32_t Cpu::x_address(const XOperand& o, uint32_t& pc, uint32_t high_bits) {
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

// 20-bit data in memory is two words, bits 15:0 at the address and bits 19:16 in the low bits of
// the next word (SLAU367 §4.3 / MOVA and PUSHM.A descriptions).
uint32_t Cpu::x_read(uint32_t addr, unsigned size) {
  if (size == kXByte) return bus_.read_byte(addr);
  const uint32_t low = bus_.read_word(addr);
  if (size == kXWord) return low;
  return low | ((bus_.read_word((addr + 2) & kAddrMask) & 0xFu) << 16);
}

void Cpu::x_write(uint32_t addr, uint32_t value, unsigned size) {
  if (size == kXByte) {
    bus_.write_byte(addr, uint8_t(value));
    return;
  }
  bus_.write_word(addr, uint16_t(value));
  if (size == kXAddr) bus_.write_word((addr + 2) & kAddrMask, uint16_t((value >> 16) & 0xF));
}

namespace {
// Post-increment of @Rn+ for a size: 1, 2 or 4; SP stays even (SLAU367 §4.3.2).
uint32_t increment(unsigned size, unsigned reg) {
  return size == kXByte ? (reg == kSP ? 2 : 1) : size == kXWord ? 2 : 4;
}
}  // namespace

// The extension word's handler: fetches the instruction word after it and dispatches on that.
uint32_t Cpu::exec_extended(Cpu& c, unsigned ext, unsigned pc_after_ext, uint64_t now) {
  c.begin_bus_instruction(ext, pc_after_ext, now);
  uint32_t pc = pc_after_ext;
  const unsigned op = c.fetch_ext(pc);
  return c.x_dispatch_[op](c, ext, op, pc, now);
}

// Jumps, CALL, RETI and the MSP430X opcodes take no extension word.
uint32_t Cpu::exec_x_illegal(Cpu& c, unsigned ext, unsigned, uint32_t, uint64_t) {
  c.illegal(uint16_t(ext));
  return handler_result(c.regs_[kPC], 0);
}

// An extended Format I (kFormat1, kOp = bits 15:12) or Format II (kOp = bits 9:7) instruction
// word `op` after the extension word `ext`; pc is the address after `op`. The operand modes are
// template constants, so the operand code below folds to the instruction's own modes.
template <bool kFormat1, unsigned kOp, unsigned kSrcMode, unsigned kDstMode>
uint32_t Cpu::exec_x(Cpu& c, unsigned ext, unsigned op, uint32_t pc, uint64_t now) {
  auto& regs = c.regs_;
  constexpr bool format1 = kFormat1;
  constexpr unsigned f2op = kOp;
  // Data length: A/L (extension word bit 6) with B/W (SLAU367 Table 4-11); A/L = B/W = 0 is
  // reserved except for SWPBX.A and SXTX.A (note under Table 4-12).
  const bool al = ext & 0x40;
  const bool bw = op & 0x40;
  unsigned size;
  if (al) {
    size = bw ? kXByte : kXWord;
  } else if (bw) {
    size = kXAddr;
  } else if (!format1 && (f2op == kSwpb || f2op == kSxt)) {
    size = kXAddr;
  } else {
    return exec_x_illegal(c, ext, op, pc, now);
  }
  const uint32_t mask = kSizeMask[size];
  const uint32_t msb = kSizeMsb[size];
  // Register mode (Format I: As = 00 and Ad = 0; Format II: As = 00) uses the register-mode
  // extension word: ZC (bit 8), # (bit 7) and the repetition count in bits 3:0 (SLAU367 Table
  // 4-11); other modes carry source bits 19:16 in bits 10:7 and destination bits 19:16 in bits 3:0
  // (Table 4-12). A Format II operand takes bits 10:7, as a source does.
  constexpr bool register_mode = kSrcMode == kXReg && (!format1 || kDstMode == kXReg);
  unsigned repeat = 1;
  bool zero_carry = false;
  if (register_mode) {
    repeat = ((ext & 0x80) ? regs[ext & 0xF] : ext) % 16 + 1;
    zero_carry = ext & 0x100;
  }
  const unsigned as = (op >> 4) & 3;
  const uint32_t src_high = (ext >> 7) & 0xF;
  const uint32_t dst_high = ext & 0xF;
  const auto read_reg = [&c](unsigned r) { return r == kSR ? uint32_t(c.sr()) : c.regs_[r]; };
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
        const uint32_t v = c.x_read(*addr, size) & mask;
        if (o.mode == kXIndInc) regs[o.reg] = (*addr + increment(size, o.reg)) & kAddrMask;
        return v;
      }
    }
  };
  // Register results: .B clears bits 19:8, .W bits 19:16 (SLAU367 §4.4.1); PC takes the result,
  // SR takes it after the flags, R3 ignores it.
  const auto write_reg = [&c](unsigned r, uint32_t v) {
    if (r == kSR) {
      c.write_sr(uint16_t(v));
    } else if (r != kCG) {
      c.regs_[r] = v;
    }
  };

  if (!format1) {
    const unsigned reg = op & 0xF;
    const XOperand o{XMode(kSrcMode), reg, kCgValues[((reg & 1) << 2) | as]};
    const unsigned cls = x_f2_class(o.mode);
    const bool a = size == kXAddr;
    if (f2op == kPush) {
      // PUSHX (SLAU367 PUSHX): SP - 2 (.B/.W) or SP - 4 (.A), then the operand to @SP. The
      // operand is read before SP changes. Table 4-17: PUSHX X(SP) takes one cycle more.
      for (unsigned i = 0; i < repeat; ++i) {
        uint32_t addr = 0;
        const uint32_t v = read_operand(o, src_high, &addr);
        regs[kSP] = (regs[kSP] - (a ? 4 : 2)) & kAddrMask;
        c.x_write(regs[kSP], v, size);
        c.ctx_.cycles += cycles::kXPushx[cls][a] + (o.mode == kXIdx && o.reg == kSP);
      }
      return handler_result(pc, unsigned(c.ctx_.cycles - now));
    }
    uint32_t addr = 0;
    uint32_t res = 0;
    for (unsigned i = 0; i < repeat; ++i) {
      const uint32_t v = read_operand(o, src_high, &addr);
      switch (f2op) {
        case kRrc:
        case kRra: {
          // RRCX/RRAX/RRUX (RRUX is RRCX with ZC: a zero enters at the top).
          const bool cin = f2op == kRrc ? (!zero_carry && c.carry()) : (v & msb);
          res = (v >> 1) | (cin ? msb : 0);
          c.x_set_flags(v & 1, res == 0, res & msb, false);
          break;
        }
        case kSwpb:
          // SWPBX.A swaps bits 15:0 and keeps 19:16 (SLAU367 SWPBX); .W clears 19:16.
          res = (v & 0xF0000) | ((v << 8) & 0xFF00) | ((v >> 8) & 0xFF);
          break;
        default: {  // kSxt
          // SXTX extends bit 7 through bit 19 in a register (SLAU367 SXTX: "Rdst.19:8"), through
          // the operand's MSB in memory.
          const uint32_t ext_to = o.mode == kXReg ? 0xFFFFF : mask;
          res = (v & 0x80) ? (v | (ext_to & ~0x7Fu)) : (v & 0x7F);
          c.x_set_flags(res != 0, res == 0, res & msb, false);
          break;
        }
      }
      if (o.mode == kXReg) {
        if (o.reg == kPC) {
          regs[kPC] = res & kAddrMask;
          pc = regs[kPC];
        } else {
          write_reg(o.reg, res);
        }
      } else if (in_memory(o.mode)) {
        c.x_write(addr, res, size);
      }
    }
    // Table 4-17: RRAX/RRCX Rn take 1 + n cycles; SWPBX and SXTX have no row and are timed like
    // RRAX (Table 4-9 puts all four on one row for MSP430 instructions).
    c.ctx_.cycles += o.mode == kXReg ? 1 + repeat : cycles::kXShift[cls][a];
    return handler_result(pc, unsigned(c.ctx_.cycles - now));
  }

  // Format I.
  constexpr unsigned opc = kOp;
  const unsigned sreg = (op >> 8) & 0xF;
  const XOperand s{XMode(kSrcMode), sreg, kCgValues[((sreg & 1) << 2) | as]};
  const XOperand d{XMode(kDstMode), op & 0xF};
  uint32_t src_addr = 0;
  uint32_t dst_addr = 0;
  for (unsigned i = 0; i < repeat; ++i) {
    const uint32_t src = read_operand(s, src_high, &src_addr);
    uint32_t dst = 0;
    if (d.mode == kXReg) {
      dst = read_reg(d.reg) & mask;
    } else if (i == 0) {
      dst_addr = c.x_address(d, pc, dst_high);
      if (opc != kMov) dst = c.x_read(dst_addr, size) & mask;
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
        if (opc == kAddc || opc == kSubc) cin = zero_carry ? 0 : c.carry();
        const uint32_t r = sv + dst + cin;
        res = r & mask;
        c.x_set_flags((r >> kSizeBits[size]) & 1, res == 0, res & msb,
                      ((sv ^ r) & (dst ^ r) & msb) != 0);
        write = opc != kCmp;
        break;
      }
      case kDadd: {
        // 2, 4 or 5 BCD digits; V is undefined and kept (as for DADD in cpu.cpp).
        const unsigned bits = kSizeBits[size];
        const uint32_t sum = bcd_add(src, dst, zero_carry ? 0 : c.carry(), bits / 4);
        res = sum & mask;
        const uint32_t v = c.flag_v_;
        c.x_set_flags((sum >> bits) & 1, res == 0, res & msb, false);
        c.flag_v_ = v;
        break;
      }
      case kBit:
      case kAnd:
        res = src & dst;
        c.x_set_flags(res != 0, res == 0, res & msb, false);
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
        c.x_set_flags(res != 0, res == 0, res & msb, (src & dst & msb) != 0);
        break;
    }
    if (!write) continue;
    if (d.mode != kXReg) {
      c.x_write(dst_addr, res, size);
    } else if (d.reg == kPC) {
      regs[kPC] = res & kAddrMask;
      pc = regs[kPC];
    } else {
      write_reg(d.reg, res);
    }
  }
  // Table 4-18; footnote [1]: a repeated register-register instruction takes n + 1 cycles.
  const unsigned dcls = d.mode != kXReg ? cycles::kXDstMem
                        : d.reg == kPC  ? cycles::kXDstPc
                                        : cycles::kXDstReg;
  const unsigned scls = x_src_class(s.mode);
  unsigned cyc = cycles::kXFormat1[scls][dcls][size == kXAddr];
  if (dcls == cycles::kXDstMem && (opc == kMov || opc == kBit || opc == kCmp)) {
    cyc -= size == kXAddr ? cycles::kXFormat1MemDstNoWritebackA
                          : cycles::kXFormat1MemDstNoWriteback;  // footnotes [2], [3]
  }
  if (dcls == cycles::kXDstPc && scls != cycles::kXSrcReg && scls != cycles::kXSrcInd &&
      scls != cycles::kXSrcIndInc && (opc == kMov || opc == kAdd || opc == kSub)) {
    cyc -= cycles::kXFormat1PcDstFast;  // footnote [4]
  }
  if (register_mode && dcls == cycles::kXDstReg) cyc = repeat + 1;
  c.ctx_.cycles += cyc;
  return handler_result(pc, unsigned(c.ctx_.cycles - now));
}

// The table of exec_x instantiations, indexed by the word after an extension word.
struct CpuXDispatch {
  using XHandler = Cpu::XHandler;
  static constexpr unsigned kModes = 8;     // XMode
  static constexpr unsigned kDstModes = 4;  // kXReg, kXIdx, kXSym, kXAbs
  template <unsigned... I>
  static constexpr std::array<XHandler, sizeof...(I)> format1(
      std::integer_sequence<unsigned, I...>) {
    return {{&Cpu::exec_x<true, kMov + I / (kModes * kDstModes), (I / kDstModes) % kModes,
                          I % kDstModes>...}};
  }
  template <unsigned... I>
  static constexpr std::array<XHandler, sizeof...(I)> format2(
      std::integer_sequence<unsigned, I...>) {
    return {{&Cpu::exec_x<false, I / kModes, I % kModes, kXReg>...}};
  }
  static XHandler decode(unsigned op) {
    static constexpr auto f1 =
        format1(std::make_integer_sequence<unsigned, 12 * kModes * kDstModes>{});
    static constexpr auto f2 = format2(std::make_integer_sequence<unsigned, 5 * kModes>{});
    const unsigned as = (op >> 4) & 3;
    if ((op >> 12) >= kMov) {
      const unsigned smode = classify_source(as, (op >> 8) & 0xF).mode;
      const unsigned dmode = classify_destination((op >> 7) & 1, op & 0xF).mode;
      return f1[((op >> 12) - kMov) * kModes * kDstModes + smode * kDstModes + dmode];
    }
    const unsigned f2op = (op >> 7) & 7;
    if ((op & 0xFC00) != 0x1000 || f2op > kPush) return &Cpu::exec_x_illegal;
    return f2[f2op * kModes + classify_source(as, op & 0xF).mode];
  }
};

const Cpu::XHandler* Cpu::x_dispatch_table() {
  static const std::vector<XHandler> table = [] {
    std::vector<XHandler> t(0x10000);
    for (unsigned op = 0; op < 0x10000; ++op) t[op] = CpuXDispatch::decode(op);
    return t;
  }();
  return table.data();
}

// MOVA, CMPA, ADDA, SUBA and RRCM/RRAM/RLAM/RRUM: opcodes 0x0000-0x0FFF (SLAU367 §4.6.1).
template <unsigned kForm>
uint32_t Cpu::exec_address(Cpu& c, unsigned op, unsigned pc_after_opcode, uint64_t now) {
  constexpr unsigned kind = kForm;  // bits 7:4
  // RxxM and the Rsrc forms use registers only: like cpu.cpp's register-only handlers they leave
  // ctx.cycles alone and return their table cycles.
  constexpr bool register_only = kind == 0x4 || kind == 0x5 || kind >= 0xC;
  if (!register_only) c.begin_bus_instruction(op, pc_after_opcode, now);
  uint32_t pc = pc_after_opcode;
  auto& regs = c.regs_;
  const unsigned hi = (op >> 8) & 0xF;  // Rsrc, or bits 19:16 of an address or immediate
  const unsigned dst = op & 0xF;
  const auto read_reg = [&c](unsigned r) { return r == kSR ? uint32_t(c.sr()) : c.regs_[r]; };
  // A 20-bit register result: PC branches, SR takes it as a status word, R3 ignores it.
  const auto write_reg = [&c, &pc](unsigned r, uint32_t v) {
    v &= kAddrMask;
    if (r == kPC) {
      c.regs_[kPC] = v;
      pc = v;
    } else if (r == kSR) {
      c.write_sr(uint16_t(v));
    } else if (r != kCG) {
      c.regs_[r] = v;
    }
  };
  using namespace cycles;
  const bool to_pc = dst == kPC;
  unsigned cyc = 0;
  switch (kind) {
    case 0x0:    // MOVA @Rsrc,Rdst
    case 0x1: {  // MOVA @Rsrc+,Rdst (RETA is MOVA @SP+,PC)
      const uint32_t addr = regs[hi];
      const uint32_t v = c.x_read(addr, kXAddr);
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
      write_reg(dst, c.x_read(addr, kXAddr));
      cyc = kAddressInstr[kAMovaMem][to_pc];
      break;
    }
    case 0x4:    // RRCM.A, RRAM.A, RLAM.A, RRUM.A
    case 0x5: {  // the same, .W
      const unsigned n = ((op >> 10) & 3) + 1;
      const unsigned shift_op = (op >> 8) & 3;
      const unsigned size = kind == 4 ? kXAddr : kXWord;
      const uint32_t mask = kSizeMask[size];
      const uint32_t msb = kSizeMsb[size];
      uint32_t v = read_reg(dst) & mask;
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
      c.x_set_flags(carry, v == 0, v & msb, false);
      write_reg(dst, v);
      cyc = n;  // Table 4-17: n cycles
      break;
    }
    case 0x6: {  // MOVA Rsrc,&abs20
      const uint32_t addr = ((uint32_t(dst) << 16) | c.fetch_ext(pc)) & kAddrMask;
      c.x_write(addr, read_reg(hi), kXAddr);
      cyc = kAddressInstr[kAMovaRegToMem][0];
      break;
    }
    case 0x7: {  // MOVA Rsrc,x(Rdst)
      const uint32_t base = dst == kPC ? pc : regs[dst];
      const uint32_t addr = (base + sign_extend16(c.fetch_ext(pc))) & kAddrMask;
      c.x_write(addr, read_reg(hi), kXAddr);
      cyc = kAddressInstr[kAMovaRegToMem][0];
      break;
    }
    default: {  // 0x8-0xB: #imm20 forms; 0xC-0xF: Rsrc forms. MOVA, CMPA, ADDA, SUBA.
      const bool imm = kind < 0xC;
      const uint32_t src = imm ? ((uint32_t(hi) << 16) | c.fetch_ext(pc)) : read_reg(hi);
      const unsigned arith = kind & 3;  // 0 MOVA, 1 CMPA, 2 ADDA, 3 SUBA
      if (arith == 0) {
        write_reg(dst, src);
        cyc = kAddressInstr[imm ? kAMovaImm : kAMovaReg][to_pc];
        break;
      }
      // 20-bit arithmetic; flags as for ADD/SUB/CMP with the MSB at bit 19 (SLAU367 ADDA, CMPA,
      // SUBA).
      const uint32_t d = read_reg(dst) & kAddrMask;
      const uint32_t sv = arith == 2 ? (src & kAddrMask) : (~src & kAddrMask);
      const uint32_t r = sv + d + (arith == 2 ? 0 : 1);
      const uint32_t res = r & kAddrMask;
      c.x_set_flags((r >> 20) & 1, res == 0, res & 0x80000, ((sv ^ r) & (d ^ r) & 0x80000) != 0);
      if (arith != 1) write_reg(dst, res);
      cyc = kAddressInstr[imm ? kAArithImm : kAArithReg][to_pc];
      break;
    }
  }
  if (register_only) return handler_result(pc, cyc);
  c.ctx_.cycles += cyc;
  return handler_result(pc, unsigned(c.ctx_.cycles - now));
}

Cpu::Handler Cpu::address_handler(unsigned form) {
  static constexpr Handler kHandlers[16] = {
      &exec_address<0x0>, &exec_address<0x1>, &exec_address<0x2>, &exec_address<0x3>,
      &exec_address<0x4>, &exec_address<0x5>, &exec_address<0x6>, &exec_address<0x7>,
      &exec_address<0x8>, &exec_address<0x9>, &exec_address<0xA>, &exec_address<0xB>,
      &exec_address<0xC>, &exec_address<0xD>, &exec_address<0xE>, &exec_address<0xF>,
  };
  return kHandlers[form & 0xF];
}

// CALLA (0x1340-0x13BF without 0x13A0-0x13AF; SLAU367 CALLA and §4.6.1): the 20-bit target is
// computed, PC (the return address) is pushed as two words (bits 19:16 first, at SP + 2, then bits
// 15:0 at SP), and PC takes the target.
uint32_t Cpu::exec_calla(Cpu& c, unsigned op, unsigned pc_after_opcode, uint64_t now) {
  c.begin_bus_instruction(op, pc_after_opcode, now);
  uint32_t pc = pc_after_opcode;
  auto& regs = c.regs_;
  const unsigned mode = (op >> 4) & 0xF;
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
      target = c.x_read((base + sign_extend16(c.fetch_ext(pc))) & kAddrMask, kXAddr);
      cls = cycles::kXF2Idx;
      break;
    }
    case 0x6:  // CALLA @Rdst
      target = c.x_read(regs[r], kXAddr);
      cls = cycles::kXF2Ind;
      break;
    case 0x7:  // CALLA @Rdst+
      target = c.x_read(regs[r], kXAddr);
      regs[r] = (regs[r] + 4) & kAddrMask;
      cls = cycles::kXF2IndInc;
      break;
    case 0x8:  // CALLA &abs20
      target = c.x_read(((uint32_t(r) << 16) | c.fetch_ext(pc)) & kAddrMask, kXAddr);
      cls = cycles::kXF2Abs;
      break;
    case 0x9: {  // CALLA EDE: PC-relative 20-bit index, PC = the index word's address
      const uint32_t base = pc;
      target = c.x_read((base + ((uint32_t(r) << 16) | c.fetch_ext(pc))) & kAddrMask, kXAddr);
      cls = cycles::kXF2Sym;
      break;
    }
    default:  // 0xB: CALLA #imm20
      target = (uint32_t(r) << 16) | c.fetch_ext(pc);
      cls = cycles::kXF2Imm;
      break;
  }
  regs[kSP] = (regs[kSP] - 4) & kAddrMask;
  c.x_write(regs[kSP], pc, kXAddr);
  regs[kPC] = target & kAddrMask;
  // Table 4-17 footnote [1]: CALLA x(SP) takes one cycle more.
  c.ctx_.cycles += cycles::kXCalla[cls] + (mode == 0x5 && r == kSP);
  return handler_result(regs[kPC], unsigned(c.ctx_.cycles - now));
}

// PUSHM.A/.W #n,Rdst push Rdst, Rdst-1 ... Rdst-n+1; POPM.A/.W #n,Rdst (encoded as Rdst-n+1) pop
// Rdst-n+1 ... Rdst (SLAU367 PUSHM, POPM; §4.6.1). A .A register takes two words (bits 15:0 at
// the lower address); POPM.W clears bits 19:16.
template <bool kPop, bool kWord>
uint32_t Cpu::exec_pushm_popm(Cpu& c, unsigned op, unsigned pc_after_opcode, uint64_t now) {
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
      const uint32_t v = c.x_read(regs[kSP], size);
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
      c.x_write(regs[kSP], v, size);
    }
  }
  // Table 4-17: PUSHM/POPM 2 + n cycles, PUSHM.A/POPM.A 2 + 2n.
  c.ctx_.cycles += cycles::kPushmPopmBase + (word ? n : 2 * n);
  return handler_result(pc, unsigned(c.ctx_.cycles - now));
}

Cpu::Handler Cpu::pushm_popm_handler(unsigned op) {
  static constexpr Handler kHandlers[4] = {
      &exec_pushm_popm<false, false>, &exec_pushm_popm<false, true>, &exec_pushm_popm<true, false>,
      &exec_pushm_popm<true, true>};
  return kHandlers[(op >> 8) & 3];
}

}  // namespace ehsim::mcu

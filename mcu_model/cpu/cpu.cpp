// Interpreter for the MSP430 (16-bit) instructions as the CPUX executes them. Semantics: SLAU445
// ch. 4 / SLAU367 CPUX chapter (facts §1.6–1.12); cycle counts: cycle_table.h. The MSP430X
// instructions are in cpu_x.cpp.
#include "mcu_model/cpu/cpu.h"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "mcu_model/cpu/cpu_internal.h"
#include "mcu_model/cpu/cycle_table.h"

namespace ehsim::mcu {

namespace {
constexpr uint16_t kResetVectorAddr = 0xFFFE;

enum : unsigned {
  kOpMov = 4,
  kOpAdd,
  kOpAddc,
  kOpSubc,
  kOpSub,
  kOpCmp,
  kOpDadd,
  kOpBit,
  kOpBic,
  kOpBis,
  kOpXor,
  kOpAnd
};
enum : unsigned { kOpRrc, kOpSwpb, kOpRra, kOpSxt, kOpPush, kOpCall, kOpReti };

// Handlers get the cycle count at the start of the instruction (`now`) in a register; ctx.cycles
// may be stale on entry. A handler that touches the bus (operands in memory, extension words, the
// stack) or may raise a fault first stores `now` into ctx.cycles, so peripherals and fault
// reports see exact time, and records the instruction for fault reports (insn_pc_/insn_op_); it
// returns ctx.cycles - now, which includes wait states. A handler that only uses registers and
// constants ("register-only") does neither and returns its table cycles: no memory traffic for
// the cycle count on the most frequent instructions.

}  // namespace

Cpu::Cpu(Bus& bus, McuContext& ctx)
    : bus_(bus), ctx_(ctx), dispatch_(dispatch_table()), x_dispatch_(x_dispatch_table()) {}

void Cpu::power_on_reset() {
  regs_.fill(0);
  puc();
}

void Cpu::puc() {
  set_sr(0);
  regs_[kPC] = bus_.peek_word(kResetVectorAddr);
  ie_delay_ = false;
  resume_breakpoint_pc_ = kNoResumeBreakpoint;
}

void Cpu::add_breakpoint(uint32_t addr) {
  addr &= kAddrMask;
  if (std::find(breakpoints_.begin(), breakpoints_.end(), addr) == breakpoints_.end())
    breakpoints_.push_back(addr);
  breakpoint_bits_[addr >> 6] |= uint64_t{1} << (addr & 63);
  fetch_pages_layout_ = kFetchPagesStale;
}
void Cpu::clear_breakpoints() {
  breakpoints_.clear();
  breakpoint_bits_.fill(0);
  fetch_pages_layout_ = kFetchPagesStale;
}

void Cpu::refresh_fetch_pages() {
  // Not the last page: the fast loop reads a word beyond each opcode it fetches from FRAM.
  for (unsigned page = 0; page + 1 < fetch_page_.size(); ++page)
    fetch_page_[page] = bus_.is_fram_page(page) ? kFetchFram : kFetchOther;
  fetch_page_.back() = kFetchOther;
  for (const uint32_t addr : breakpoints_) fetch_page_[addr >> Bus::kPageShift] = kFetchBreakpoint;
  fetch_pages_layout_ = bus_.layout_version();
  bus_.clear_fetch_line();  // its page may hold a breakpoint now
}

EHSIM_ALWAYS_INLINE bool Cpu::at_breakpoint(uint32_t pc) const {
  return (breakpoint_bits_[pc >> 6] >> (pc & 63)) & 1;
}

void Cpu::write_sr(uint16_t value) {
  // EINT (BIS #GIE,SR) lets the next instruction run before a pending interrupt (SLAU445 4.2).
  if (!(regs_[kSR] & kSrGIE) && (value & kSrGIE)) ie_delay_ = true;
  // The inner run loop must leave for the EINT delay and for CPUOFF (GIE can only become set
  // through the delay). Flag-only writes such as CLRC/SETC, frequent in compiled code, stay in it.
  if (ie_delay_ || (value & kSrCPUOFF)) bus_.set_attention();
  set_sr(value);
}

void Cpu::illegal(uint16_t op) {
  bus_.set_attention();  // the fault stops the run
  const bool fresh = ctx_.fault.kind == FaultKind::kNone;
  ctx_.raise_fault(FaultKind::kIllegalInstruction, insn_pc_);
  if (fresh) {
    ctx_.fault.pc = insn_pc_;
    ctx_.fault.opcode = op;
  }
  regs_[kPC] = insn_pc_;  // the instruction is not executed
}

void Cpu::accept_interrupt(int vector) {
  // A fault on the way (the stack in vacant memory) is reported at the interrupted instruction.
  insn_pc_ = regs_[kPC];
  insn_op_ = bus_.peek_word(regs_[kPC]);
  // SLAU445 1.3.4.1 (facts §1.12): push PC, push SR, clear SR except SCG0, load the vector. The
  // CPUX pushes PC bits 15:0, then SR with PC bits 19:16 in its bits 15:12 (SLAU367 §4.2.1,
  // Figure "PC and SR storage on the stack"); the vector holds a 16-bit address.
  const uint32_t pc = regs_[kPC];
  regs_[kSP] = (regs_[kSP] - 2) & kAddrMask;
  bus_.write_word(regs_[kSP], uint16_t(pc));
  regs_[kSP] = (regs_[kSP] - 2) & kAddrMask;
  bus_.write_word(regs_[kSP], uint16_t((sr() & 0x0FFF) | ((pc >> 4) & 0xF000)));
  set_sr(uint16_t(regs_[kSR] & kSrSCG0));
  regs_[kPC] = bus_.read_word(vector_address(vector));
  ctx_.cycles += cycles::kInterruptAccept;
  ctx_.irq.acknowledge(vector);
}

namespace {
// Source operand kinds (Format I source, Format II operand), fixed per opcode word by As and the
// register (facts §1.7, §1.8).
enum SrcKind : unsigned {
  kSReg,     // Rn, n != 2 (R3 with As=00 reads the #0 constant: R3 is kept at 0)
  kSSr,      // R2 (SR) as a register: the lazy flags are packed into its value
  kSConst,   // constant generator: R3 As=01/10/11, R2 As=10/11
  kSIdx,     // X(Rn), incl. symbolic X(PC)
  kSAbs,     // &EDE: X(SR) with SR reading as 0
  kSInd,     // @Rn
  kSIndInc,  // @Rn+
  kSImm,     // #N (@PC+)
  kSrcKinds
};
// Format I destination kinds. Register destinations are split so the common case needs no test of
// the register number: R0 (a write is a branch, timed separately by Table 4-10), R2/R3 (SR write
// side effects, reads pack the lazy flags), R3 (ignores writes) and R1, R4-R15.
enum DstKind : unsigned { kDReg, kDPc, kDSr, kDCg, kDIdx, kDAbs, kDstKinds };

// Operands that need no bus access (see "register-only" handlers above).
constexpr bool register_only_src(unsigned kind) {
  return kind == kSReg || kind == kSSr || kind == kSConst;
}

constexpr SrcKind classify_src(unsigned as, unsigned reg) {
  switch (as) {
    case 0:
      return reg == kSR ? kSSr : kSReg;
    case 1:
      return reg == kCG ? kSConst : reg == kSR ? kSAbs : kSIdx;
    case 2:
      return (reg == kSR || reg == kCG) ? kSConst : kSInd;
    default:
      return (reg == kSR || reg == kCG) ? kSConst : reg == kPC ? kSImm : kSIndInc;
  }
}

// Value of a constant-generator source (SLAU445 Table 4-2), indexed by the register (bit 2: R3,
// else R2) and As: a table lookup instead of branches on the opcode bits. reg is 2 or 3.
constexpr uint16_t kCgValues[8] = {0, 0, 4, 8, 0, 1, 2, 0xFFFF};
EHSIM_ALWAYS_INLINE uint32_t cg_value(uint16_t op, unsigned reg) {
  return kCgValues[((reg & 1) << 2) | ((op >> 4) & 3)];
}

constexpr unsigned f1_src_class(unsigned kind) {
  switch (kind) {
    case kSIdx:
    case kSAbs:
      return cycles::kSrcIdx;
    case kSInd:
      return cycles::kSrcInd;
    case kSIndInc:
      return cycles::kSrcIndInc;
    case kSImm:
      return cycles::kSrcImm;
    default:
      return cycles::kSrcReg;
  }
}

constexpr unsigned f2_class(unsigned kind) {
  switch (kind) {
    case kSIdx:
      return cycles::kF2Idx;
    case kSAbs:
      return cycles::kF2Abs;
    case kSInd:
      return cycles::kF2Ind;
    case kSIndInc:
      return cycles::kF2IndInc;
    case kSImm:
      return cycles::kF2Imm;
    default:
      return cycles::kF2Reg;
  }
}
}  // namespace

template <unsigned cond>
HandlerResult Cpu::exec_jump(Cpu& c, unsigned op, unsigned pc, uint64_t) {
  // The conditions read the lazy flags directly (see flag_nzc_ in cpu.h).
  const uint32_t f = c.flag_nzc_;
  const auto n_xor_v = [&c, f] { return ((f | (f >> 2)) ^ c.flag_v_) & 0x8000; };
  bool taken;
  switch (cond) {
    case 0:
      taken = (f & 0xFFFF) != 0;
      break;  // JNE/JNZ
    case 1:
      taken = (f & 0xFFFF) == 0;
      break;  // JEQ/JZ
    case 2:
      taken = !(f & 0x10000);
      break;  // JNC/JLO
    case 3:
      taken = f & 0x10000;
      break;  // JC/JHS
    case 4:
      taken = f & 0x28000;
      break;  // JN
    case 5:
      taken = !n_xor_v();
      break;  // JGE
    case 6:
      taken = n_xor_v();
      break;  // JL
    default:
      taken = true;
      break;  // JMP
  }
  if (taken) {
    const int16_t offset = int16_t(uint16_t(op << 6)) >> 6;  // signed 10-bit word offset
    // The jump target wraps in the 20-bit address space (SLAU367 §4.5.1.3: PC + 2 x offset).
    return handler_result((pc + 2 * offset) & kAddrMask, cycles::kJump);
  }
  return handler_result(pc, cycles::kJump);
}

template <unsigned opc, unsigned src_kind, unsigned dst_kind, bool byte>
HandlerResult Cpu::exec_format1(Cpu& c, unsigned op, unsigned pc_after_opcode, uint64_t now) {
  uint32_t pc = pc_after_opcode;
  auto& regs = c.regs_;
  Bus& bus = c.bus_;
  const unsigned sreg = (op >> 8) & 0xF;
  const unsigned dreg = op & 0xF;
  constexpr uint32_t mask = byte ? 0xFF : 0xFFFF;
  constexpr uint32_t msb = byte ? 0x80 : 0x8000;
  constexpr unsigned src_class = f1_src_class(src_kind);
  constexpr bool reg_dst =
      dst_kind == kDReg || dst_kind == kDPc || dst_kind == kDSr || dst_kind == kDCg;
  constexpr bool register_only = reg_dst && register_only_src(src_kind);
  // Flag results are stored with a byte result's MSB at bit 15 (see flag_nzc_ in cpu.h).
  constexpr unsigned flag_shift = byte ? 8 : 0;
  constexpr uint8_t cyc =
      reg_dst ? cycles::kFormat1[src_class][dst_kind == kDPc ? cycles::kDstPc : cycles::kDstReg]
              : cycles::kFormat1[src_class][cycles::kDstMem] -
                    ((opc == kOpMov || opc == kOpBit || opc == kOpCmp)
                         ? cycles::kFormat1MemDstNoWriteback
                         : 0);
  if (!register_only) c.begin_bus_instruction(op, pc, now);
  // The cycles to return: the table's for a register-only instruction, else what ctx.cycles
  // advanced by (wait states included).
  const auto took = [&c, now] { return register_only ? uint64_t(cyc) : c.ctx_.cycles - now; };

  // Source operand (facts §1.7, §1.8).
  uint32_t src;
  if (src_kind == kSReg) {
    src = regs[sreg];
  } else if (src_kind == kSSr) {
    src = c.sr();
  } else if (src_kind == kSConst) {
    src = cg_value(op, sreg);
  } else if (src_kind == kSIdx || src_kind == kSAbs) {
    // X(Rn); Rn = PC gives the extension word's address (symbolic), SR reads as 0 (absolute).
    const uint32_t base = regs[sreg];  // before fetch_ext() moves PC past the word (symbolic)
    const uint16_t x = c.fetch_ext(pc);
    const uint32_t addr = src_kind == kSAbs ? x : index_address(base, x);
    src = byte ? bus.read_byte(addr) : bus.read_word(addr);
  } else if (src_kind == kSInd) {
    const uint32_t addr = regs[sreg];
    src = byte ? bus.read_byte(addr) : bus.read_word(addr);
  } else if (src_kind == kSImm) {
    src = c.fetch_ext(pc);
  } else {  // @Rn+, Rn != PC (@PC+ is kSImm)
    const uint32_t addr = regs[sreg];
    src = byte ? bus.read_byte(addr) : bus.read_word(addr);
    // SP stays even: @SP+ steps by 2 even for .B (SLAU445 4.3.2: SP bit 0 is always 0).
    regs[sreg] = (addr + ((byte && sreg != kSP) ? 1 : 2)) & kAddrMask;
  }
  src &= mask;

  // CLRC and SETC (BIC/BIS #1,SR), frequent in compiled code: only C changes, so the flags need
  // not be packed into SR and unpacked again.
  if (dst_kind == kDSr && src_kind == kSConst && !byte && (opc == kOpBic || opc == kOpBis) &&
      src == kSrC) {
    c.flag_nzc_ = opc == kOpBic ? c.flag_nzc_ & ~0x10000u : c.flag_nzc_ | 0x10000u;
    return handler_result(pc, cyc);
  }

  // Destination operand.
  uint32_t dst_addr = 0;
  uint32_t dst;
  if (reg_dst) {
    dst = opc == kOpMov ? 0 : (dst_kind == kDSr ? c.sr() : regs[dreg]) & mask;
    if (!register_only) c.ctx_.cycles += cyc;
  } else {
    const uint32_t base = regs[dreg];
    const uint16_t x = c.fetch_ext(pc);
    dst_addr = dst_kind == kDAbs ? x : index_address(base, x);
    if (opc == kOpMov) {
      dst = 0;
    } else {
      dst = byte ? bus.read_byte(dst_addr) : bus.read_word(dst_addr);
    }
    c.ctx_.cycles += cyc;
  }

  uint32_t res;
  bool write = true;
  switch (opc) {
    case kOpMov:
      res = src;
      break;
    case kOpAdd:
    case kOpAddc:
    case kOpSubc:
    case kOpSub:
    case kOpCmp: {
      // dst + src + cin, with src inverted for the subtractions (SLAU445 4.6.2; facts §1.10).
      uint32_t s = src;
      uint32_t cin = 0;
      if (opc >= kOpSubc) s = ~s & mask;
      if (opc == kOpSub || opc == kOpCmp) cin = 1;
      if (opc == kOpAddc || opc == kOpSubc) cin = (c.flag_nzc_ >> 16) & 1;
      const uint32_t r = s + dst + cin;
      res = r & mask;
      // The raw sum holds Z and N (result bits) and C (the carry out above them); V is signed
      // overflow, the MSB of (s ^ r) & (dst ^ r).
      c.flag_nzc_ = r << flag_shift;
      c.flag_v_ = ((s ^ r) & (dst ^ r)) << flag_shift;
      write = opc != kOpCmp;
      break;
    }
    case kOpDadd: {
      const uint32_t sum = bcd_add(src, dst, (c.flag_nzc_ >> 16) & 1);
      res = sum & mask;
      // C is the decimal carry; V is undefined for DADD (SLAU445 DADD page): the previous V stays.
      c.flag_nzc_ = (res << flag_shift) | ((sum & (msb << 1)) ? 1u << 16 : 0u);
      break;
    }
    case kOpBit:
    case kOpAnd:
      res = src & dst;
      c.flag_nzc_ = (res << flag_shift) | (res ? 1u << 16 : 0u);  // C = result not zero
      c.flag_v_ = 0;
      write = opc == kOpAnd;
      break;
    case kOpBic:
      res = dst & ~src & mask;
      break;
    case kOpBis:
      res = dst | src;
      break;
    default:  // kOpXor
      res = src ^ dst;
      c.flag_nzc_ = (res << flag_shift) | (res ? 1u << 16 : 0u);
      c.flag_v_ = (src & dst) << flag_shift;  // V: both operands negative
      break;
  }
  if (!write) return handler_result(pc, took());
  if (dst_kind == kDPc) {
    regs[kPC] = res;  // PC bits 19:16 are cleared (SLAU367 §4.5.1: BR/RET reach the lower 64 KB)
    return handler_result(res, took());
  }
  if (dst_kind == kDReg) {
    // A byte result clears bits 19:8, a word result bits 19:16 (SLAU367 §4.4.1, register mode).
    regs[dreg] = res;
  } else if (dst_kind == kDSr) {
    c.write_sr(uint16_t(res));  // an SR destination takes the result after the flags
  } else if (dst_kind == kDCg) {
    // R3 ignores writes.
  } else if (byte) {
    bus.write_byte(dst_addr, uint8_t(res));
  } else {
    bus.write_word(dst_addr, uint16_t(res));
  }
  return handler_result(pc, took());
}

HandlerResult Cpu::exec_reti(Cpu& c, unsigned op, unsigned pc, uint64_t now) {
  auto& regs = c.regs_;
  c.begin_bus_instruction(op, pc, now);
  // The stacked SR word holds PC bits 19:16 in its bits 15:12 (SLAU367 §4.2.1, RETI description).
  const uint16_t sr_word = c.bus_.read_word(regs[kSP]);
  c.set_sr(sr_word & 0x0FFF);
  regs[kSP] = (regs[kSP] + 2) & kAddrMask;
  regs[kPC] = c.bus_.read_word(regs[kSP]) | (uint32_t(sr_word & 0xF000) << 4);
  regs[kSP] = (regs[kSP] + 2) & kAddrMask;
  c.ctx_.cycles += cycles::kReti;
  c.bus_.set_attention();  // SR (GIE, CPUOFF) was reloaded
  return handler_result(regs[kPC], c.ctx_.cycles - now);
}

HandlerResult Cpu::exec_illegal(Cpu& c, unsigned op, unsigned pc, uint64_t now) {
  c.begin_bus_instruction(op, pc, now);
  c.illegal(op);
  return handler_result(c.regs_[kPC], 0);
}

// RRC SWPB RRA SXT PUSH CALL (0x1000-0x12FF); RETI and the illegal forms have their own handlers.
// pc_operand: the operand is register R0 itself, so a shift result is a branch.
template <unsigned opc, unsigned kind, bool byte, bool pc_operand>
HandlerResult Cpu::exec_format2(Cpu& c, unsigned op, unsigned pc_after_opcode, uint64_t now) {
  uint32_t pc = pc_after_opcode;
  auto& regs = c.regs_;
  Bus& bus = c.bus_;
  const unsigned reg = op & 0xF;
  constexpr uint32_t mask = byte ? 0xFF : 0xFFFF;
  constexpr uint32_t msb = byte ? 0x80 : 0x8000;
  constexpr unsigned cls = f2_class(kind);

  // Operand: register, memory at addr, or a constant (writes to a constant are dropped).
  constexpr bool in_mem = !register_only_src(kind);
  constexpr bool register_only = !in_mem && opc != kOpPush && opc != kOpCall;
  if (!register_only) c.begin_bus_instruction(op, pc, now);
  constexpr unsigned flag_shift = byte ? 8 : 0;  // see flag_nzc_ in cpu.h
  uint32_t addr = 0;
  uint32_t val;
  if (kind == kSReg) {
    val = regs[reg];
  } else if (kind == kSSr) {
    val = c.sr();
  } else if (kind == kSConst) {
    val = cg_value(op, reg);
  } else if (kind == kSIdx || kind == kSAbs) {
    const uint32_t base = regs[reg];
    const uint16_t x = c.fetch_ext(pc);
    addr = kind == kSAbs ? x : index_address(base, x);
    val = byte ? bus.read_byte(addr) : bus.read_word(addr);
  } else if (kind == kSInd) {
    addr = regs[reg];
    val = byte ? bus.read_byte(addr) : bus.read_word(addr);
  } else if (kind == kSImm) {
    // #N is @PC+ read as data (a read, not a fetch: same bus path as before), PC steps by 2.
    addr = pc;
    val = byte ? bus.read_byte(addr) : bus.read_word(addr);
    pc = (addr + 2) & kAddrMask;
    regs[kPC] = pc;
  } else {  // @Rn+, Rn != PC
    addr = regs[reg];
    val = byte ? bus.read_byte(addr) : bus.read_word(addr);
    regs[reg] = (addr + ((byte && reg != kSP && reg != kPC) ? 1 : 2)) & kAddrMask;
  }
  val &= mask;

  uint32_t res;
  switch (opc) {
    case kOpPush:
      regs[kSP] = (regs[kSP] - 2) & kAddrMask;
      if (byte) {
        bus.write_byte(regs[kSP], uint8_t(val));
      } else {
        bus.write_word(regs[kSP], uint16_t(val));
      }
      c.ctx_.cycles += cycles::kFormat2[cls][cycles::kF2Push];
      return handler_result(pc, c.ctx_.cycles - now);
    case kOpCall:
      // CALL pushes PC bits 15:0 and loads a 16-bit address (SLAU367 §4.5.1: CALL and RET are
      // limited to the lower 64 KB).
      regs[kSP] = (regs[kSP] - 2) & kAddrMask;
      bus.write_word(regs[kSP], uint16_t(pc));
      regs[kPC] = val;
      c.ctx_.cycles += cycles::kFormat2[cls][cycles::kF2Call];
      return handler_result(val, c.ctx_.cycles - now);
    case kOpRrc:
    case kOpRra: {
      const uint32_t top = opc == kOpRrc ? ((c.flag_nzc_ & 0x10000) ? msb : 0) : (val & msb);
      res = (val >> 1) | top;
      c.flag_nzc_ = (res << flag_shift) | ((val & 1) << 16);  // C = the bit shifted out, V = 0
      c.flag_v_ = 0;
      break;
    }
    case kOpSwpb:
      res = uint16_t((val << 8) | (val >> 8));
      break;
    default:                                          // kOpSxt
      res = uint16_t(int16_t(int8_t(uint8_t(val))));  // the register form extends further below
      c.flag_nzc_ = res | (res ? 1u << 16 : 0u);      // C = result not zero, V = 0
      c.flag_v_ = 0;
      break;
  }
  constexpr uint8_t cyc = cycles::kFormat2[cls][cycles::kF2Shift];
  if (!register_only) c.ctx_.cycles += cyc;
  if (pc_operand) {  // register-only
    regs[kPC] = res;
    return handler_result(res, cyc);
  }
  if (kind == kSReg) {
    // SXT Rdst extends bit 7 through bit 19 (SLAU367 §4.6.2 SXT: "Rdst.19:8"); other results
    // clear bits 19:16 (.W) or 19:8 (.B).
    if (opc == kOpSxt) res |= (res & 0x8000) ? 0xF0000u : 0u;
    if (reg != kCG) regs[reg] = res;  // R3 ignores writes
  } else if (kind == kSSr) {
    c.write_sr(uint16_t(res));
  } else if (in_mem) {
    if (byte) {
      bus.write_byte(addr, uint8_t(res));
    } else {
      bus.write_word(addr, uint16_t(res));
    }
  }
  return handler_result(pc, register_only ? uint64_t(cyc) : c.ctx_.cycles - now);
}

// Builds the opcode-indexed handler table from the template instantiations.
struct CpuDispatch {
  using Handler = Cpu::Handler;
  static constexpr unsigned kF1PerOp = kSrcKinds * kDstKinds * 2;
  static constexpr unsigned kF1Count = 12 * kF1PerOp;      // MOV..AND
  static constexpr unsigned kF2Count = 6 * kSrcKinds * 2;  // RRC..CALL, operand not R0

  template <unsigned... I>
  static constexpr std::array<Handler, sizeof...(I)> format1(
      std::integer_sequence<unsigned, I...>) {
    return {{&Cpu::exec_format1<kOpMov + I / kF1PerOp, (I / (kDstKinds * 2)) % kSrcKinds,
                                (I / 2) % kDstKinds, (I % 2) != 0>...}};
  }
  template <unsigned... I>
  static constexpr std::array<Handler, sizeof...(I)> format2(
      std::integer_sequence<unsigned, I...>) {
    return {{&Cpu::exec_format2<I / (kSrcKinds * 2), (I / 2) % kSrcKinds, (I % 2) != 0, false>...}};
  }
  // Register-mode operand R0 (RRA PC, PUSH PC, CALL PC...), one per operation and size.
  template <unsigned... I>
  static constexpr std::array<Handler, sizeof...(I)> format2_pc(
      std::integer_sequence<unsigned, I...>) {
    return {{&Cpu::exec_format2<I / 2, kSReg, (I % 2) != 0, true>...}};
  }
  template <unsigned... I>
  static constexpr std::array<Handler, sizeof...(I)> jumps(std::integer_sequence<unsigned, I...>) {
    return {{&Cpu::exec_jump<I>...}};
  }

  // in_line: the table's first half (Cpu::kOtherFetch).
  static Handler decode(uint16_t op, bool in_line) {
    // MSP430X opcodes (SLAU367 §4.6.1 "Extended Instruction Binary Descriptions").
    if (op < 0x1000) return Cpu::address_handler(op, in_line);  // MOVA, ADDA, RRxM...
    if (op >= 0x1340 && op < 0x13C0 && (op & 0xF0) != 0xA0) return Cpu::calla_handler(op, in_line);
    if (op >= 0x1400 && op < 0x1800) return Cpu::pushm_popm_handler(op);
    if (op >= 0x1800 && op < 0x2000) return Cpu::extended_handler(op, in_line);  // extension word
    static constexpr auto f1 = format1(std::make_integer_sequence<unsigned, kF1Count>{});
    static constexpr auto f2 = format2(std::make_integer_sequence<unsigned, kF2Count>{});
    static constexpr auto f2pc = format2_pc(std::make_integer_sequence<unsigned, 6 * 2>{});
    static constexpr auto jmp = jumps(std::make_integer_sequence<unsigned, 8>{});
    const unsigned as = (op >> 4) & 3;
    const bool byte = op & 0x40;
    switch (op >> 12) {
      case 0x1: {
        // 0x1000-0x133F: RRC SWPB RRA SXT PUSH CALL RETI; 0x1300-0x133F other than RETI and
        // 0x13A0-0x13AF, 0x13C0-0x13FF are reserved.
        if ((op & 0xFC00) != 0x1000) return &Cpu::exec_illegal;
        const unsigned opc = (op >> 7) & 7;
        if (opc == 7) return &Cpu::exec_illegal;
        if (opc == kOpReti) return op == 0x1300 ? &Cpu::exec_reti : &Cpu::exec_illegal;
        // SWPB, SXT and CALL have no byte form.
        if (byte && (opc == kOpSwpb || opc == kOpSxt || opc == kOpCall)) return &Cpu::exec_illegal;
        const unsigned kind = classify_src(as, op & 0xF);
        if (kind == kSReg && (op & 0xF) == kPC) return f2pc[opc * 2 + byte];
        return f2[(opc * kSrcKinds + kind) * 2 + byte];
      }
      case 0x2:
      case 0x3:
        return jmp[(op >> 10) & 7];
      default: {
        const unsigned kind = classify_src(as, (op >> 8) & 0xF);
        const unsigned dreg = op & 0xF;
        const unsigned dkind = !(op & 0x80)  ? (dreg == kPC   ? kDPc
                                                : dreg == kSR ? kDSr
                                                : dreg == kCG ? kDCg
                                                              : kDReg)
                               : dreg == kSR ? kDAbs
                                             : kDIdx;
        return f1[(((op >> 12) - kOpMov) * kSrcKinds + kind) * kDstKinds * 2 + dkind * 2 + byte];
      }
    }
  }
};

const Cpu::Handler* Cpu::dispatch_table() {
  static const std::vector<Handler> table = [] {
    std::vector<Handler> t(2 * kOtherFetch);
    for (uint32_t op = 0; op < kOtherFetch; ++op) {
      t[op] = CpuDispatch::decode(uint16_t(op), true);
      t[kOtherFetch + op] = CpuDispatch::decode(uint16_t(op), false);
    }
    return t;
  }();
  return table.data();
}

const Cpu::Handler* Cpu::observed_dispatch_table() {
  static const std::vector<Handler> table = [] {
    std::vector<Handler> t(dispatch_table(), dispatch_table() + 2 * kOtherFetch);
    for (uint32_t op = 0; op < kOtherFetch; ++op) {
      if (control_transfer(uint16_t(op)) != ControlTransfer::kNone) {
        t[op] = &Cpu::exec_observed_transfer<false>;
        t[kOtherFetch + op] = &Cpu::exec_observed_transfer<true>;
      }
    }
    return t;
  }();
  return table.data();
}

// A control transfer under an observer: the instruction as usual, then the fast loop ends (as on
// an attention event, but the run loop has nothing to check) so that the observer's report names
// it; only these opcodes pay the second indirect call.
template <bool kOther>
HandlerResult Cpu::exec_observed_transfer(Cpu& c, unsigned op, unsigned pc, uint64_t now) {
  const HandlerResult r = c.dispatch_[(kOther ? kOtherFetch : 0) + uint16_t(op)](c, op, pc, now);
  c.observed_transfer_op_ = uint16_t(op);
  c.bus_.set_loop_limit(0);
  return r;
}

void Cpu::set_observer(InstructionObserver* observer) {
  observer_ = observer;
  if (observer && !observed_dispatch_) observed_dispatch_ = observed_dispatch_table();
}

// Executes the instruction at pc and returns the next PC. regs_[kPC] is set for the handler; the
// caller stores the returned PC into regs_[kPC] before anything outside the handlers reads it.
EHSIM_ALWAYS_INLINE uint32_t Cpu::step(uint32_t pc) {
  const uint16_t op = bus_.fetch_word(pc);
  insn_pc_ = pc;
  insn_op_ = op;
  const uint32_t next = (pc + 2) & kAddrMask;
  regs_[kPC] = next;
  ++ctx_.instructions;
  const uint64_t now = ctx_.cycles;
  const HandlerResult r = dispatch_[kOtherFetch + op](*this, op, next, now);
  ctx_.cycles = now + r.cycles;
  return r.pc;
}

StopReason Cpu::stop_reason_after_step(bool had_fault) {
  if (ctx_.fault.kind != FaultKind::kNone) {
    if (!had_fault && ctx_.fault.kind != FaultKind::kIllegalInstruction) {
      ctx_.fault.pc = insn_pc_;
      ctx_.fault.opcode = insn_op_;
    }
    return StopReason::kFault;
  }
  // A requested reset is performed by the MCU owner between instructions, like a sync point.
  if (ctx_.sync_requested || ctx_.reset_request != McuContext::ResetLevel::kNone)
    return StopReason::kSync;
  return StopReason::kHostExit;
}

// The inner loop: runs instructions until the cycle limit, a breakpoint or an attention event
// (see Bus::attention) and returns the next PC. The cycle count is carried in a register, passed
// to each handler, which returns the cycles its instruction took (see "register-only" above);
// ctx.cycles is stored only where something may read it: by handlers that use the bus, around a
// fetch that may add wait states or fault, and on exit.
// Breakpoints are found through fetch_page_: only a page holding one tests the bitmap. A fetch from
// the line of the previous FRAM fetch (Bus::fetch_line(), never on such a page) skips even that.
// kObserve: the loop runs only inside the observer's span (observed_span_, see
// InstructionObserver) and reports what it ran when it ends; control transfers end it through
// observed_dispatch_.
template <bool kWaitStates, bool kObserve>
__attribute__((noinline)) uint32_t Cpu::fast_loop(uint32_t pc, uint64_t cycle_limit) {
  Bus* const bus = &bus_;
  McuContext* const ctx = &ctx_;
  const Handler* const table = kObserve ? observed_dispatch_ : dispatch_;
  uint64_t cyc = ctx->cycles;
  uint64_t fetches = 0;
  const uint32_t span_start = kObserve ? observed_span_.start : 0;
  const uint32_t span_size = kObserve ? observed_span_.end - observed_span_.start : 0;
  if (kObserve) observed_run_start_ = cyc;
  bus->set_loop_limit(cycle_limit);
  do {
    // Outside the span (another function): run_loop's step() shows the observer this one alone.
    if (kObserve && pc - span_start >= span_size) break;
    // From an FRAM line: the opcode and the next word, the table's first half (see kOtherFetch).
    // Below the last page the address after the opcode needs no wrap (refresh_fetch_pages).
    unsigned op;
    unsigned index;
    uint32_t next = pc + 2;
    const uint32_t line = pc >> Bus::kCacheLineShift;
    if (__builtin_expect(line == bus->fetch_line(), 1)) {
      op = bus->fetch_pair_in_line(pc);  // same line as the last FRAM fetch, its set's MRU way
      index = uint16_t(op);
    } else {
      const uint8_t page = fetch_page_[pc >> Bus::kPageShift];
      if (__builtin_expect(page == kFetchFram, 1)) {
        if (kWaitStates) ctx->cycles = cyc;  // a miss adds wait states to ctx.cycles
        op = bus->fetch_fram_opcode_pair<kWaitStates>(pc, line);
        index = uint16_t(op);
        if (kWaitStates) cyc = ctx->cycles;
      } else {
        if (page == kFetchBreakpoint && at_breakpoint(pc)) break;
        ctx->cycles = cyc;  // wait states, or the time of a fetch fault
        op = bus->fetch_opcode(pc);
        index = kOtherFetch + op;
        next &= kAddrMask;
        cyc = ctx->cycles;
        insn_pc_ = pc;  // for a fetch fault (register-only handlers do not record it)
        insn_op_ = uint16_t(op);
      }
    }
    regs_[kPC] = next;
    ++fetches;
    const HandlerResult r = table[index](*this, op, next, cyc);
    pc = r.pc;
    cyc += r.cycles;
  } while (cyc < bus->loop_limit());  // the cycle limit, or 0 after an attention event
  ctx->cycles = cyc;
  ctx->instructions += fetches;
  bus->note_opcode_fetches(fetches);
  bus->count_fram_reads(fram_line_reads_);
  fram_line_reads_ = 0;
  if (kObserve) {
    regs_[kPC] = pc;
    report_observed_run(fetches, observed_run_start_, cyc, pc);
  }
  return pc;
}

void Cpu::report_observed_run(uint64_t instructions, uint64_t before, uint64_t after,
                              uint32_t next_pc) {
  observed_run_start_ = kNoObservedRun;
  if (instructions == 0) return;
  InstructionObserver::Run run;
  run.instructions = instructions;
  run.before = before;
  run.after = after;
  run.next_pc = next_pc;
  run.transfer_op = observed_transfer_op_;
  observed_transfer_op_ = 0;
  observer_->on_run(run);
}

// kObserve: the InstructionObserver sees each instruction run here and each interrupt entry, and
// names the span for fast_loop's observing instance.
template <bool kCheckBreakpoints, bool kObserve>
StopReason Cpu::run_loop(uint64_t cycle_limit) {
  const bool had_fault = ctx_.fault.kind != FaultKind::kNone;
  // Locals, so the inner loop keeps them in host registers across the handler calls.
  Bus* const bus = &bus_;
  McuContext* const ctx = &ctx_;
  for (;;) {
    if (ctx_.cycles >= cycle_limit) return StopReason::kCycleLimit;
    if (__builtin_expect(ctx_.irq.any_pending(), 0) && (regs_[kSR] & kSrGIE) && !ie_delay_) {
      if (kObserve) {
        const uint32_t from = regs_[kPC];
        const uint64_t before = ctx_.cycles;
        accept_interrupt(ctx_.irq.highest());
        observer_->on_interrupt(from, regs_[kPC], before, ctx_.cycles);
      } else {
        accept_interrupt(ctx_.irq.highest());
      }
      if (ctx_.stop_requested) return stop_reason_after_step(had_fault);
      continue;
    }
    if (__builtin_expect(regs_[kSR] & kSrCPUOFF, 0)) {
      // Entering LPM with GIE (BIS #GIE|CPUOFF,SR) ends the EINT delay: nothing else runs.
      if (ie_delay_) {
        ie_delay_ = false;
        continue;
      }
      return StopReason::kSleep;
    }
    // Only the run that resumes from a breakpoint stop executes the instruction at it; a run that
    // merely starts there (a new quantum) must stop, or --until would miss the label.
    if (kCheckBreakpoints && at_breakpoint(regs_[kPC]) && regs_[kPC] != resume_breakpoint_pc_) {
      resume_breakpoint_pc_ = regs_[kPC];
      return StopReason::kBreakpoint;
    }
    resume_breakpoint_pc_ = kNoResumeBreakpoint;
    ie_delay_ = false;
    bus->clear_attention();
    uint32_t pc;
    if (kObserve) {
      const uint32_t at = regs_[kPC];
      const uint64_t before = ctx->cycles;
      pc = step(at);
      regs_[kPC] = pc;
      observed_span_ = observer_->on_instruction(at, insn_op_, pc, before, ctx->cycles);
    } else {
      pc = step(regs_[kPC]);
    }
    // Fast path: while the checks above would all pass and their stores are no-ops, only the cycle
    // limit (and breakpoints) need testing. After the step: CPUOFF and the EINT delay are still
    // clear and no stop was requested unless the bus saw an SR write, a peripheral access or a
    // fault (attention); an interrupt pending with GIE set must be accepted first. Inside the
    // loop, only such an attention event can change any of this; the loop itself stops before a
    // breakpoint (fetch_page_).
    if (!bus->attention() && ctx->cycles < cycle_limit &&
        !(ctx->irq.any_pending() && (regs_[kSR] & kSrGIE))) {
      pc = bus->fram_wait_states() == 0 ? fast_loop<false, kObserve>(pc, cycle_limit)
                                        : fast_loop<true, kObserve>(pc, cycle_limit);
    }
    regs_[kPC] = pc;
    if (__builtin_expect(ctx->stop_requested, 0)) return stop_reason_after_step(had_fault);
  }
}

StopReason Cpu::run(uint64_t cycle_limit) {
  ctx_.stop_requested = false;
  ctx_.sync_requested = false;
  if (fetch_pages_layout_ != bus_.layout_version()) refresh_fetch_pages();
  StopReason reason;
  if (observer_) {
    reason = breakpoints_.empty() ? run_loop<false, true>(cycle_limit)
                                  : run_loop<true, true>(cycle_limit);
  } else {
    reason = breakpoints_.empty() ? run_loop<false, false>(cycle_limit)
                                  : run_loop<true, false>(cycle_limit);
  }
  ctx_.stop_reason = reason;
  return reason;
}

}  // namespace ehsim::mcu

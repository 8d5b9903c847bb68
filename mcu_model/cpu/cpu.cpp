// Interpreter for the MSP430 16-bit instruction set. Semantics: SLAU445 ch. 4 / SLAU367 CPUX
// chapter (facts §1.6–1.12); cycle counts: cycle_table.h.
#include "mcu_model/cpu/cpu.h"

#include <algorithm>

#include "mcu_model/cpu/cycle_table.h"

#define EHSIM_ALWAYS_INLINE inline __attribute__((always_inline))

namespace ehsim::mcu {

namespace {
constexpr uint16_t kArithFlags = kSrC | kSrZ | kSrN | kSrV;
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

EHSIM_ALWAYS_INLINE uint16_t nz_flags(uint32_t res, uint32_t msb) {
  return uint16_t((res == 0 ? kSrZ : 0) | ((res & msb) ? kSrN : 0));
}

// BCD addition (SLAU445 DADD: src + dst + C "decimally added"; C set when the result exceeds
// 9999h / 99h). Digits are summed into one wide accumulator, and a digit whose 5-bit field
// exceeds 9 is corrected by +6, which carries into the next digit. For valid BCD this is exact
// decimal addition; the user guide leaves non-BCD inputs undefined, and this is the adder
// mspdebug's simulator uses, so the differential test can cover them. Returns the unmasked sum:
// bit 16 (.W) / bit 8 (.B) is the carry.
EHSIM_ALWAYS_INLINE uint32_t bcd_add(uint32_t src, uint32_t dst, uint32_t carry_in) {
  uint32_t acc = carry_in;
  for (unsigned i = 0; i < 4; ++i) {
    const unsigned shift = 4 * i;
    acc += (src & (0xFu << shift)) + (dst & (0xFu << shift));
    if ((acc & (0x1Fu << shift)) > (9u << shift)) acc += 6u << shift;
  }
  return acc;
}
}  // namespace

Cpu::Cpu(Bus& bus, McuContext& ctx) : bus_(bus), ctx_(ctx) {}

void Cpu::power_on_reset() {
  regs_.fill(0);
  puc();
}

void Cpu::puc() {
  regs_[kSR] = 0;
  regs_[kPC] = bus_.peek_word(kResetVectorAddr);
  ie_delay_ = false;
  resume_breakpoint_pc_ = kNoResumeBreakpoint;
}

void Cpu::add_breakpoint(uint16_t addr) {
  if (std::find(breakpoints_.begin(), breakpoints_.end(), addr) == breakpoints_.end())
    breakpoints_.push_back(addr);
}
void Cpu::clear_breakpoints() {
  breakpoints_.clear();
}

bool Cpu::at_breakpoint(uint16_t pc) const {
  for (uint16_t b : breakpoints_)
    if (b == pc) return true;
  return false;
}

EHSIM_ALWAYS_INLINE uint16_t Cpu::fetch_ext() {
  const uint16_t w = bus_.fetch_word(regs_[kPC]);
  regs_[kPC] += 2;
  return w;
}

void Cpu::write_sr(uint16_t value) {
  // EINT (BIS #GIE,SR) lets the next instruction run before a pending interrupt (SLAU445 4.2).
  if (!(regs_[kSR] & kSrGIE) && (value & kSrGIE)) ie_delay_ = true;
  regs_[kSR] = value;
}

void Cpu::illegal(uint16_t op) {
  const bool fresh = ctx_.fault.kind == FaultKind::kNone;
  ctx_.raise_fault(FaultKind::kIllegalInstruction, insn_pc_);
  if (fresh) {
    ctx_.fault.pc = insn_pc_;
    ctx_.fault.opcode = op;
  }
  regs_[kPC] = insn_pc_;  // the instruction is not executed
}

void Cpu::accept_interrupt(int vector) {
  // SLAU445 1.3.4.1 (facts §1.12): push PC, push SR, clear SR except SCG0, load the vector.
  regs_[kSP] -= 2;
  bus_.write_word(regs_[kSP], regs_[kPC]);
  regs_[kSP] -= 2;
  bus_.write_word(regs_[kSP], regs_[kSR]);
  regs_[kSR] &= kSrSCG0;
  regs_[kPC] = bus_.read_word(vector_address(vector));
  ctx_.cycles += cycles::kInterruptAccept;
  ctx_.irq.acknowledge(vector);
}

EHSIM_ALWAYS_INLINE void Cpu::exec_jump(uint16_t op) {
  const uint16_t sr = regs_[kSR];
  bool taken;
  switch ((op >> 10) & 7) {
    case 0:
      taken = !(sr & kSrZ);
      break;  // JNE/JNZ
    case 1:
      taken = sr & kSrZ;
      break;  // JEQ/JZ
    case 2:
      taken = !(sr & kSrC);
      break;  // JNC/JLO
    case 3:
      taken = sr & kSrC;
      break;  // JC/JHS
    case 4:
      taken = sr & kSrN;
      break;  // JN
    case 5:
      taken = !(sr & kSrN) == !(sr & kSrV);
      break;  // JGE
    case 6:
      taken = !(sr & kSrN) != !(sr & kSrV);
      break;  // JL
    default:
      taken = true;
      break;  // JMP
  }
  if (taken) {
    const int16_t offset = int16_t(uint16_t(op << 6)) >> 6;  // signed 10-bit word offset
    regs_[kPC] = uint16_t(regs_[kPC] + 2 * offset);
  }
  ctx_.cycles += cycles::kJump;
}

template <unsigned opc>
EHSIM_ALWAYS_INLINE void Cpu::exec_format1(uint16_t op) {
  const unsigned sreg = (op >> 8) & 0xF;
  const unsigned as = (op >> 4) & 3;
  const unsigned dreg = op & 0xF;
  const bool byte = op & 0x40;
  const uint32_t mask = byte ? 0xFF : 0xFFFF;
  const uint32_t msb = byte ? 0x80 : 0x8000;

  // Source operand (facts §1.7, §1.8).
  uint32_t src;
  unsigned src_class;
  switch (as) {
    case 0:
      src = regs_[sreg];  // R3 is kept at 0, so it reads as the #0 constant
      src_class = cycles::kSrcReg;
      break;
    case 1:
      if (sreg == kCG) {
        src = 1;
        src_class = cycles::kSrcReg;
      } else {
        // X(Rn); Rn = PC gives the extension word's address (symbolic), SR reads as 0 (absolute).
        const uint16_t base = sreg == kSR ? 0 : regs_[sreg];
        const uint16_t addr = uint16_t(base + fetch_ext());
        src = byte ? bus_.read_byte(addr) : bus_.read_word(addr);
        src_class = cycles::kSrcIdx;
      }
      break;
    case 2:
      if (sreg == kSR) {
        src = 4;
        src_class = cycles::kSrcReg;
      } else if (sreg == kCG) {
        src = 2;
        src_class = cycles::kSrcReg;
      } else {
        const uint16_t addr = regs_[sreg];
        src = byte ? bus_.read_byte(addr) : bus_.read_word(addr);
        src_class = cycles::kSrcInd;
      }
      break;
    default:
      if (sreg == kSR) {
        src = 8;
        src_class = cycles::kSrcReg;
      } else if (sreg == kCG) {
        src = 0xFFFF;
        src_class = cycles::kSrcReg;
      } else if (sreg == kPC) {
        src = fetch_ext();
        src_class = cycles::kSrcImm;
      } else {
        const uint16_t addr = regs_[sreg];
        src = byte ? bus_.read_byte(addr) : bus_.read_word(addr);
        // SP stays even: @SP+ steps by 2 even for .B (SLAU445 4.3.2: SP bit 0 is always 0).
        regs_[sreg] = uint16_t(addr + ((byte && sreg != kSP) ? 1 : 2));
        src_class = cycles::kSrcIndInc;
      }
      break;
  }
  src &= mask;

  // Destination operand.
  uint16_t dst_addr = 0;
  uint32_t dst;
  const bool dst_mem = op & 0x80;
  if (!dst_mem) {
    dst = opc == kOpMov ? 0 : regs_[dreg] & mask;
    ctx_.cycles += cycles::kFormat1[src_class][dreg == kPC ? cycles::kDstPc : cycles::kDstReg];
  } else {
    const uint16_t base = dreg == kSR ? 0 : regs_[dreg];
    dst_addr = uint16_t(base + fetch_ext());
    if (opc == kOpMov) {
      dst = 0;
    } else {
      dst = byte ? bus_.read_byte(dst_addr) : bus_.read_word(dst_addr);
    }
    uint8_t c = cycles::kFormat1[src_class][cycles::kDstMem];
    if (opc == kOpMov || opc == kOpBit || opc == kOpCmp) c -= cycles::kFormat1MemDstNoWriteback;
    ctx_.cycles += c;
  }

  uint32_t res;
  uint16_t flags;
  bool set_flags = true;
  bool write = true;
  switch (opc) {
    case kOpMov:
      res = src;
      set_flags = false;
      flags = 0;
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
      if (opc == kOpAddc || opc == kOpSubc) cin = regs_[kSR] & kSrC;
      const uint32_t r = s + dst + cin;
      res = r & mask;
      flags = nz_flags(res, msb);
      if (r > mask) flags |= kSrC;
      if ((s ^ r) & (dst ^ r) & msb) flags |= kSrV;
      write = opc != kOpCmp;
      break;
    }
    case kOpDadd: {
      const uint32_t sum = bcd_add(src, dst, regs_[kSR] & kSrC);
      res = sum & mask;
      // V is undefined for DADD (SLAU445 DADD page): keep the previous V.
      flags = uint16_t(nz_flags(res, msb) | ((sum & (msb << 1)) ? kSrC : 0) | (regs_[kSR] & kSrV));
      break;
    }
    case kOpBit:
    case kOpAnd:
      res = src & dst;
      flags = uint16_t(nz_flags(res, msb) | (res ? kSrC : 0));
      write = opc == kOpAnd;
      break;
    case kOpBic:
      res = dst & ~src & mask;
      set_flags = false;
      flags = 0;
      break;
    case kOpBis:
      res = dst | src;
      set_flags = false;
      flags = 0;
      break;
    default:  // kOpXor
      res = src ^ dst;
      flags = uint16_t(nz_flags(res, msb) | (res ? kSrC : 0) | ((src & dst & msb) ? kSrV : 0));
      break;
  }
  if (set_flags) regs_[kSR] = uint16_t((regs_[kSR] & ~kArithFlags) | flags);
  if (!write) return;
  if (!dst_mem) {
    // A byte result clears the register's high byte (SLAU445 4.4.1); an SR destination takes the
    // result after the flags, R3 ignores writes.
    if (dreg == kSR) {
      write_sr(uint16_t(res));
    } else if (dreg != kCG) {
      regs_[dreg] = uint16_t(res);
    }
  } else if (byte) {
    bus_.write_byte(dst_addr, uint8_t(res));
  } else {
    bus_.write_word(dst_addr, uint16_t(res));
  }
}

void Cpu::exec_format2(uint16_t op) {
  // 0x1000-0x137F: RRC SWPB RRA SXT PUSH CALL RETI; the rest of 0x1000-0x1FFF is MSP430X.
  if ((op & 0xFC00) != 0x1000) return illegal(op);
  const unsigned opc = (op >> 7) & 7;
  const bool byte = op & 0x40;
  const unsigned as = (op >> 4) & 3;
  const unsigned reg = op & 0xF;
  if (opc == 7) return illegal(op);  // CALLA (MSP430X)
  if (opc == kOpReti) {
    if (op != 0x1300) return illegal(op);
    regs_[kSR] = bus_.read_word(regs_[kSP]);
    regs_[kSP] += 2;
    regs_[kPC] = bus_.read_word(regs_[kSP]);
    regs_[kSP] += 2;
    ctx_.cycles += cycles::kReti;
    return;
  }
  // SWPB, SXT and CALL have no byte form.
  if (byte && (opc == kOpSwpb || opc == kOpSxt || opc == kOpCall)) return illegal(op);
  const uint32_t mask = byte ? 0xFF : 0xFFFF;
  const uint32_t msb = byte ? 0x80 : 0x8000;

  // Operand: register, memory at addr, or a constant (writes to a constant are dropped).
  enum { kInReg, kInMem, kConst } where = kInReg;
  uint16_t addr = 0;
  uint32_t val;
  unsigned cls;
  switch (as) {
    case 0:
      val = regs_[reg];
      cls = cycles::kF2Reg;
      break;
    case 1:
      if (reg == kCG) {
        val = 1;
        where = kConst;
        cls = cycles::kF2Reg;
      } else {
        const uint16_t base = reg == kSR ? 0 : regs_[reg];
        addr = uint16_t(base + fetch_ext());
        val = byte ? bus_.read_byte(addr) : bus_.read_word(addr);
        where = kInMem;
        cls = reg == kSR ? cycles::kF2Abs : cycles::kF2Idx;
      }
      break;
    case 2:
      if (reg == kSR || reg == kCG) {
        val = reg == kSR ? 4 : 2;
        where = kConst;
        cls = cycles::kF2Reg;
      } else {
        addr = regs_[reg];
        val = byte ? bus_.read_byte(addr) : bus_.read_word(addr);
        where = kInMem;
        cls = cycles::kF2Ind;
      }
      break;
    default:
      if (reg == kSR || reg == kCG) {
        val = reg == kSR ? 8 : 0xFFFF;
        where = kConst;
        cls = cycles::kF2Reg;
      } else {
        addr = regs_[reg];
        val = byte ? bus_.read_byte(addr) : bus_.read_word(addr);
        regs_[reg] = uint16_t(addr + ((byte && reg != kSP && reg != kPC) ? 1 : 2));
        where = kInMem;
        cls = reg == kPC ? cycles::kF2Imm : cycles::kF2IndInc;
      }
      break;
  }
  val &= mask;

  uint32_t res;
  switch (opc) {
    case kOpPush:
      regs_[kSP] -= 2;
      if (byte) {
        bus_.write_byte(regs_[kSP], uint8_t(val));
      } else {
        bus_.write_word(regs_[kSP], uint16_t(val));
      }
      ctx_.cycles += cycles::kFormat2[cls][cycles::kF2Push];
      return;
    case kOpCall:
      regs_[kSP] -= 2;
      bus_.write_word(regs_[kSP], regs_[kPC]);
      regs_[kPC] = uint16_t(val);
      ctx_.cycles += cycles::kFormat2[cls][cycles::kF2Call];
      return;
    case kOpRrc:
    case kOpRra: {
      const uint32_t top = opc == kOpRrc ? ((regs_[kSR] & kSrC) ? msb : 0) : (val & msb);
      res = (val >> 1) | top;
      regs_[kSR] = uint16_t((regs_[kSR] & ~kArithFlags) | nz_flags(res, msb) | (val & 1));
      break;
    }
    case kOpSwpb:
      res = uint16_t((val << 8) | (val >> 8));
      break;
    default:  // kOpSxt
      res = uint16_t(int16_t(int8_t(uint8_t(val))));
      regs_[kSR] = uint16_t((regs_[kSR] & ~kArithFlags) | nz_flags(res, 0x8000) | (res ? kSrC : 0));
      break;
  }
  ctx_.cycles += cycles::kFormat2[cls][cycles::kF2Shift];
  if (where == kInReg) {
    if (reg == kSR) {
      write_sr(uint16_t(res));
    } else if (reg != kCG) {
      regs_[reg] = uint16_t(res);
    }
  } else if (where == kInMem) {
    if (byte) {
      bus_.write_byte(addr, uint8_t(res));
    } else {
      bus_.write_word(addr, uint16_t(res));
    }
  }
}

EHSIM_ALWAYS_INLINE void Cpu::step() {
  const uint16_t pc = regs_[kPC];
  const uint16_t op = bus_.fetch_word(pc);
  insn_pc_ = pc;
  insn_op_ = op;
  regs_[kPC] = uint16_t(pc + 2);
  ++ctx_.instructions;
  switch (op >> 12) {
    case 0x0:  // MSP430X address instructions (MOVA, ADDA, RRCM...): not modelled
      illegal(op);
      break;
    case 0x1:
      exec_format2(op);
      break;
    case 0x2:
    case 0x3:
      exec_jump(op);
      break;
    // One instantiation per opcode so the operation switch folds away at compile time.
    case kOpMov:
      exec_format1<kOpMov>(op);
      break;
    case kOpAdd:
      exec_format1<kOpAdd>(op);
      break;
    case kOpAddc:
      exec_format1<kOpAddc>(op);
      break;
    case kOpSubc:
      exec_format1<kOpSubc>(op);
      break;
    case kOpSub:
      exec_format1<kOpSub>(op);
      break;
    case kOpCmp:
      exec_format1<kOpCmp>(op);
      break;
    case kOpDadd:
      exec_format1<kOpDadd>(op);
      break;
    case kOpBit:
      exec_format1<kOpBit>(op);
      break;
    case kOpBic:
      exec_format1<kOpBic>(op);
      break;
    case kOpBis:
      exec_format1<kOpBis>(op);
      break;
    case kOpXor:
      exec_format1<kOpXor>(op);
      break;
    default:
      exec_format1<kOpAnd>(op);
      break;
  }
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

template <bool kCheckBreakpoints>
StopReason Cpu::run_loop(uint64_t cycle_limit) {
  const bool had_fault = ctx_.fault.kind != FaultKind::kNone;
  for (;;) {
    if (ctx_.cycles >= cycle_limit) return StopReason::kCycleLimit;
    if (__builtin_expect(ctx_.irq.any_pending(), 0) && (regs_[kSR] & kSrGIE) && !ie_delay_) {
      accept_interrupt(ctx_.irq.highest());
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
    step();
    if (__builtin_expect(ctx_.stop_requested, 0)) return stop_reason_after_step(had_fault);
  }
}

StopReason Cpu::run(uint64_t cycle_limit) {
  ctx_.stop_requested = false;
  ctx_.sync_requested = false;
  const StopReason reason =
      breakpoints_.empty() ? run_loop<false>(cycle_limit) : run_loop<true>(cycle_limit);
  ctx_.stop_reason = reason;
  return reason;
}

}  // namespace ehsim::mcu

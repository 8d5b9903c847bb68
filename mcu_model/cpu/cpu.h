// The FR5994's CPUXV2 core (SLAU367 ch. 4 "CPUX"): the MSP430 instruction set and the MSP430X
// extensions (20-bit registers and addresses, extension words with repeat counts, address
// instructions, PUSHM/POPM, CALLA). A fast interpreter with cycle counts from the user guide's
// tables (see cycle_table.h).
//
// CONTRACT (used by mcu.*, sim/, tests): the public API below is fixed.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "mcu_model/mcu_context.h"
#include "mcu_model/mem/bus.h"

namespace ehsim::mcu {

inline constexpr int kPC = 0, kSP = 1, kSR = 2, kCG = 3;

// Status register bits (SLAU367 / facts §1.9).
inline constexpr uint16_t kSrC = 0x0001, kSrZ = 0x0002, kSrN = 0x0004, kSrGIE = 0x0008,
                          kSrCPUOFF = 0x0010, kSrOSCOFF = 0x0020, kSrSCG0 = 0x0040,
                          kSrSCG1 = 0x0080, kSrV = 0x0100;

struct XOperand;  // an MSP430X operand (cpu_x.cpp)

// What an instruction handler returns (cpu_internal.h's handler_result()): the next PC and the
// MCLK cycles the instruction took, wait states included. Two 8-byte fields, so that the x86-64
// and AArch64 calling conventions return them in two registers (RAX:RDX, X0:X1) and the run loop
// takes each without unpacking.
struct HandlerResult {
  uint32_t pc;
  uint64_t cycles;
};

// The instructions that move between functions, by their first word (SLAU367 §4.5-4.6): CALL
// (0x1280-0x12BF, any source mode), CALLA (0x1340-0x13BF less the reserved 0x13A0-0x13AF), RET
// (MOV @SP+,PC, 0x4130), RETA (MOVA @SP+,PC, 0x0110) and RETI (0x1300). Only a first word counts:
// behind an extension word the same word belongs to another instruction.
enum class ControlTransfer : uint8_t { kNone, kCall, kReturn, kReti };
constexpr ControlTransfer control_transfer(uint16_t op) {
  if ((op & 0xFFC0) == 0x1280 || (op >= 0x1340 && op < 0x13C0 && (op & 0xF0) != 0xA0))
    return ControlTransfer::kCall;
  if (op == 0x4130 || op == 0x0110) return ControlTransfer::kReturn;
  return op == 0x1300 ? ControlTransfer::kReti : ControlTransfer::kNone;
}

// Sees every instruction and interrupt entry (profiling, sim/run/profiler.h), without a call per
// instruction: after each instruction it sees alone, the observer names a span of addresses (for
// a profiler, the function there), and the CPU's fast loop runs on inside that span and reports
// only how many instructions it ran and their cycles (on_run). The loop ends at the first
// instruction outside the span (which the observer then sees alone) and after every control
// transfer (CALL, CALLA, RET, RETA, RETI, named in the report), every instruction that needs the
// run loop's attention (a peripheral access, an SR write, a fault) and at the cycle limit. A span
// costs the loop one compare per instruction. Installing an observer makes Cpu::run take separate
// instances of its loops; without one they run unchanged, so observing costs nothing when off.
class InstructionObserver {
 public:
  struct Span {  // addresses [start, end)
    uint32_t start = 0;
    uint32_t end = 0;
  };
  // Instructions the fast loop ran, all inside the span returned last.
  struct Run {
    uint64_t instructions = 0;
    uint64_t before = 0, after = 0;  // cycles from the first one's fetch to the last one's end
    uint32_t next_pc = 0;            // where execution continues
    // The last instruction's first word when it was a control transfer (control_transfer(): the
    // only one in the run), else 0.
    uint16_t transfer_op = 0;
  };
  virtual ~InstructionObserver() = default;
  // The instruction at pc (first word op) ran from cycle `before` to `after` (wait states
  // included); execution continues at next_pc. Returns the span the fast loop may run on in
  // (empty: none; next_pc need not be inside it).
  virtual Span on_instruction(uint32_t pc, uint16_t op, uint32_t next_pc, uint64_t before,
                              uint64_t after) = 0;
  virtual void on_run(const Run& run) = 0;  // the fast loop ended (see Run)
  // An interrupt was accepted at pc (the interrupted instruction's address): the entry took
  // cycles `before` to `after` and continues at isr.
  virtual void on_interrupt(uint32_t pc, uint32_t isr, uint64_t before, uint64_t after) = 0;
};

class Cpu {
 public:
  Cpu(Bus& bus, McuContext& ctx);

  // Power-on: all registers 0, then PUC. PUC: SR = 0, PC = word at the reset vector 0xFFFE.
  void power_on_reset();
  void puc();

  // Execute instructions until ctx.cycles >= cycle_limit, PC hits a breakpoint (before executing
  // it), ctx.stop_requested (host exit, fault, sync), or the CPU sleeps (CPUOFF) with no
  // interrupt pending. Interrupts are accepted between instructions when GIE is set (6 cycles,
  // SR cleared except SCG0). A sleeping CPU with a pending enabled interrupt wakes. Clears
  // ctx.stop_requested/sync_requested on entry.
  StopReason run(uint64_t cycle_limit);

  // Registers are 20 bits wide (SLAU367 §4.3); SR's value fits in 16 bits.
  uint32_t reg(int n) const { return n == kSR ? sr() : regs_[n]; }
  void set_reg(int n, uint32_t value) {
    if (n == kSR) {
      set_sr(uint16_t(value));
    } else {
      regs_[n] = value & kAddrMask;
    }
  }
  uint32_t pc() const { return regs_[kPC]; }
  // Address of the instruction executing now (during a bus access) or last executed; for reports
  // of what an access did (UnmodelledAccess), like Fault::pc.
  uint32_t instruction_pc() const { return insn_pc_; }
  // Always inline: a handler that reads SR only on a rare path then keeps no stack frame for the
  // call.
  __attribute__((always_inline)) uint16_t sr() const {
    return uint16_t(regs_[kSR] | arith_flags());
  }
  bool sleeping() const { return regs_[kSR] & kSrCPUOFF; }

  void add_breakpoint(uint32_t addr);
  void clear_breakpoints();
  // Null: none (the default).
  void set_observer(InstructionObserver* observer);
  // While the fast loop runs under an observer, the cycle at which its instructions not yet
  // reported (on_run) began; kNoObservedRun otherwise. A callback from inside an instruction (a
  // peripheral access) finds those before the current one ending at ctx.cycles (the current
  // instruction's start plus the wait states it has had so far).
  static constexpr uint64_t kNoObservedRun = ~uint64_t(0);
  uint64_t observed_run_start() const { return observed_run_start_; }

 private:
  template <bool kCheckBreakpoints, bool kObserve>
  StopReason run_loop(uint64_t cycle_limit);
  static constexpr uint32_t kAddrMask = Bus::kAddrMask;
  template <bool kWaitStates, bool kObserve>
  uint32_t fast_loop(uint32_t pc, uint64_t cycle_limit);
  void refresh_fetch_pages();
  StopReason stop_reason_after_step(bool had_fault);
  uint32_t step(uint32_t pc);
  // Predecoded dispatch: one handler per 16-bit opcode word, specialised on the operation, the
  // addressing modes and the operand size. The table depends only on the opcode word (extension
  // words are always fetched at run time), so it needs no invalidation for self-modifying code.
  // A handler gets the address after the opcode word (also stored in regs_[kPC], which it keeps
  // current) and the cycle count at the instruction's start, and returns the next PC and the
  // cycles the instruction took (see HandlerResult), so the run loop carries PC and
  // the cycle count in host registers instead of through memory on every instruction.
  using Handler = HandlerResult (*)(Cpu&, unsigned op, unsigned pc, uint64_t now);
  // The table has two halves. The fast loop calls the first, indexed by the opcode word, for an
  // opcode it read from an FRAM cache line (Bus::fetch_line()) on a plain FRAM page below the last
  // page; it passes the image's next word in op's bits 31:16, which a handler may take as the
  // word after the opcode (no bus access, counted in fram_line_reads_) when that word
  // lies in the same line, (pc & 7) != 0. Every other fetch (step(), SRAM, breakpoint pages)
  // calls the second half, at kOtherFetch + opcode, with a 16-bit op. Only the extension words'
  // handlers differ between the halves; the others mask op to the fields they use.
  static constexpr uint32_t kOtherFetch = 0x10000;
  static const Handler* dispatch_table();
  // dispatch_table() with every control transfer (control_transfer()) run through
  // exec_observed_transfer: under an observer the fast loop must end after them.
  static const Handler* observed_dispatch_table();
  template <bool kOther>  // the half of the table (kOtherFetch) the call came through
  static HandlerResult exec_observed_transfer(Cpu& cpu, unsigned op, unsigned pc, uint64_t now);
  // The fast loop's end under an observer: resets the run state and reports the run.
  void report_observed_run(uint64_t instructions, uint64_t before, uint64_t after,
                           uint32_t next_pc);
  template <unsigned opc, unsigned src_kind, unsigned dst_kind, bool byte>
  static HandlerResult exec_format1(Cpu& cpu, unsigned op, unsigned pc, uint64_t now);
  template <unsigned opc, unsigned kind, bool byte, bool pc_operand>
  static HandlerResult exec_format2(Cpu& cpu, unsigned op, unsigned pc, uint64_t now);
  template <unsigned cond>
  static HandlerResult exec_jump(Cpu& cpu, unsigned op, unsigned pc, uint64_t now);
  static HandlerResult exec_reti(Cpu& cpu, unsigned op, unsigned pc, uint64_t now);
  static HandlerResult exec_illegal(Cpu& cpu, unsigned op, unsigned pc, uint64_t now);
  // MSP430X (cpu_x.cpp). Address instructions (0x0000-0x0FFF) are specialised on bits 7:4 (the
  // form) and CALLA on its mode; an extension word (0x1800-0x1FFF) fetches the instruction word
  // after it and dispatches through a second table, indexed by that word and the extension word's
  // A/L bit: one handler per (operation, source mode, destination mode, data length). Repeat count
  // and operand high bits are read from the extension word.
  // kInLine: the instance in the table's first half (kOtherFetch) of a form with an immediate,
  // which takes the immediate from op's bits 31:16.
  template <unsigned kForm, bool kDirect, unsigned kDst, bool kInLine = false>
  static HandlerResult exec_address(Cpu& cpu, unsigned op, unsigned pc, uint64_t now);
  template <unsigned kMode, bool kDirect, bool kInLine = false>  // 0x1340-0x13BF, bits 7:4
  static HandlerResult exec_calla(Cpu& cpu, unsigned op, unsigned pc, uint64_t now);
  // PUSHM.A 0x14xx, PUSHM.W 0x15xx, POPM.A 0x16xx, POPM.W 0x17xx; kCount = n (bits 7:4, plus 1)
  template <bool kPop, bool kWord, unsigned kCount>
  static HandlerResult exec_pushm_popm(Cpu& cpu, unsigned op, unsigned pc, uint64_t now);
  template <bool kPop, bool kWord>
  static HandlerResult exec_pushm_popm_bus(Cpu& cpu, unsigned op, unsigned pc, uint64_t now);
  // 0x1800-0x1FFF, kAddressLength = A/L (bit 6); kInLine: the table's first half (kOtherFetch)
  template <bool kAddressLength, bool kInLine>
  static HandlerResult exec_extended(Cpu& cpu, unsigned op, unsigned pc, uint64_t now);
  template <bool kAddressLength>
  static HandlerResult exec_extended_fetch(Cpu& cpu, unsigned op, unsigned pc, uint64_t now);
  // An XHandler gets the extension word, the instruction word and the address after it; unlike a
  // Handler it records the instruction (begin_x_instruction) itself if it uses the bus.
  // (op last: the extension word's handler passes ext, pc and now where it received them.)
  using XHandler = HandlerResult (*)(Cpu&, unsigned ext, uint32_t pc, uint64_t now, unsigned op);
  // kRepeated: the register-mode instance that honours the repetition count and ZC; the table's
  // instance runs it only when the extension word asks for either. kViaBus: the instance that
  // reads an @Rn/@Rn+ source through the bus, which the table's runs when the operand is not on
  // one SRAM page or in one FRAM cache line.
  template <bool kFormat1, unsigned kOp, unsigned kSrcMode, unsigned kDstMode, unsigned kSize,
            bool kRepeated = false, bool kViaBus = false>
  static HandlerResult exec_x(Cpu& cpu, unsigned ext, uint32_t pc, uint64_t now, unsigned op);
  static HandlerResult exec_x_illegal(Cpu& cpu, unsigned ext, uint32_t pc, uint64_t now,
                                      unsigned op);
  static const XHandler* x_dispatch_table();  // [A/L][instruction word]
  static Handler address_handler(unsigned op, bool in_line);
  static Handler calla_handler(unsigned op, bool in_line);
  static Handler extended_handler(unsigned ext, bool in_line);
  static Handler pushm_popm_handler(unsigned op);
  friend struct CpuXDispatch;
  friend struct CpuPushmPopmDispatch;
  void begin_x_instruction(unsigned ext, uint32_t pc_after_op, uint64_t now);
  uint32_t x_address(const XOperand& o, uint32_t& pc, uint32_t high_bits);
  template <unsigned kSize>
  const uint8_t* operand_image(uint32_t addr);
  template <unsigned kSize>
  uint32_t x_read(uint32_t addr);
  template <unsigned kSize>
  void x_write(uint32_t addr, uint32_t value);
  template <unsigned kSize>
  void set_x_flags(uint32_t result, uint32_t carry, uint32_t overflow);
  template <unsigned kSize>
  void set_x_flags_of_sum(uint32_t sum, uint32_t overflow);
  bool carry() const { return flag_nzc_ & 0x10000; }
  friend struct CpuDispatch;
  // Makes ctx.cycles exact (`now`) and records the instruction for fault reports.
  void begin_bus_instruction(unsigned op, unsigned pc_after_opcode, uint64_t now);
  void accept_interrupt(int vector);
  void illegal(uint16_t op);
  void write_sr(uint16_t value);
  uint16_t fetch_ext(uint32_t& pc);
  template <bool kInLine>
  bool word_after_opcode_in_line(uint32_t pc) const;
  template <bool kInLine>
  uint16_t take_word_after_opcode(unsigned op, uint32_t pc);
  bool at_breakpoint(uint32_t pc) const;

  Bus& bus_;
  McuContext& ctx_;
  const Handler* dispatch_;
  const XHandler* x_dispatch_;
  std::array<uint32_t, 16> regs_{};  // 20-bit values; regs_[kSR] holds SR as described below
  std::vector<uint32_t> breakpoints_;
  InstructionObserver* observer_ = nullptr;
  std::array<uint64_t, (kAddrMask + 1) / 64> breakpoint_bits_{};  // the same set, one bit each
  // How the inner loop fetches from each 256-byte page: kFetchFram pages (plain FRAM, no
  // breakpoint) take the bus's FRAM fetch directly, so neither the page kind nor the breakpoint
  // bitmap is tested per instruction there; other pages go through Bus::fetch_opcode, and pages
  // holding a breakpoint test the bitmap first. Rebuilt by run() when fetch_pages_layout_ is not
  // the bus's layout_version() (breakpoint changes set it to kFetchPagesStale).
  enum FetchPage : uint8_t { kFetchFram, kFetchOther, kFetchBreakpoint };
  std::array<uint8_t, Bus::kPages> fetch_page_{};
  static constexpr unsigned kFetchPagesStale = ~0u;
  unsigned fetch_pages_layout_ = kFetchPagesStale;
  // PC of the breakpoint the last run stopped at: the next run executes it instead of stopping.
  static constexpr uint32_t kNoResumeBreakpoint = kAddrMask + 1;
  uint32_t resume_breakpoint_pc_ = kNoResumeBreakpoint;
  // Lazy arithmetic flags. regs_[kSR] holds only SR's other bits (GIE, CPUOFF, SCG0...); C, Z, N
  // and V are kept in the form the flag-setting operations produce them cheaply, and decoded only
  // where something reads them (jumps, ADDC/SUBC/RRC/DADD, SR read as an operand, interrupt entry,
  // sr()). Most compiled code overwrites the flags several times before it reads them, so packing
  // them into SR on every instruction was about half of an ALU handler's host instructions.
  //   flag_nzc_: bits 0-15 are zero iff Z; N is bit 15 or bit 17; C is bit 16. An operation stores
  //              its result (a byte result shifted to bits 8-15) with the carry out in bit 16 (the
  //              raw 17-bit sum of an addition as it is). Bit 17 carries N only when an explicit SR
  //              value sets Z and N together, which no result can.
  //   flag_v_:   bit 15 is V (other bits are don't-care).
  uint32_t flag_nzc_ = 1;
  uint32_t flag_v_ = 0;
  uint16_t arith_flags() const {
    const uint32_t f = flag_nzc_;
    return uint16_t(((f >> 16) & 1) * kSrC | ((f & 0xFFFF) == 0) * kSrZ |
                    (((f >> 15) | (f >> 17)) & 1) * kSrN | ((flag_v_ >> 15) & 1) * kSrV);
  }
  void set_arith_flags(uint16_t value) {
    flag_nzc_ = ((value & kSrZ) ? 0u : 1u) | ((value & kSrN) ? 1u << 17 : 0u) |
                ((value & kSrC) ? 1u << 16 : 0u);
    flag_v_ = (value & kSrV) ? 0x8000u : 0u;
  }
  void set_sr(uint16_t value) {
    regs_[kSR] = uint16_t(value & ~(kSrC | kSrZ | kSrN | kSrV));
    set_arith_flags(value);
  }
  // Words after an opcode taken from the fast loop's fetch (op bits 31:16, see kOtherFetch): FRAM
  // reads the fast loop hands to Bus::count_fram_reads() when it ends.
  uint64_t fram_line_reads_ = 0;
  uint32_t insn_pc_ = 0;   // address of the instruction being executed (for faults)
  uint16_t insn_op_ = 0;   // its first word
  bool ie_delay_ = false;  // GIE was just set: the next instruction runs before any interrupt
  // Under an observer (after the members the plain loops use, which keep their offsets):
  const Handler* observed_dispatch_ = nullptr;  // the fast loop's table under an observer
  InstructionObserver::Span observed_span_;     // returned by the last on_instruction()
  uint64_t observed_run_start_ = kNoObservedRun;
  uint16_t observed_transfer_op_ = 0;  // set by exec_observed_transfer, reported and cleared
};

}  // namespace ehsim::mcu

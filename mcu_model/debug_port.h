// An attached debugger as the MCU sees it, the way mcu_model/power/supply_port.h is its supply.
// The GDB server (sim/debug/gdb_server.*) implements it; the MCU knows nothing of GDB.
//
// CONTRACT
// - halted(): the MCU calls it from its SystemC thread with the CPU between two instructions,
//   ctx.cycles exact, and SystemC time at the MCU's local time. Neither simulated time nor the
//   supply moves while it runs. The debugger may read and write registers (Cpu::reg/set_reg) and
//   memory (Bus::peek_byte/poke_byte, no timing or peripheral side effects) and change the CPU's
//   breakpoints. It returns what the MCU does next.
// - interrupt_requested(): polled between stretches while the firmware runs (at most one
//   quantum of simulated time apart); true makes the MCU halt with kInterrupt. Must not block.
// - The MCU calls halted() with kAttach once before the first instruction, with kBreakpoint
//   when the PC reaches a CPU breakpoint (before executing it), kStep after one instruction when
//   the last answer was kStep, kInterrupt after interrupt_requested(), and kExited when the run
//   ends (whatever the reason; the debugger reports it and its answer is ignored).
#pragma once

#include <cstdint>

namespace ehsim::mcu {

enum class HaltReason : uint8_t { kAttach, kBreakpoint, kStep, kInterrupt, kExited };
enum class DebugAction : uint8_t {
  kContinue,  // run until a breakpoint, an interrupt request or the end
  kStep,      // execute one instruction (or accept one interrupt), then halt again
  kDetach,    // run on without the debugger
  kKill,      // end the run now (ExitReason::kDebugger)
};

class DebugPort {
 public:
  virtual ~DebugPort() = default;
  virtual DebugAction halted(HaltReason reason) = 0;
  virtual bool interrupt_requested() = 0;
};

}  // namespace ehsim::mcu

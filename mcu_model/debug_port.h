// An attached debugger as the MCU sees it, the way mcu_model/power/supply_port.h is its supply.
// The GDB server (sim/debug/gdb_server.*) and `--break-on` (sim/debug/break_reporter.*) implement
// it; the MCU knows nothing of GDB.
//
// CONTRACT
// - halted(): the MCU calls it from its SystemC thread with the CPU between two instructions,
//   ctx.cycles exact, and SystemC time at the MCU's local time. Neither simulated time nor the
//   supply moves while it runs. The debugger may read and write registers (Cpu::reg/set_reg) and
//   memory (Bus::peek_byte/poke_byte, no timing or peripheral side effects), change the CPU's
//   breakpoints and the bus's watchpoints, and switch the MCU's energy guard. It returns what the
//   MCU does next.
// - The MCU calls halted() with
//   * kAttach once before the first instruction (on a supply: of the first boot);
//   * kBreakpoint when the PC reaches a CPU breakpoint (before executing it);
//   * kWatchpoint after the instruction whose data access hit a bus watchpoint
//     (McuContext::watch_hit says which);
//   * kStep after one instruction when the last answer was kStep;
//   * kPowerFail when the supply has just fallen below turn-off, after the last instruction that
//     ran on it and before registers and SRAM are lost (only if breaks_on(kPowerFail)); when the
//     debugger has recharged the supply meanwhile, the MCU runs on without losing power;
//   * kBoot after a boot, at the reset vector's first instruction (boots after the first; only
//     if breaks_on(kBoot));
//   * whatever poll() returned (kInterrupt, kVoltage) when it was not kNone;
//   * kExited when the run ends, whatever the reason (the answer is ignored).
// - poll(): asked between stretches while the firmware runs (at most one quantum of simulated
//   time apart, 100 us by default) for a reason to halt now; kNone to run on. Must not block.
// - breaks_on(): asked as a power failure or a boot happens.
#pragma once

#include <cstdint>

namespace ehsim::mcu {

enum class HaltReason : uint8_t {
  kNone,
  kAttach,
  kBreakpoint,
  kWatchpoint,
  kStep,
  kInterrupt,  // the user asked (GDB's Ctrl-C)
  kPowerFail,
  kBoot,
  kVoltage,  // a voltage condition of the debugger's (monitor break voltage)
  kExited
};
enum class DebugAction : uint8_t {
  kContinue,  // run until a breakpoint, an interrupt request or the end
  kStep,      // execute one instruction (or accept one interrupt), then halt again
  kDetach,    // run on without the debugger
  kKill,      // end the run now (ExitReason::kDebugger)
  kStop,      // end the run now as a requested break (ExitReason::kBreak: --break-on)
};

class DebugPort {
 public:
  virtual ~DebugPort() = default;
  virtual DebugAction halted(HaltReason reason) = 0;
  virtual HaltReason poll() = 0;
  virtual bool breaks_on(HaltReason event) const = 0;
};

}  // namespace ehsim::mcu

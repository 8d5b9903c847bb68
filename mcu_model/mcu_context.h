// State shared by the CPU, the bus and the peripherals of one MCU: the cycle clock, pending
// interrupts and the fault latch. Kept tiny so the interpreter's hot loop can test it cheaply.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>

namespace ehsim::mcu {

inline constexpr uint64_t kNeverCycle = std::numeric_limits<uint64_t>::max();

// Interrupt vector numbers use TI's numbering (vector N at 0xFF90 + 2N; see
// facts §2.1, TI msp430fr5994.h). Higher N = higher priority.
inline constexpr int kResetVector = 55;
inline constexpr uint16_t vector_address(int vector) {
  return uint16_t(0xFF90 + 2 * vector);
}

class InterruptController {
 public:
  void raise(int vector) { pending_ |= uint64_t{1} << vector; }
  void clear(int vector) { pending_ &= ~(uint64_t{1} << vector); }
  bool any_pending() const { return pending_ != 0; }
  bool is_pending(int vector) const { return (pending_ >> vector) & 1; }
  // Highest-priority pending vector, or -1.
  int highest() const { return pending_ ? 63 - __builtin_clzll(pending_) : -1; }
  // Called when the CPU accepts `vector`: single-source peripherals clear their flag here.
  void set_acknowledge(int vector, std::function<void()> on_accept) {
    on_accept_[vector] = std::move(on_accept);
  }
  void acknowledge(int vector) {
    if (on_accept_[vector]) on_accept_[vector]();
  }
  void reset() { pending_ = 0; }

 private:
  uint64_t pending_ = 0;
  std::array<std::function<void()>, 64> on_accept_{};
};

enum class FaultKind : uint8_t {
  kNone,
  kIllegalInstruction,  // opcode the CPU cannot execute (MSP430X forms are not modelled)
  kVacantRead,          // read of an address no memory or peripheral answers
  kVacantWrite,         // write to such an address
  kVacantFetch,         // instruction fetch from vacant memory or the peripheral area
  kWriteProtected,      // write to ROM (BSL, TLV)
  // Access to a peripheral register ehsim does not model, with McuConfig::strict_peripherals
  // (see UnmodelledAccess); without it such an access is only reported.
  kUnmodelledPeripheral,
};

const char* to_string(FaultKind kind);

struct Fault {
  FaultKind kind = FaultKind::kNone;
  uint32_t pc = 0;       // address of the faulting instruction (20-bit)
  uint16_t opcode = 0;   // its first word
  uint32_t address = 0;  // memory address involved (vacant/protected accesses, 20-bit)
  uint64_t cycle = 0;
};

// An access to peripheral hardware ehsim does not model: an address in the peripheral area
// 0x0000-0x0FFF (facts §2.1) where no peripheral is attached, or an offset inside an attached
// peripheral that maps to no modelled register (Peripheral::modelled).
//
// CONTRACT (in the manner of mspdebug's simio_device.h, for sim/ and tests):
// - Who reports: the bus, on its slow (peripheral) path only, before the access is carried out;
//   a peripheral may also report accesses it cannot model faithfully (e.g. a DMA trigger source
//   it does not implement) through Peripheral::report_unmodelled(). Host-side peeks never report.
// - What happens to the access: a read of an unattached address returns 0 (the reset value of
//   most registers; the device's answer is unknown to the model) and a write is dropped; an
//   unmodelled offset inside a peripheral is still handed to that peripheral, which returns 0 or
//   ignores it as before. Instruction fetches from the peripheral area stay kVacantFetch faults,
//   and truly vacant memory outside 0x0000-0x0FFF keeps its kVacantRead/kVacantWrite faults.
// - When it is reported: synchronously, in the middle of the instruction making the access; the
//   listener must not call back into the MCU model (no bus accesses, no reset, no run). `cycle`
//   is ctx.cycles at the access, `pc` the address of the instruction (filled in by the Mcu; 0 for
//   a bare bus without an Mcu).
// - Every report increments McuContext::unmodelled_accesses, listener or not. With
//   McuContext::strict_peripherals (McuConfig::strict_peripherals) it also latches a
//   kUnmodelledPeripheral fault at `address`, handled like every other fault (FaultPolicy).
struct UnmodelledAccess {
  uint32_t address = 0;  // byte address (a word access: the even address)
  uint32_t pc = 0;       // address of the instruction that made the access
  bool write = false;
  uint8_t size = 2;    // bytes: 1 or 2
  uint16_t value = 0;  // the value written (writes only)
  uint64_t cycle = 0;
  const char* peripheral = nullptr;  // owning peripheral's name, nullptr for an unattached address
};

// Why a run of the CPU stopped.
enum class StopReason : uint8_t {
  kNone,
  kCycleLimit,  // reached the cycle budget of this call (quantum or --max-cycles)
  kBreakpoint,  // PC reached a breakpoint before executing it
  kHostExit,    // firmware ended the simulation through host_io
  kFault,       // see McuContext::fault
  kSleep,       // CPUOFF set and no interrupt can wake it before the cycle limit
  kSync,        // a peripheral asked for a synchronisation point (its next event changed)
};

const char* to_string(StopReason reason);

struct McuContext {
  uint64_t cycles = 0;        // MCLK cycles executed since simulation start (never reset)
  uint64_t instructions = 0;  // instructions executed since simulation start
  uint32_t mclk_hz = 1'000'000;
  InterruptController irq;
  Fault fault;                  // first fault since it was last cleared
  bool stop_requested = false;  // set by host_io exit or a peripheral that needs the CPU to stop
  StopReason stop_reason = StopReason::kNone;
  int exit_code = 0;  // host_io exit code
  // A peripheral whose next_event_cycle() changed (timer started, conversion triggered) asks the
  // CPU to return to its caller so the schedule is recomputed.
  void request_sync() {
    sync_requested = true;
    stop_requested = true;
  }
  bool sync_requested = false;
  // A peripheral that resets the device (watchdog expiry, password violation, PMMSWBOR/PMMSWPOR)
  // records the SYSRSTIV code of the cause here and stops the CPU; the MCU owner performs the
  // reset between instructions. The first request wins until the owner clears it.
  enum class ResetLevel : uint8_t { kNone, kPuc, kPor, kBor };
  ResetLevel reset_request = ResetLevel::kNone;
  uint16_t reset_sysrstiv = 0;  // SYSRSTIV value of the requested reset (facts §3.3)
  void request_reset(ResetLevel level, uint16_t sysrstiv) {
    if (reset_request == ResetLevel::kNone) {
      reset_request = level;
      reset_sysrstiv = sysrstiv;
    }
    stop_requested = true;
  }
  void request_puc(uint16_t sysrstiv) { request_reset(ResetLevel::kPuc, sysrstiv); }
  // Unmodelled peripheral accesses (UnmodelledAccess): how many since the start, whether they
  // fault, and where they are reported (set by the Mcu; may be empty).
  uint64_t unmodelled_accesses = 0;
  bool strict_peripherals = false;
  std::function<void(UnmodelledAccess&)> on_unmodelled;
  void report_unmodelled(UnmodelledAccess access) {
    access.cycle = cycles;
    ++unmodelled_accesses;
    if (strict_peripherals) raise_fault(FaultKind::kUnmodelledPeripheral, access.address);
    if (on_unmodelled) on_unmodelled(access);
  }
  // A data access that hit a bus watchpoint (Bus::set_watchpoints): the first since the owner
  // last cleared it. The CPU finishes the instruction and returns (a sync stop).
  struct WatchHit {
    bool hit = false;
    uint32_t address = 0;  // the accessed byte or word's address
    bool write = false;
  };
  WatchHit watch_hit;
  void report_watch_hit(uint32_t address, bool write) {
    if (!watch_hit.hit) watch_hit = WatchHit{true, address, write};
    request_sync();
  }
  // Set by the bus on a fault; the CPU checks it after each instruction.
  void raise_fault(FaultKind kind, uint32_t address) {
    if (fault.kind == FaultKind::kNone) {
      fault.kind = kind;
      fault.address = address;
      fault.cycle = cycles;
    }
    stop_requested = true;
  }
};

}  // namespace ehsim::mcu

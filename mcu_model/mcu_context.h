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
};

const char* to_string(FaultKind kind);

struct Fault {
  FaultKind kind = FaultKind::kNone;
  uint32_t pc = 0;       // address of the faulting instruction (20-bit)
  uint16_t opcode = 0;   // its first word
  uint32_t address = 0;  // memory address involved (vacant/protected accesses, 20-bit)
  uint64_t cycle = 0;
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

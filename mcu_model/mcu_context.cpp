#include "mcu_model/mcu_context.h"

namespace ehsim::mcu {

const char* to_string(FaultKind kind) {
  switch (kind) {
    case FaultKind::kNone:
      return "none";
    case FaultKind::kIllegalInstruction:
      return "illegal_instruction";
    case FaultKind::kVacantRead:
      return "vacant_read";
    case FaultKind::kVacantWrite:
      return "vacant_write";
    case FaultKind::kVacantFetch:
      return "vacant_fetch";
    case FaultKind::kWriteProtected:
      return "write_protected";
    case FaultKind::kUnmodelledPeripheral:
      return "unmodelled_peripheral";
  }
  return "unknown";
}

const char* to_string(StopReason reason) {
  switch (reason) {
    case StopReason::kNone:
      return "none";
    case StopReason::kCycleLimit:
      return "cycle_limit";
    case StopReason::kBreakpoint:
      return "breakpoint";
    case StopReason::kHostExit:
      return "host_exit";
    case StopReason::kFault:
      return "fault";
    case StopReason::kSleep:
      return "sleep";
    case StopReason::kSync:
      return "sync";
  }
  return "unknown";
}

}  // namespace ehsim::mcu

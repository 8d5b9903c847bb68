#include "sim/debug/break_reporter.h"

#include <cstdio>

#include "sim/debug/backtrace.h"
#include "sim/scenario/units.h"

namespace ehsim {

const char* halt_reason_name(mcu::HaltReason reason) {
  switch (reason) {
    case mcu::HaltReason::kNone:
      return "none";
    case mcu::HaltReason::kAttach:
      return "attach";
    case mcu::HaltReason::kBreakpoint:
      return "breakpoint";
    case mcu::HaltReason::kWatchpoint:
      return "watchpoint";
    case mcu::HaltReason::kStep:
      return "step";
    case mcu::HaltReason::kInterrupt:
      return "interrupt";
    case mcu::HaltReason::kPowerFail:
      return "power-fail";
    case mcu::HaltReason::kBoot:
      return "boot";
    case mcu::HaltReason::kVoltage:
      return "voltage";
    case mcu::HaltReason::kExited:
      return "exited";
  }
  return "?";
}

std::string describe_where(mcu::Mcu& mcu, const FirmwareSymbols& symbols) {
  const uint32_t pc = mcu.cpu().pc();
  char line[200];
  std::snprintf(line, sizeof line, "pc 0x%05X %s, cycle %llu, %.9f s\n", unsigned(pc),
                symbols.symbolize(pc).c_str(), (unsigned long long)mcu.ctx().cycles,
                mcu.local_time().to_seconds());
  return line;
}

std::string describe_halted_mcu(mcu::Mcu& mcu, const FirmwareSymbols& symbols) {
  const mcu::Cpu& cpu = mcu.cpu();
  char line[200];
  std::string out = describe_where(mcu, symbols);
  for (int r = 0; r < 16; r += 4) {
    std::snprintf(line, sizeof line, "  R%-2d %05X  R%-2d %05X  R%-2d %05X  R%-2d %05X\n", r,
                  unsigned(cpu.reg(r)), r + 1, unsigned(cpu.reg(r + 1)), r + 2,
                  unsigned(cpu.reg(r + 2)), r + 3, unsigned(cpu.reg(r + 3)));
    out += line;
  }
  const uint16_t sr = cpu.sr();
  std::snprintf(line, sizeof line, "  SR flags: V=%d N=%d Z=%d C=%d GIE=%d CPUOFF=%d\n",
                (sr >> 8) & 1, (sr >> 2) & 1, (sr >> 1) & 1, sr & 1, (sr >> 3) & 1, (sr >> 4) & 1);
  out += line;
  out += "backtrace (stack scan):\n";
  out += format_backtrace(mcu.bus(), cpu.pc(), cpu.reg(1), symbols);
  return out;
}

BreakReporter::BreakReporter(const std::vector<std::string>& specs, mcu::Mcu& mcu,
                             const FirmwareSymbols& symbols, SupplyControl supply,
                             std::ostream& out)
    : mcu_(mcu), symbols_(symbols), supply_(std::move(supply)), out_(out) {
  for (const std::string& spec : specs) {
    breaks_.add(spec, "--break-on");
    if (!supply_.has_supply() && !breaks_.empty()) {
      throw InputError("--break-on '" + spec +
                       "': ehsim exec runs on continuous power, so there is no power failure, "
                       "boot after one, or capacitor voltage to break on (use ehsim run)");
    }
  }
}

mcu::DebugAction BreakReporter::halted(mcu::HaltReason reason) {
  if (reason == mcu::HaltReason::kAttach || reason == mcu::HaltReason::kExited) {
    return mcu::DebugAction::kContinue;
  }
  out_ << "ehsim: break on " << halt_reason_name(reason);
  if (reason == mcu::HaltReason::kVoltage) out_ << " (" << breaks_.voltage_text() << ")";
  out_ << " at " << describe_halted_mcu(mcu_, symbols_);
  if (supply_.energy_report) out_ << "supply:\n" << supply_.energy_report();
  out_.flush();
  return mcu::DebugAction::kStop;
}

mcu::HaltReason BreakReporter::poll() {
  return supply_.has_supply() ? breaks_.poll(supply_.capacitor_V()) : mcu::HaltReason::kNone;
}

}  // namespace ehsim

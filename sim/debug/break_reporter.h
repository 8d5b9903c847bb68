// `--break-on EVENT` without GDB (ehsim exec and run): when the event happens, print the MCU's
// state (where, registers, the supply) and a symbolised backtrace, then end the run as a
// requested break (exit reason "break"). Events as in EnergyBreaks: power-fail, boot,
// voltage<LEVEL, voltage>LEVEL.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "mcu_model/debug_port.h"
#include "mcu_model/mcu.h"
#include "sim/debug/energy_breaks.h"
#include "sim/debug/supply_control.h"
#include "sim/run/firmware_symbols.h"

namespace ehsim {

// "pc 0x0403C main+0x2E, cycle N, T s": where the halted MCU stands (`monitor where`).
std::string describe_where(mcu::Mcu& mcu, const FirmwareSymbols& symbols);

// What `--break-on` prints: the PC as function+offset,
// cycle and time, R0-R15 and SR's flags, then the backtrace (sim/debug/backtrace.h).
std::string describe_halted_mcu(mcu::Mcu& mcu, const FirmwareSymbols& symbols);

// A name for a halt reason in messages: "power-fail", "boot", "voltage", ...
const char* halt_reason_name(mcu::HaltReason reason);

class BreakReporter : public mcu::DebugPort {
 public:
  // Throws InputError for a spec EnergyBreaks does not accept, or a voltage break without a
  // supply.
  BreakReporter(const std::vector<std::string>& specs, mcu::Mcu& mcu,
                const FirmwareSymbols& symbols, SupplyControl supply, std::ostream& out);

  mcu::DebugAction halted(mcu::HaltReason reason) override;
  mcu::HaltReason poll() override;
  bool breaks_on(mcu::HaltReason event) const override { return breaks_.breaks_on(event); }

 private:
  EnergyBreaks breaks_;
  mcu::Mcu& mcu_;
  const FirmwareSymbols& symbols_;
  SupplyControl supply_;
  std::ostream& out_;
};

}  // namespace ehsim

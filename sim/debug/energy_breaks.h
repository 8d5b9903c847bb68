// The energy breakpoints of EDB (Colin et al., ASPLOS'16) as ehsim offers them: halt when the
// supply is about to fail, after a boot, or when the capacitor voltage crosses a level. Shared by
// the GDB server (`monitor break ...`) and `--break-on` (sim/debug/break_reporter.h).
#pragma once

#include <optional>
#include <string>

#include "mcu_model/debug_port.h"

namespace ehsim {

class EnergyBreaks {
 public:
  // Adds one break from its text: "power-fail", "boot", "voltage<1.95V" or "voltage>2.2V" (spaces
  // allowed around the comparison; the unit may be V or mV). Throws InputError naming `what`
  // (e.g. "--break-on") and the accepted forms.
  void add(const std::string& spec, const std::string& what);
  // Removes "power-fail", "boot" or "voltage"; "" removes all. Throws InputError for other text.
  void remove(const std::string& which, const std::string& what);
  bool empty() const { return !power_fail_ && !boot_ && !voltage_; }
  // One line per break set, e.g. "voltage < 1.950 V".
  std::string describe() const;

  // DebugPort::breaks_on for the MCU's events (kPowerFail, kBoot).
  bool breaks_on(mcu::HaltReason event) const;
  // kVoltage when the capacitor voltage crossed the level, in the break's direction, since the
  // last call (the first call only records the voltage); else kNone.
  mcu::HaltReason poll(double capacitor_V);
  // The level and direction of the voltage break, for messages.
  std::string voltage_text() const;

 private:
  struct VoltageBreak {
    double level_V;
    bool falling;  // "<": halt when the voltage falls below the level
  };
  bool power_fail_ = false;
  bool boot_ = false;
  std::optional<VoltageBreak> voltage_;
  std::optional<double> last_V_;
};

}  // namespace ehsim

#include "sim/debug/energy_breaks.h"

#include <cmath>
#include <cstdio>

#include "sim/scenario/units.h"

namespace ehsim {

namespace {

constexpr const char* kForms =
    "power-fail, boot, voltage<LEVEL or voltage>LEVEL (e.g. voltage<1.95V)";

std::string trimmed(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

}  // namespace

void EnergyBreaks::add(const std::string& spec_text, const std::string& what) {
  const std::string spec = trimmed(spec_text);
  if (spec == "power-fail") {
    power_fail_ = true;
    return;
  }
  if (spec == "boot") {
    boot_ = true;
    return;
  }
  if (spec.rfind("voltage", 0) == 0) {
    const std::string rest = trimmed(spec.substr(7));
    if (!rest.empty() && (rest[0] == '<' || rest[0] == '>')) {
      const double level = parse_quantity(trimmed(rest.substr(1)), "V", what + " '" + spec + "'");
      if (!(level > 0 && level < 100)) {
        throw InputError(what + " '" + spec + "': the level must lie between 0 and 100 V");
      }
      voltage_ = VoltageBreak{level, rest[0] == '<'};
      last_V_.reset();
      return;
    }
  }
  throw InputError(what + " '" + spec + "': expected " + kForms);
}

void EnergyBreaks::remove(const std::string& which_text, const std::string& what) {
  const std::string which = trimmed(which_text);
  if (which.empty() || which == "power-fail") power_fail_ = false;
  if (which.empty() || which == "boot") boot_ = false;
  if (which.empty() || which == "voltage") voltage_.reset();
  if (!which.empty() && which != "power-fail" && which != "boot" && which != "voltage") {
    throw InputError(what + " '" + which + "': expected power-fail, boot or voltage");
  }
}

std::string EnergyBreaks::voltage_text() const {
  if (!voltage_) return "";
  char text[48];
  std::snprintf(text, sizeof text, "voltage %c %.3f V", voltage_->falling ? '<' : '>',
                voltage_->level_V);
  return text;
}

std::string EnergyBreaks::describe() const {
  std::string out;
  if (power_fail_) out += "power-fail\n";
  if (boot_) out += "boot\n";
  if (voltage_) out += voltage_text() + "\n";
  return out;
}

bool EnergyBreaks::breaks_on(mcu::HaltReason event) const {
  return (event == mcu::HaltReason::kPowerFail && power_fail_) ||
         (event == mcu::HaltReason::kBoot && boot_);
}

mcu::HaltReason EnergyBreaks::poll(double capacitor_V) {
  if (!voltage_ || !std::isfinite(capacitor_V)) return mcu::HaltReason::kNone;
  const std::optional<double> last = last_V_;
  last_V_ = capacitor_V;
  if (!last) return mcu::HaltReason::kNone;
  const double level = voltage_->level_V;
  const bool crossed = voltage_->falling ? (*last >= level && capacitor_V < level)
                                         : (*last <= level && capacitor_V > level);
  return crossed ? mcu::HaltReason::kVoltage : mcu::HaltReason::kNone;
}

}  // namespace ehsim

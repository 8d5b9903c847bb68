#include "mcu_model/periph/host_io.h"

namespace ehsim::mcu {

HostIo::HostIo(McuContext& ctx, OutputLog& log)
    : Peripheral("host_io", kBase, 0x40, ctx), log_(log) {}

void HostIo::reset_power_up() {
  mark_arg_ = 0;
}

uint16_t HostIo::read_word(uint16_t offset) {
  switch (offset) {
    case kId:
      return kIdValue;
    case kMarkArg:
      return mark_arg_;
    default:
      return 0;
  }
}

void HostIo::write_word(uint16_t offset, uint16_t value) {
  switch (offset) {
    case kOut:
      log_.host_text.push_back(char(value & 0xFF));
      break;
    case kMarkArg:
      mark_arg_ = value;
      break;
    case kMark:
      log_.markers.push_back({ctx().cycles, value, mark_arg_});
      break;
    case kExit:
      exited_ = true;
      ctx().exit_code = value;
      ctx().stop_reason = StopReason::kHostExit;
      ctx().stop_requested = true;
      break;
    default:
      break;
  }
}

void HostIo::write_byte(uint16_t offset, uint8_t value) {
  // Byte writes carry the byte zero-extended (host_io.h: "byte or word, low byte used").
  if (offset & 1) return;
  write_word(offset, value);
}

}  // namespace ehsim::mcu

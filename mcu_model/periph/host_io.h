// host_io @0x0F00: the simulator's stand-in for a sensor and a debug link. Layout shared with
// freeml/firmware/include/ehsim/host_io.h — keep both in step.
#pragma once

#include <cstdint>

#include "mcu_model/periph/output_log.h"
#include "mcu_model/periph/peripheral.h"

namespace ehsim::mcu {

class HostIo : public Peripheral {
 public:
  static constexpr uint16_t kBase = 0x0F00;
  static constexpr uint16_t kId = 0x00, kOut = 0x02, kMark = 0x04, kExit = 0x06, kMarkArg = 0x08;
  static constexpr uint16_t kIdValue = 0x4E48;  // "HN"

  HostIo(McuContext& ctx, OutputLog& log);

  uint16_t read_word(uint16_t offset) override;
  void write_word(uint16_t offset, uint16_t value) override;
  void write_byte(uint16_t offset, uint8_t value) override;
  void reset_power_up() override;

  bool exited() const { return exited_; }

 private:
  OutputLog& log_;
  uint16_t mark_arg_ = 0;
  bool exited_ = false;
};

}  // namespace ehsim::mcu

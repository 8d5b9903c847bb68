// Digital I/O @0x0200–0x033F (SLAU367P chapter "Digital I/O"; offsets from TI msp430fr5994.h):
// one object per 0x20-byte block holding a pair of 8-bit ports (PA = P1/P2 … PD = P7/P8) or the
// 16-bit-addressed port J. Every change of a PxOUT value is logged with its cycle.
//
// Inputs: an external circuit drives input pins through a schedule of level changes (PinInput,
// McuConfig::gpio_inputs), applied lazily at their cycle. A change seen on PxIN sets PxIFG on the
// edge PxIES selects (0: low-to-high, 1: high-to-low); PxIFG & PxIE requests the port's vector
// (PORT1..PORT8, facts §2.1; port J has no interrupt); PxIV reports the lowest pending enabled
// pin as 2·(pin+1) and reading it clears that flag (SLAU367P "PxIV").
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mcu_model/periph/output_log.h"
#include "mcu_model/periph/peripheral.h"

namespace ehsim::mcu {

// A change of the level an external circuit drives onto a pin.
struct PinInput {
  double time_s = 0;             // when, in the MCU's simulated seconds since the start, unless…
  uint64_t cycle = kNeverCycle;  // …this is set: at this MCLK cycle count (McuContext::cycles)
  std::string port;              // "P1".."P8", "PJ"
  unsigned pin = 0;              // 0..7
  bool level = false;
};

class GpioPorts : public Peripheral {
 public:
  static constexpr uint16_t kIn = 0x00, kOut = 0x02, kDir = 0x04, kRen = 0x06, kSel0 = 0x0A,
                            kSel1 = 0x0C, kIv1 = 0x0E, kSelC = 0x16, kIes = 0x18, kIe = 0x1A,
                            kIfg = 0x1C, kIv2 = 0x1E;
  static constexpr int kNoVector = -1;

  // low_port/high_port name the ports in the low/high byte ("P1", "P2"); an empty high_port
  // means one port spanning the word (PJ). low_vector/high_vector: the ports' interrupt vectors
  // (kNoVector: the port has no interrupt).
  GpioPorts(McuContext& ctx, uint16_t base, std::string low_port, std::string high_port,
            OutputLog& log, int low_vector = kNoVector, int high_vector = kNoVector);

  uint16_t read_word(uint16_t offset) override;
  void write_word(uint16_t offset, uint16_t value) override;
  uint16_t peek_word(uint16_t offset) override;
  void reset_power_up() override;
  // PUC resets direction, function select and interrupt registers; PxOUT has no defined reset
  // value and keeps its latch, so the output log stays continuous across a PUC. The levels the
  // outside world drives are not the device's state: they survive every reset.
  void reset_puc() override;
  // The block's registers (TI msp430fr5994.h OFS_PxIN..OFS_PxIV); 08h, 10h-14h are reserved.
  bool modelled(uint16_t offset) const override {
    return offset != 0x08 && (offset < 0x10 || offset > 0x14);
  }

  uint64_t next_event_cycle() const override;
  void advance_to(uint64_t now) override;

  // Whether `port` ("P1", "PJ") is one of this block's ports.
  bool has_port(const std::string& port) const;
  // Takes the entries of `inputs` that name this block's ports (pins 0..7). cycle_at_time maps a
  // PinInput::time_s to the MCLK cycle at which it happens (the MCU's present clock mapping).
  void set_inputs(const std::vector<PinInput>& inputs, std::function<uint64_t(double)> cycle_at);

 private:
  struct Change {
    double time_s;
    uint64_t cycle;  // kNeverCycle: timed by time_s
    uint16_t mask;
    bool level;
  };
  uint64_t cycle_of(const Change& c) const;
  // The earliest pending change of either queue, or nullptr.
  const Change* next_change() const;
  uint16_t pin_levels() const;
  void update_irq();
  uint16_t iv(bool high) const;
  void log_out_change(uint16_t old_value, uint16_t new_value);
  std::string low_port_, high_port_;
  OutputLog& log_;
  int low_vector_, high_vector_;
  std::array<uint16_t, 16> regs_{};
  uint16_t ext_level_ = 0;                  // level driven from outside, per pin bit
  uint16_t ext_driven_ = 0;                 // pins the schedule has driven so far
  std::vector<Change> by_cycle_, by_time_;  // each sorted; consumed from the front
  size_t next_by_cycle_ = 0, next_by_time_ = 0;
  std::function<uint64_t(double)> cycle_at_;
};

}  // namespace ehsim::mcu

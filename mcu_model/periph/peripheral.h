// Base class of memory-mapped peripherals. The bus routes accesses in [base, base + size) to it
// with the offset from base. Peripherals whose state depends on time compute it lazily from
// McuContext::cycles and announce their next autonomous event (timer overflow, conversion done)
// through next_event_cycle(), so the CPU never has to synchronise per instruction.
#pragma once

#include <cstdint>
#include <string>

#include "mcu_model/mcu_context.h"

namespace ehsim::mcu {

class Peripheral {
 public:
  Peripheral(std::string name, uint16_t base, uint16_t size, McuContext& ctx)
      : name_(std::move(name)), base_(base), size_(size), ctx_(ctx) {}
  virtual ~Peripheral() = default;
  Peripheral(const Peripheral&) = delete;
  Peripheral& operator=(const Peripheral&) = delete;

  const std::string& name() const { return name_; }
  uint16_t base() const { return base_; }
  uint16_t size() const { return size_; }

  // Word access; offset is even.
  virtual uint16_t read_word(uint16_t offset) = 0;
  virtual void write_word(uint16_t offset, uint16_t value) = 0;
  // Byte access; by default the matching half of the word (read-modify-write on write).
  virtual uint8_t read_byte(uint16_t offset) {
    const uint16_t word = read_word(offset & ~1u);
    return (offset & 1) ? uint8_t(word >> 8) : uint8_t(word);
  }
  virtual void write_byte(uint16_t offset, uint8_t value) {
    const uint16_t word = read_word(offset & ~1u);
    write_word(offset & ~1u, (offset & 1) ? uint16_t((word & 0x00FF) | (value << 8))
                                          : uint16_t((word & 0xFF00) | value));
  }
  // Side-effect-free read for dumps and debuggers.
  virtual uint16_t peek_word(uint16_t offset) { return read_word(offset); }

  // Power-up clear (BOR/POR) and PUC. By default a PUC resets like power-up.
  virtual void reset_power_up() = 0;
  virtual void reset_puc() { reset_power_up(); }

  // Next cycle at which the peripheral changes state on its own (kNeverCycle if none), and the
  // call that lets it catch up to `now` (raise interrupts, finish conversions).
  virtual uint64_t next_event_cycle() const { return kNeverCycle; }
  virtual void advance_to(uint64_t /*now*/) {}

 protected:
  McuContext& ctx() { return ctx_; }
  const McuContext& ctx() const { return ctx_; }

 private:
  std::string name_;
  uint16_t base_;
  uint16_t size_;
  McuContext& ctx_;
};

}  // namespace ehsim::mcu

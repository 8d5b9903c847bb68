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

  // CONTRACT: called by the MCU on every attached peripheral, in attach order, whenever the
  // clock system may have changed the frequency of MCLK, SMCLK or ACLK: after every CS register
  // write that reaches the clock settings (CSCTL1..6 while unlocked) and after a reset of CS,
  // whether or not a frequency actually changed (so it must be harmless when none did; the WDT and
  // timers re-anchor their counts at each call, and existing results depend on that). Nothing
  // else calls it. ctx().cycles is the cycle of the write; ctx().mclk_hz and the Cs accessors
  // already give the new frequencies. Time before the call was counted at the old rates: a
  // peripheral that derives state from elapsed cycles catches up to ctx().cycles at its old rates
  // first, then re-times what remains, and calls ctx().request_sync() if its next_event_cycle()
  // may have moved. It may read its own registers and the Cs frequencies, and must not access the
  // bus or other peripherals.
  virtual void clocks_changed() {}

  // Whether the register at the even `offset` is modelled. The bus reports every CPU access to an
  // offset for which this is false as an UnmodelledAccess (mcu_context.h) and then still hands it
  // to read_*/write_*. Peripherals whose register block has gaps or registers they do not
  // implement override this.
  virtual bool modelled(uint16_t /*offset*/) const { return true; }

 protected:
  // For accesses a peripheral cannot carry out faithfully although the register is modelled
  // (e.g. a trigger source that is not implemented): same contract as the bus's reports.
  void report_unmodelled(uint16_t offset, bool write, uint8_t size, uint16_t value) {
    UnmodelledAccess a;
    a.address = uint16_t(base_ + offset);
    a.write = write;
    a.size = size;
    a.value = value;
    a.peripheral = name_.c_str();
    ctx_.report_unmodelled(a);
  }
  McuContext& ctx() { return ctx_; }
  const McuContext& ctx() const { return ctx_; }

 private:
  std::string name_;
  uint16_t base_;
  uint16_t size_;
  McuContext& ctx_;
};

}  // namespace ehsim::mcu

#include "mcu_model/periph/gpio.h"

#include <algorithm>

namespace ehsim::mcu {

GpioPorts::GpioPorts(McuContext& ctx, uint16_t base, std::string low_port, std::string high_port,
                     OutputLog& log, int low_vector, int high_vector)
    : Peripheral(high_port.empty() ? low_port : "P" + low_port.substr(1) + "/" + high_port, base,
                 0x20, ctx),
      low_port_(std::move(low_port)),
      high_port_(std::move(high_port)),
      log_(log),
      low_vector_(low_vector),
      high_vector_(high_vector) {
  reset_power_up();
}

void GpioPorts::reset_power_up() {
  // PxDIR, PxREN, PxSEL0/1, PxIE, PxIFG reset to 0; PxOUT and PxIES are undefined after reset
  // (SLAU367P Digital I/O registers) and modelled as 0.
  regs_ = {};
  update_irq();
}

void GpioPorts::reset_puc() {
  const uint16_t out = regs_[kOut / 2];
  regs_ = {};
  regs_[kOut / 2] = out;
  update_irq();
}

bool GpioPorts::has_port(const std::string& port) const {
  return port == low_port_ || (!high_port_.empty() && port == high_port_);
}

void GpioPorts::set_inputs(const std::vector<PinInput>& inputs,
                           std::function<uint64_t(double)> cycle_at) {
  by_cycle_.clear();
  by_time_.clear();
  next_by_cycle_ = next_by_time_ = 0;
  cycle_at_ = std::move(cycle_at);
  for (const PinInput& in : inputs) {
    if (!has_port(in.port) || in.pin > 7) continue;
    const unsigned bit = in.port == low_port_ ? in.pin : in.pin + 8;
    const Change c{in.time_s, in.cycle, uint16_t(1u << bit), in.level};
    (in.cycle != kNeverCycle ? by_cycle_ : by_time_).push_back(c);
  }
  // Stable: changes of the same instant apply in the order given.
  std::stable_sort(by_cycle_.begin(), by_cycle_.end(),
                   [](const Change& a, const Change& b) { return a.cycle < b.cycle; });
  std::stable_sort(by_time_.begin(), by_time_.end(),
                   [](const Change& a, const Change& b) { return a.time_s < b.time_s; });
  ctx().request_sync();  // the next event moved
}

uint64_t GpioPorts::cycle_of(const Change& c) const {
  if (c.cycle != kNeverCycle) return c.cycle;
  return cycle_at_ ? cycle_at_(c.time_s) : kNeverCycle;
}

const GpioPorts::Change* GpioPorts::next_change() const {
  const Change* a = next_by_cycle_ < by_cycle_.size() ? &by_cycle_[next_by_cycle_] : nullptr;
  const Change* b = next_by_time_ < by_time_.size() ? &by_time_[next_by_time_] : nullptr;
  if (!a || !b) return a ? a : b;
  return cycle_of(*b) < cycle_of(*a) ? b : a;
}

uint64_t GpioPorts::next_event_cycle() const {
  const Change* c = next_change();
  return c ? cycle_of(*c) : kNeverCycle;
}

uint16_t GpioPorts::pin_levels() const {
  // Outputs read back their driven level; inputs read what the outside drives, else (never
  // driven) the pull resistor's direction (PxOUT with PxREN), else 0 for a floating pin.
  const uint16_t out = regs_[kOut / 2], dir = regs_[kDir / 2], ren = regs_[kRen / 2];
  const uint16_t in = ~dir;
  return uint16_t((out & dir) | (ext_level_ & ext_driven_ & in) | (out & ren & in & ~ext_driven_));
}

void GpioPorts::advance_to(uint64_t now) {
  for (const Change* c = next_change(); c && cycle_of(*c) <= now; c = next_change()) {
    const uint16_t before = pin_levels();
    ext_driven_ |= c->mask;
    ext_level_ = c->level ? uint16_t(ext_level_ | c->mask) : uint16_t(ext_level_ & ~c->mask);
    const uint16_t after = pin_levels();
    // PxIES = 0: PxIFG on a low-to-high transition, 1: on high-to-low (SLAU367P "PxIES").
    const uint16_t ies = regs_[kIes / 2];
    const uint16_t edges = uint16_t((~before & after & ~ies) | (before & ~after & ies));
    uint16_t capable = 0;
    if (low_vector_ != kNoVector) capable |= 0x00FF;
    if (high_vector_ != kNoVector) capable |= 0xFF00;
    regs_[kIfg / 2] |= uint16_t(edges & capable);
    if (c->cycle != kNeverCycle) {
      ++next_by_cycle_;
    } else {
      ++next_by_time_;
    }
  }
  update_irq();
}

void GpioPorts::update_irq() {
  const uint16_t pending = regs_[kIfg / 2] & regs_[kIe / 2];
  if (low_vector_ != kNoVector) {
    if (pending & 0x00FF) {
      ctx().irq.raise(low_vector_);
    } else {
      ctx().irq.clear(low_vector_);
    }
  }
  if (high_vector_ != kNoVector) {
    if (pending & 0xFF00) {
      ctx().irq.raise(high_vector_);
    } else {
      ctx().irq.clear(high_vector_);
    }
  }
}

uint16_t GpioPorts::iv(bool high) const {
  if ((high ? high_vector_ : low_vector_) == kNoVector) return 0;
  const unsigned shift = high ? 8 : 0;
  const unsigned pending = unsigned(regs_[kIfg / 2] & regs_[kIe / 2]) >> shift & 0xFF;
  // PxIFG.0 has the highest priority: PxIV_PxIFG0 = 02h … PxIV_PxIFG7 = 10h (TI msp430fr5994.h).
  for (unsigned pin = 0; pin < 8; ++pin) {
    if (pending & (1u << pin)) return uint16_t(2 * (pin + 1));
  }
  return 0;
}

uint16_t GpioPorts::peek_word(uint16_t offset) {
  advance_to(ctx().cycles);
  if (offset == kIn) return pin_levels();
  if (offset == kIv1) return iv(false);
  if (offset == kIv2) return iv(true);
  return regs_[(offset / 2) % regs_.size()];
}

uint16_t GpioPorts::read_word(uint16_t offset) {
  const uint16_t value = peek_word(offset);
  if ((offset == kIv1 || offset == kIv2) && value != 0) {
    // Reading PxIV clears the flag it reports (SLAU367P "PxIV").
    const unsigned bit = value / 2 - 1 + (offset == kIv2 ? 8 : 0);
    regs_[kIfg / 2] &= uint16_t(~(1u << bit));
    update_irq();
  }
  return value;
}

void GpioPorts::write_word(uint16_t offset, uint16_t value) {
  advance_to(ctx().cycles);
  switch (offset) {
    case kIn:
    case kIv1:
    case kIv2:
      return;  // read-only
    case kSelC:
      // Writing PxSELC complements the selected bits of both PxSEL0 and PxSEL1.
      regs_[kSel0 / 2] ^= value;
      regs_[kSel1 / 2] ^= value;
      return;
    case kOut: {
      const uint16_t old_value = regs_[kOut / 2];
      regs_[kOut / 2] = value;
      log_out_change(old_value, value);
      return;
    }
    default:
      regs_[(offset / 2) % regs_.size()] = value;
      // Software may set or clear PxIFG and change PxIE: the request follows.
      update_irq();
  }
}

void GpioPorts::log_out_change(uint16_t old_value, uint16_t new_value) {
  if (old_value == new_value) return;
  const uint64_t cycle = ctx().cycles;
  if (high_port_.empty()) {
    log_.port_writes.push_back({cycle, low_port_, new_value});
    return;
  }
  if ((old_value ^ new_value) & 0x00FF) {
    log_.port_writes.push_back({cycle, low_port_, uint16_t(new_value & 0xFF)});
  }
  if ((old_value ^ new_value) & 0xFF00) {
    log_.port_writes.push_back({cycle, high_port_, uint16_t(new_value >> 8)});
  }
}

}  // namespace ehsim::mcu

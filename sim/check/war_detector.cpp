#include "sim/check/war_detector.h"

#include <algorithm>
#include <cstdio>

namespace ehsim {

namespace {
constexpr uint32_t kSpace = 0x100000;  // the 20-bit address space

// One past the highest address of the ranges: the per-byte arrays end there (the FR5994's FRAM
// ends at 0x44000, so they hold a quarter of the address space).
uint32_t end_of(const std::vector<std::pair<uint32_t, uint32_t>>& ranges) {
  uint32_t end = 0;
  for (const auto& range : ranges) end = std::max(end, std::min(range.second, kSpace));
  return end;
}
}  // namespace

WarDetector::WarDetector(std::vector<std::pair<uint32_t, uint32_t>> fram,
                         std::vector<std::pair<uint32_t, uint32_t>> sram)
    : fram_(std::move(fram)),
      sram_(std::move(sram)),
      written_in_(end_of(fram_), 0),
      read_in_(end_of(fram_), 0),
      read_pc_(end_of(fram_), 0),
      sram_written_(end_of(sram_), 0) {}

bool in_ranges(const std::vector<std::pair<uint32_t, uint32_t>>& ranges, uint32_t addr) {
  for (const auto& [start, end] : ranges) {
    if (addr >= start && addr < end) return true;
  }
  return false;
}

void WarDetector::access(uint32_t pc, uint32_t addr, unsigned size, bool write, uint64_t cycle) {
  for (unsigned i = 0; i < size; ++i) {
    const uint32_t a = (addr + i) % kSpace;
    if (in_ranges(sram_, a)) {
      if (write) {
        sram_written_[a] = 1;
      } else if (!sram_written_[a] && hazards_.size() < kMaxHazards) {
        auto [it, added] = sram_index_.emplace(pc, hazards_.size());
        if (added) {
          Hazard h;
          h.kind = Hazard::Kind::kUnwrittenSramRead;
          h.read_pc = pc;
          h.address = a;
          h.cycle = cycle;
          hazards_.push_back(h);
        }
        ++hazards_[it->second].occurrences;
        sram_written_[a] = 1;  // report each byte once
      }
      continue;
    }
    if (!in_ranges(fram_, a)) continue;
    if (!write) {
      // Only a read before any write in the interval sees the value of the previous one.
      if (written_in_[a] != interval_ && read_in_[a] != interval_) {
        read_in_[a] = interval_;
        read_pc_[a] = pc;
      }
      continue;
    }
    if (read_in_[a] == interval_ && written_in_[a] != interval_) {
      const auto key = std::make_pair(read_pc_[a], pc);
      auto it = index_.find(key);
      if (it == index_.end() && hazards_.size() < kMaxHazards) {
        Hazard h;
        h.read_pc = read_pc_[a];
        h.write_pc = pc;
        h.address = a;
        h.cycle = cycle;
        it = index_.emplace(key, hazards_.size()).first;
        hazards_.push_back(h);
      }
      if (it != index_.end()) {
        ++hazards_[it->second].occurrences;
        const bool open = std::any_of(open_.begin(), open_.end(),
                                      [&](const auto& o) { return o.first == it->second; });
        if (!open && hazards_[it->second].windows.size() < kMaxWindows) {
          Hazard::Window w;
          w.start = cycle;
          open_.emplace_back(it->second, w);
        }
      }
    }
    written_in_[a] = interval_;
  }
}

void WarDetector::checkpoint(uint64_t cycle) {
  for (auto& [index, window] : open_) {
    window.end = cycle;
    hazards_[index].windows.push_back(window);
  }
  open_.clear();
  ++interval_;
}

void WarDetector::injection_point(uint64_t ordinal) {
  for (auto& [index, window] : open_) {
    if (!window.has_points) window.first_point = ordinal;
    window.last_point = ordinal;
    window.has_points = true;
  }
}

std::string data_symbol(const mcu::FirmwareImage& image, uint32_t addr) {
  const std::string* best = nullptr;
  uint32_t best_start = 0, best_size = 0;
  for (const auto& [name, s] : image.symbols) {
    if (s.size == 0 || addr < s.address || addr - s.address >= s.size) continue;
    if (!best || s.size < best_size || (s.size == best_size && name < *best)) {
      best = &name;
      best_start = s.address;
      best_size = s.size;
    }
  }
  char text[32];
  if (!best) {
    std::snprintf(text, sizeof text, "0x%05X", unsigned(addr));
    return text;
  }
  if (addr == best_start) return *best;
  std::snprintf(text, sizeof text, "+0x%X", unsigned(addr - best_start));
  return *best + text;
}

}  // namespace ehsim

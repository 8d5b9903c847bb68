#include "sim/run/firmware_symbols.h"

#include <algorithm>
#include <cstdio>

namespace ehsim {

namespace {

bool starts_with(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

std::string hex(uint32_t value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%X", value);
  return buf;
}

// The entry at or below pc in a list sorted by address, or nullptr.
const std::pair<uint32_t, std::string>* at_or_below(
    const std::vector<std::pair<uint32_t, std::string>>& list, uint32_t pc) {
  auto it = std::upper_bound(list.begin(), list.end(), pc,
                             [](uint32_t v, const auto& entry) { return v < entry.first; });
  return it == list.begin() ? nullptr : &*std::prev(it);
}

}  // namespace

FirmwareSymbols::FirmwareSymbols(const mcu::FirmwareImage& image,
                                 const std::map<uint16_t, std::string>& extra_names) {
  for (const auto& [name, symbol] : image.symbols) {
    const uint32_t value = symbol.address;
    if (starts_with(name, kMarkerSymbolPrefix)) {
      const std::string marker = name.substr(std::char_traits<char>::length(kMarkerSymbolPrefix));
      if (!marker.empty() && value <= 0xFFFF) marker_names_[uint16_t(value)] = marker;
    } else if (starts_with(name, "__")) {
      reserved_.emplace_back(value, name);
    } else if (!name.empty() && name[0] != '.' && name[0] != '$') {
      code_.emplace_back(value, name);
    }
  }
  for (const auto& [id, name] : extra_names) marker_names_[id] = name;
  for (const mcu::FirmwareSegment& seg : image.segments) {
    loaded_.emplace_back(seg.vaddr, seg.vaddr + seg.memsz);
  }
  // Sorted by address, then name, so the choice among aliases is deterministic.
  std::sort(code_.begin(), code_.end());
  std::sort(reserved_.begin(), reserved_.end());
}

const std::pair<uint32_t, std::string>* FirmwareSymbols::symbol_at(uint32_t pc) const {
  // A PC outside the image (a jump into vacant memory, SRAM) belongs to no symbol.
  bool in_image = false;
  for (const auto& [start, end] : loaded_) in_image = in_image || (pc >= start && pc < end);
  if (!in_image) return nullptr;
  const auto* best = at_or_below(code_, pc);
  return best ? best : at_or_below(reserved_, pc);
}

std::string FirmwareSymbols::function_name(uint32_t pc) const {
  const auto* best = symbol_at(pc);
  return best ? best->second : hex(pc);
}

std::string FirmwareSymbols::symbolize(uint32_t pc) const {
  const auto* best = symbol_at(pc);
  if (!best) return hex(pc);
  std::string where = pc == best->first ? best->second : best->second + "+" + hex(pc - best->first);
  if (const std::string line = lines_.describe(pc); !line.empty()) where += " (" + line + ")";
  return where;
}

const std::string& FirmwareSymbols::marker_name(uint16_t id) const {
  static const std::string kNone;
  const auto it = marker_names_.find(id);
  return it == marker_names_.end() ? kNone : it->second;
}

std::string FirmwareSymbols::marker_label(uint16_t id) const {
  const std::string& name = marker_name(id);
  return name.empty() ? "marker " + hex(id) : name + " (" + hex(id) + ")";
}

}  // namespace ehsim

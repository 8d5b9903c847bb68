#include "mcu_model/mem/bus.h"

#include <algorithm>
#include <cstdio>

namespace ehsim::mcu {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "Bus::load16 assumes a little-endian host");

namespace {
constexpr uint16_t kVacantWord = 0x3FFF;  // what the device returns for vacant memory (facts §2.1)
// What a read of an unattached peripheral-area address returns (UnmodelledAccess contract).
constexpr uint16_t kUnmodelledWord = 0;
}  // namespace

void Bus::report_unmodelled(uint32_t addr, bool write, uint8_t size, uint16_t value,
                            const Peripheral* p) {
  UnmodelledAccess a;
  a.address = size == 2 ? uint16_t(addr & 0xFFFE) : addr;
  a.write = write;
  a.size = size;
  a.value = value;
  a.peripheral = p ? p->name().c_str() : nullptr;
  ctx_.report_unmodelled(a);
}

Bus::Bus(const MemoryMap& map, McuContext& ctx)
    : map_(map), ctx_(ctx), periph_index_(kPeripheralSpace, 0) {
  moved_page_kind_.fill(kPageMixed);  // no page moved
  // A page is uniform when one region (or none) covers all of it: regions are contiguous
  // ranges, so it is enough that the region at its first byte reaches its end, or that no region
  // starts inside it (two lookups per page instead of 256: the 1 MB map has 4096 pages).
  for (uint32_t page = 0; page < kPages; ++page) {
    const uint32_t start = page << kPageShift;
    const uint32_t end = start + (1u << kPageShift);
    const Region* first = map_.find(start);
    bool uniform;
    if (first) {
      uniform = first->end() >= end;
    } else {
      const Region* next = map_.find_next(start);
      uniform = next == nullptr || next->start >= end;
    }
    if (!uniform) {
      page_kind_[page] = kPageMixed;
    } else {
      page_kind_[page] = first ? uint8_t(first->kind) : uint8_t(kPageVacant);
    }
  }
}

void Bus::attach(Peripheral& peripheral) {
  periphs_.push_back(&peripheral);
  ++layout_version_;
  fetch_line_ = kNoLine;  // its page may no longer be plain FRAM
  const uint8_t index = uint8_t(periphs_.size());
  const uint32_t end =
      std::min<uint32_t>(kPeripheralSpace, uint32_t(peripheral.base()) + peripheral.size());
  for (uint32_t a = peripheral.base(); a < end; ++a) {
    periph_index_[a] = index;
    // A peripheral outside the peripheral area takes its page off the fast path.
    if (page_kind_[a >> kPageShift] != kPagePeripheral) page_kind_[a >> kPageShift] = kPageMixed;
  }
}

RegionKind Bus::kind_at(uint32_t addr) const {
  const Region* r = map_.find(addr);
  return r ? r->kind : RegionKind::kVacant;
}

Peripheral* Bus::peripheral_at(uint32_t addr) const {
  if (addr >= kPeripheralSpace) return nullptr;
  const uint8_t index = periph_index_[addr];
  return index ? periphs_[index - 1] : nullptr;
}

uint16_t Bus::slow_read_word(uint32_t addr, FaultKind fault) {
  set_attention();  // a peripheral or a fault may interrupt or stop the CPU
  if (checks_accesses_ && fault != FaultKind::kVacantFetch) check_access(addr, 2, false);
  if (Peripheral* p = peripheral_at(addr)) {
    if (fault == FaultKind::kVacantFetch) {
      ctx_.raise_fault(fault, addr);
      return kVacantWord;
    }
    ++stats_.peripheral_accesses;
    const uint16_t offset = uint16_t(addr - p->base());
    if (!p->modelled(offset)) report_unmodelled(addr, false, 2, 0, p);
    return p->read_word(offset);
  }
  switch (kind_at(addr)) {
    case RegionKind::kSram:
      ++stats_.sram_accesses;
      return load16(addr);
    case RegionKind::kFram:
      if (!guard_allows(addr, fault == FaultKind::kVacantFetch ? FramGuard::Access::kExecute
                                                               : FramGuard::Access::kRead)) {
        return kVacantWord;
      }
      fram_read_timing(addr);
      return load16(addr);
    case RegionKind::kRom:
      return load16(addr);
    case RegionKind::kPeripheral:
      if (fault == FaultKind::kVacantFetch) break;
      report_unmodelled(addr, false, 2, 0, nullptr);
      return kUnmodelledWord;
    case RegionKind::kVacant:
      break;
  }
  ctx_.raise_fault(fault, addr);
  return kVacantWord;
}

uint8_t Bus::slow_read_byte(uint32_t addr) {
  set_attention();
  if (checks_accesses_) check_access(addr, 1, false);
  if (Peripheral* p = peripheral_at(addr)) {
    ++stats_.peripheral_accesses;
    const uint16_t offset = uint16_t(addr - p->base());
    if (!p->modelled(uint16_t(offset & ~1u))) report_unmodelled(addr, false, 1, 0, p);
    return p->read_byte(offset);
  }
  switch (kind_at(addr)) {
    case RegionKind::kSram:
      ++stats_.sram_accesses;
      return image_[addr];
    case RegionKind::kFram:
      if (!guard_allows(addr, FramGuard::Access::kRead)) {
        return (addr & 1) ? uint8_t(kVacantWord >> 8) : uint8_t(kVacantWord);
      }
      fram_read_timing(addr);
      return image_[addr];
    case RegionKind::kRom:
      return image_[addr];
    case RegionKind::kPeripheral:
      report_unmodelled(addr, false, 1, 0, nullptr);
      return uint8_t(kUnmodelledWord);
    case RegionKind::kVacant:
      break;
  }
  ctx_.raise_fault(FaultKind::kVacantRead, addr);
  return (addr & 1) ? uint8_t(kVacantWord >> 8) : uint8_t(kVacantWord);
}

void Bus::slow_write_word(uint32_t addr, uint16_t value) {
  set_attention();
  if (checks_accesses_) check_access(addr, 2, true);
  if (Peripheral* p = peripheral_at(addr)) {
    ++stats_.peripheral_accesses;
    const uint16_t offset = uint16_t(addr - p->base());
    if (!p->modelled(offset)) report_unmodelled(addr, true, 2, value, p);
    p->write_word(offset, value);
    return;
  }
  switch (kind_at(addr)) {
    case RegionKind::kSram:
      ++stats_.sram_accesses;
      store16(addr, value);
      return;
    case RegionKind::kFram:
      if (!guard_allows(addr, FramGuard::Access::kWrite)) return;
      fram_write_timing();
      store16(addr, value);
      return;
    case RegionKind::kRom:
      ctx_.raise_fault(FaultKind::kWriteProtected, addr);
      return;
    case RegionKind::kPeripheral:
      report_unmodelled(addr, true, 2, value, nullptr);
      return;
    case RegionKind::kVacant:
      break;
  }
  ctx_.raise_fault(FaultKind::kVacantWrite, addr);
}

void Bus::slow_write_byte(uint32_t addr, uint8_t value) {
  set_attention();
  if (checks_accesses_) check_access(addr, 1, true);
  if (Peripheral* p = peripheral_at(addr)) {
    ++stats_.peripheral_accesses;
    const uint16_t offset = uint16_t(addr - p->base());
    if (!p->modelled(uint16_t(offset & ~1u))) report_unmodelled(addr, true, 1, value, p);
    p->write_byte(offset, value);
    return;
  }
  switch (kind_at(addr)) {
    case RegionKind::kSram:
      ++stats_.sram_accesses;
      image_[addr] = value;
      return;
    case RegionKind::kFram:
      if (!guard_allows(addr, FramGuard::Access::kWrite)) return;
      fram_write_timing();
      image_[addr] = value;
      return;
    case RegionKind::kRom:
      ctx_.raise_fault(FaultKind::kWriteProtected, addr);
      return;
    case RegionKind::kPeripheral:
      report_unmodelled(addr, true, 1, value, nullptr);
      return;
    case RegionKind::kVacant:
      break;
  }
  ctx_.raise_fault(FaultKind::kVacantWrite, addr);
}

bool Bus::load(uint32_t addr, const uint8_t* data, size_t len, std::string* error) {
  const uint64_t end = uint64_t{addr} + len;
  for (uint64_t a = addr; a < end; ++a) {
    const Region* r = map_.find(uint32_t(a));
    const bool backed = r && (r->kind == RegionKind::kSram || r->kind == RegionKind::kFram ||
                              r->kind == RegionKind::kRom);
    if (!backed || a >= kImageSize) {
      if (error) {
        char buf[160];
        std::snprintf(
            buf, sizeof buf, "cannot load %zu bytes at 0x%05X: address 0x%05X is %s", len,
            unsigned(addr), unsigned(a),
            !backed ? "not backed by FRAM, SRAM or ROM" : "beyond the 1 MB address space");
        *error = buf;
      }
      return false;
    }
  }
  std::copy(data, data + len, image_.begin() + addr);
  return true;
}

uint8_t Bus::peek_byte(uint32_t addr) {
  addr &= kAddrMask;
  if (Peripheral* p = peripheral_at(addr)) {
    const uint16_t word = p->peek_word(uint16_t((addr - p->base()) & ~1u));
    return (addr & 1) ? uint8_t(word >> 8) : uint8_t(word);
  }
  return image_[addr];
}

uint16_t Bus::peek_word(uint32_t addr) {
  addr &= kWordAddrMask;
  if (Peripheral* p = peripheral_at(addr)) return p->peek_word(uint16_t(addr - p->base()));
  return load16(addr);
}

void Bus::poke_byte(uint32_t addr, uint8_t value) {
  image_[addr & kAddrMask] = value;
}

void Bus::set_fram_guard(FramGuard* guard) {
  const bool changed = (guard != nullptr) != (fram_guard_ != nullptr);
  fram_guard_ = guard;
  if (changed) move_slow_pages();
}

void Bus::set_watchpoints(std::vector<Watchpoint> watchpoints) {
  watchpoints_ = std::move(watchpoints);
  move_slow_pages();
}

void Bus::set_access_observer(AccessObserver* observer,
                              std::vector<std::pair<uint32_t, uint32_t>> ranges) {
  observer_ = observer;
  observed_ranges_ = observer ? std::move(ranges) : std::vector<std::pair<uint32_t, uint32_t>>{};
  move_slow_pages();
}

void Bus::move_slow_pages() {
  checks_accesses_ = !watchpoints_.empty() || observer_;
  // Moved pages go through the slow path (kPageMixed resolves per byte); the others, and pages
  // no longer guarded or watched, take the fast paths.
  for (unsigned page = 0; page < kPages; ++page) {
    const uint8_t kind = moved_page_kind_[page] != kPageMixed && page_kind_[page] == kPageMixed
                             ? moved_page_kind_[page]
                             : page_kind_[page];
    const uint32_t start = page << kPageShift, end = start + (1u << kPageShift);
    bool watched = false;
    for (const Watchpoint& w : watchpoints_) {
      watched = watched || (w.start < end && start < w.start + w.length);
    }
    for (const auto& [first, last] : observed_ranges_) {
      watched = watched || (first < end && start < last);
    }
    const bool slow =
        (kind == kPageFram && fram_guard_) || ((kind == kPageFram || kind == kPageSram) && watched);
    page_kind_[page] = slow ? uint8_t(kPageMixed) : kind;
    moved_page_kind_[page] = slow ? kind : uint8_t(kPageMixed);
  }
  ++layout_version_;
  fetch_line_ = kNoLine;  // the CPU's fetch-line shortcut must not survive the change
}

void Bus::set_fram_wait_states(unsigned nwaits) {
  nwaits_ = nwaits;
}
unsigned Bus::fram_wait_states() const {
  return nwaits_;
}

void Bus::invalidate_fram_cache() {
  mru_way_ = {kNoLine, kNoLine};
  lru_way_ = {kNoLine, kNoLine};
  fetch_line_ = kNoLine;
}

void Bus::lose_volatile_state(uint8_t sram_pattern) {
  for (const Region& r : map_.regions) {
    if (r.kind != RegionKind::kSram || r.start >= kImageSize) continue;
    const uint32_t end = std::min<uint32_t>(r.end(), kImageSize);
    std::fill(image_.begin() + r.start, image_.begin() + end, sram_pattern);
  }
  invalidate_fram_cache();
}

void Bus::lose_volatile_state(const std::function<uint8_t()>& next_byte) {
  for (const Region& r : map_.regions) {
    if (r.kind != RegionKind::kSram || r.start >= kImageSize) continue;
    const uint32_t end = std::min<uint32_t>(r.end(), kImageSize);
    for (uint32_t a = r.start; a < end; ++a) image_[a] = next_byte();
  }
  invalidate_fram_cache();
}

const MemoryMap& Bus::map() const {
  return map_;
}
const BusStats& Bus::stats() const {
  stats_.fram_cache_hits = stats_.fram_reads - fram_misses_;
  return stats_;
}
void Bus::reset_stats() {
  stats_ = BusStats{};
  fram_misses_ = 0;
}
uint8_t* Bus::image() {
  return image_.data();
}

}  // namespace ehsim::mcu

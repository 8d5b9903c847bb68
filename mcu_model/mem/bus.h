// The MCU's memory bus: one 1 MB byte image for the MSP430X CPU's 20-bit address space (SLAU367
// §4.1: the CPUX addresses 1 MB; the FR5994's FRAM reaches 0x43FFF, facts §2.1), a page table that
// says what each 256-byte page is (SRAM, FRAM, ROM, peripheral, vacant), the FRAM controller's wait
// states and read cache, and routing of peripheral accesses.
//
// CONTRACT (used by cpu/, periph/, elf/, sim/): the public API below is fixed; the fast paths may
// be inline in this header.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "mcu_model/mcu_context.h"
#include "mcu_model/mem/memory_map.h"
#include "mcu_model/periph/peripheral.h"

namespace ehsim::mcu {

// A debugger's data watchpoint: CPU data reads and/or writes that touch [start, start+length).
struct Watchpoint {
  uint32_t start = 0;
  uint32_t length = 1;
  bool read = false;
  bool write = true;
};

// Sees CPU data accesses to chosen ranges (ehsim check's write-after-read detector).
class AccessObserver {
 public:
  virtual ~AccessObserver() = default;
  // A CPU data read or write (not an instruction fetch) of `size` bytes at `addr` that overlaps
  // an observed range, called as the access takes place.
  virtual void accessed(uint32_t addr, unsigned size, bool write) = 0;
};

// Checks CPU accesses to FRAM while set (the MPU): allow() false suppresses the access.
class FramGuard {
 public:
  enum class Access : uint8_t { kRead, kWrite, kExecute };
  virtual ~FramGuard() = default;
  virtual bool allow(uint32_t addr, Access access) = 0;
};

struct BusStats {
  uint64_t fram_reads = 0;       // CPU reads (fetch + data) that targeted FRAM
  uint64_t fram_cache_hits = 0;  // of which served by the FRAM cache
  uint64_t fram_writes = 0;      // CPU writes to FRAM (byte or word)
  uint64_t sram_accesses = 0;
  uint64_t peripheral_accesses = 0;
  uint64_t fram_wait_cycles = 0;  // wait cycles added by FRAM misses / writes
};

class Bus {
 public:
  Bus(const MemoryMap& map, McuContext& ctx);

  // Route [p.base(), p.base()+p.size()) to p. The bus does not own peripherals.
  void attach(Peripheral& peripheral);

  // CPU accesses. Word accesses ignore address bit 0. Timing side effects (FRAM wait states)
  // are added to ctx.cycles; faults are latched in ctx (read returns 0x3FFF like the device's
  // vacant-memory answer, a write is dropped). Data accesses to the peripheral area where no
  // peripheral is attached, and to offsets a peripheral does not model, are reported as
  // UnmodelledAccess instead (see its contract in mcu_context.h).
  uint16_t fetch_word(uint32_t addr);  // instruction stream (a fault here is kVacantFetch)

  // CPU run-loop fast path. fetch_opcode() is fetch_word() except that an FRAM fetch is not yet
  // added to stats().fram_reads: the CPU counts its opcode fetches in a register and hands the
  // count to note_opcode_fetches() before it returns, so the statistics are exact whenever anyone
  // outside a CPU run reads them (one memory increment less per instruction).
  uint16_t fetch_opcode(uint32_t addr);
  // fetch_opcode() for an address the caller knows is on an FRAM page (is_fram_page()) below the
  // last page (kPages - 1), in cache line `line` (addr >> kCacheLineShift, which the caller has at
  // hand): returns the opcode with the image's next word in bits 31:16 (as fetch_pair_in_line()).
  // kWaitStates = false when the caller knows NWAITS is 0.
  template <bool kWaitStates>
  __attribute__((always_inline)) uint32_t fetch_fram_opcode_pair(uint32_t addr, uint32_t line) {
    enter_fetch_line<kWaitStates>(line);
    return load32(addr & kWordAddrMask);
  }
  // Opcode fetches from the line of the last fetch_fram_opcode_pair() or fetch_fram_word(), while
  // that line is still the MRU way of its cache set: such a fetch is an MRU hit (no state change,
  // no wait states), so the CPU may take the word straight from the image with fetch_in_line().
  // The CPU calls those two only for pages it knows hold no breakpoint, so neither does this line.
  static constexpr unsigned kCacheLineShift = 3;  // 8-byte lines
  uint32_t fetch_line() const { return fetch_line_; }
  uint16_t fetch_in_line(uint32_t addr) const { return load16(addr & kWordAddrMask); }
  // The same with the image's next word in bits 31:16. The CPU takes that word as fetched (an
  // extension or operand word) only when it lies in the same line, and hands the count of such
  // words to count_fram_reads() before it returns (as note_opcode_fetches()).
  uint32_t fetch_pair_in_line(uint32_t addr) const { return load32(addr & kWordAddrMask); }
  void count_fram_reads(uint64_t reads) { stats_.fram_reads += reads; }
  // Forgets fetch_line() (the CPU's breakpoints changed).
  void clear_fetch_line() { fetch_line_ = kNoLine; }
  // fetch_word() for a word after the opcode (an extension or operand word) in fetch_line(): an
  // MRU hit, so only the FRAM read is counted.
  uint16_t fetch_word_in_line(uint32_t addr) {
    ++stats_.fram_reads;
    return load16(addr & kWordAddrMask);
  }
  // fetch_word() for a word after the opcode on a page the CPU fetches with
  // fetch_fram_opcode_pair(): its line becomes fetch_line(), so the next opcode there is fetched
  // without a lookup.
  __attribute__((always_inline)) uint16_t fetch_fram_word(uint32_t addr) {
    ++stats_.fram_reads;
    enter_fetch_line<true>(addr >> kCacheLineShift);
    return load16(addr & kWordAddrMask);
  }
  // The 256-byte page that holds addr is plain FRAM (fetch_fram_opcode_pair() may be used on it).
  // Page kinds are fixed once peripherals are attached.
  static constexpr unsigned kPageShift = 8;  // 256-byte pages
  // The 20-bit address space (SLAU367 §4.1) and its 4096 pages.
  static constexpr uint32_t kAddrMask = 0xFFFFF;
  static constexpr uint32_t kWordAddrMask = 0xFFFFE;  // word accesses ignore bit 0
  static constexpr uint32_t kPages = (kAddrMask + 1) >> kPageShift;
  bool is_fram_page(unsigned page) const { return page_kind_[page] == kPageFram; }
  // Changes whenever attach() changes page kinds, so users of is_fram_page() know to re-read.
  unsigned layout_version() const { return layout_version_; }
  void note_opcode_fetches(uint64_t fetches) {
    stats_.fram_reads += fetches - opcode_fetches_outside_fram_;
    opcode_fetches_outside_fram_ = 0;
  }
  // Set by every access that leaves the FRAM/SRAM fast paths (peripherals, faults: the only ways
  // an instruction can raise an interrupt or stop the CPU) and by the CPU on SR writes, so that
  // the CPU's inner loop tests one flag instead of the interrupt, SR, EINT-delay and stop state.
  bool attention() const { return attention_; }
  void set_attention() {
    attention_ = true;
    loop_limit_ = 0;
  }
  void clear_attention() { attention_ = false; }
  // The CPU's inner loop tests "cycle limit reached or attention" as one compare against
  // loop_limit(): set_loop_limit() arms it with the cycle limit, set_attention() zeroes it.
  void set_loop_limit(uint64_t cycle_limit) { loop_limit_ = attention_ ? 0 : cycle_limit; }
  uint64_t loop_limit() const { return loop_limit_; }
  // The image bytes [addr, addr + size) for CPU data accesses that read or write them as
  // `accesses` words, when they lie on one SRAM page (no timing, no side effects): the accesses
  // are counted and the caller reads or writes the image directly. nullptr when they do not; the
  // caller then takes read_word()/write_word() and nothing is counted.
  uint8_t* sram_block(uint32_t addr, uint32_t size, unsigned accesses) {
    const uint32_t page = addr >> kPageShift;
    if (page != (addr + size - 1) >> kPageShift || page_kind_[page] != kPageSram) return nullptr;
    stats_.sram_accesses += accesses;
    return image_.data() + addr;
  }
  // The image bytes [addr, addr + size) for CPU data reads of them as `accesses` words, when they
  // lie in one FRAM cache line on a plain FRAM page: the reads are counted and the line's cache
  // access is made once (it may add wait states), since after the first word's the line is the
  // MRU line and the others' change nothing. nullptr when they do not; the caller then takes
  // read_word() and nothing is counted.
  __attribute__((always_inline)) const uint8_t* fram_read_block(uint32_t addr, uint32_t size,
                                                                unsigned accesses) {
    if (addr >> kCacheLineShift != (addr + size - 1) >> kCacheLineShift ||
        page_kind_[addr >> kPageShift] != kPageFram) {
      return nullptr;
    }
    stats_.fram_reads += accesses;
    fram_cache_update(addr);
    return image_.data() + addr;
  }
  // Addresses are 20-bit (the CPU masks them); bits above 19 are ignored.
  uint16_t read_word(uint32_t addr);
  uint8_t read_byte(uint32_t addr);
  void write_word(uint32_t addr, uint16_t value);
  void write_byte(uint32_t addr, uint8_t value);

  // Host-side access for the loader, dumps and tests: no timing, no peripheral side effects
  // (peripherals are read with peek_word), may write ROM/FRAM. load() fails with a message if the
  // range is not backed by FRAM, SRAM or ROM.
  bool load(uint32_t addr, const uint8_t* data, size_t len, std::string* error);
  uint8_t peek_byte(uint32_t addr);
  uint16_t peek_word(uint32_t addr);
  void poke_byte(uint32_t addr, uint8_t value);

  // Memory protection: while a guard is set, every FRAM page leaves the fast paths (so the CPU
  // must re-read is_fram_page(): layout_version() changes) and each CPU access to FRAM, fetches
  // included, asks guard->allow() first. A refused read or fetch returns 3FFFh, a refused write is
  // dropped; the guard itself reports the violation. nullptr: no guard, FRAM pages fast again.
  void set_fram_guard(FramGuard* guard);

  // Watchpoints: the SRAM and FRAM pages they touch leave the fast paths, and a CPU data access
  // (not an instruction fetch) that overlaps one is reported to ctx.report_watch_hit() after it
  // took place. Empty: no watchpoints, pages fast again.
  void set_watchpoints(std::vector<Watchpoint> watchpoints);
  // The same for an observer of every access to `ranges` ([start, end) pairs); nullptr: none.
  void set_access_observer(AccessObserver* observer,
                           std::vector<std::pair<uint32_t, uint32_t>> ranges);

  // FRAM controller (FRCTL0.NWAITS, set by the FRCTL peripheral). Wait states apply to FRAM
  // accesses that miss the cache.
  void set_fram_wait_states(unsigned nwaits);
  unsigned fram_wait_states() const;
  void invalidate_fram_cache();

  // Power loss: SRAM is filled with `pattern`, the FRAM cache is invalidated, FRAM is kept.
  // Peripherals are reset by their owner, not by the bus.
  void lose_volatile_state(uint8_t sram_pattern);
  // Same, SRAM filled with bytes from next_byte() in address order.
  void lose_volatile_state(const std::function<uint8_t()>& next_byte);

  const MemoryMap& map() const;
  const BusStats& stats() const;
  void reset_stats();

  // The 1 MB image, for fast paths and debuggers. Peripheral pages hold no data here.
  uint8_t* image();

 private:
  // Page kinds mirror RegionKind; kMixed marks a page shared by several regions or holding an
  // attached peripheral outside the peripheral area, resolved per byte on the slow path.
  enum PageKind : uint8_t {
    kPageVacant,
    kPagePeripheral,
    kPageSram,
    kPageFram,
    kPageRom,
    kPageMixed
  };

  // FRAM read cache geometry (facts §2.3 [C]: Fused's FR5994 configuration — 2 sets x 2 ways x
  // 8-byte (64-bit) lines (kCacheLineShift), LRU, write-around; SLAU367P's FRCTL_A "Wait State
  // Control" section says wait states are only needed for accesses that reach the FRAM array).
  static constexpr unsigned kCacheSets = 2;
  static constexpr uint32_t kNoLine = 0xFFFFFFFF;  // line numbers are < 0x20000
  // A set is its MRU way's line (mru_way_) and its LRU way's (lru_way_). With two ways, LRU
  // replacement is "the new line becomes MRU, the old MRU becomes LRU" both on a miss and on a hit
  // in the LRU way; an access to the MRU way changes nothing.

  // Word addresses are even here, so addr + 1 never wraps. The image is little endian like the
  // MSP430; the host is assumed little endian too (x86-64, AArch64).
  uint16_t load16(uint32_t addr) const {
    uint16_t v;
    std::memcpy(&v, image_.data() + addr, 2);
    return v;
  }
  uint32_t load32(uint32_t addr) const {
    uint32_t v;
    std::memcpy(&v, image_.data() + addr, 4);
    return v;
  }
  void store16(uint32_t addr, uint16_t v) { std::memcpy(image_.data() + addr, &v, 2); }
  // A CPU read that reaches the FRAM controller: a hit is free, a miss fills the LRU way and costs
  // NWAITS cycles.
  void fram_read_timing(uint32_t addr) {
    ++stats_.fram_reads;
    fram_cache_access(addr);
  }
  // The cache lookup of fram_read_timing() without the read count (fetch_opcode counts in bulk).
  // kWaitStates = false: the caller knows NWAITS is 0, so a miss costs no cycles and only the
  // cache state and the miss count change (no read-modify-write of ctx.cycles per miss).
  template <bool kWaitStates = true>
  void fram_cache_access(uint32_t addr) {
    fram_cache_update<kWaitStates>(addr);
  }
  // The cache access of an opcode (or following word) fetch, whose line becomes fetch_line().
  template <bool kWaitStates>
  __attribute__((always_inline)) void enter_fetch_line(uint32_t line) {
    fram_line_access<kWaitStates, false>(line);
    fetch_line_ = line;
  }
  // The same as fram_cache_access, always inline (fram_read_block(): one access for a whole
  // operand).
  template <bool kWaitStates = true>
  __attribute__((always_inline)) void fram_cache_update(uint32_t addr) {
    fram_line_access<kWaitStates, true>(addr >> kCacheLineShift);
  }
  // The cache access to `line`. kKeepFetchLine: fetch_line() stays valid unless it is the line
  // this access moves to the LRU way (a data read); a fetch (false) sets fetch_line() itself.
  template <bool kWaitStates, bool kKeepFetchLine>
  __attribute__((always_inline)) void fram_line_access(uint32_t line) {
    const unsigned set = line & (kCacheSets - 1);
    const uint32_t mru = mru_way_[set];
    if (line == mru) return;
    const uint32_t lru = lru_way_[set];
    mru_way_[set] = line;
    lru_way_[set] = mru;
    if (kKeepFetchLine && mru == fetch_line_) fetch_line_ = kNoLine;
    if (line != lru) {
      ++fram_misses_;
      if (kWaitStates) {
        ctx_.cycles += nwaits_;
        stats_.fram_wait_cycles += nwaits_;
      }
    }
  }
  // FRAM writes are timed as array accesses: the cache is write-around (Fused [C], facts §2.3),
  // so every write reaches the array and costs NWAITS cycles; it neither allocates a line nor
  // changes the LRU order (the image always holds current data, so a cached line stays valid).
  void fram_write_timing() {
    ++stats_.fram_writes;
    ctx_.cycles += nwaits_;
    stats_.fram_wait_cycles += nwaits_;
  }

  // An UnmodelledAccess (mcu_context.h) at addr, on the slow path only.
  void report_unmodelled(uint32_t addr, bool write, uint8_t size, uint16_t value,
                         const Peripheral* p);
  uint16_t slow_read_word(uint32_t addr, FaultKind fault);
  uint8_t slow_read_byte(uint32_t addr);
  void slow_write_word(uint32_t addr, uint16_t value);
  void slow_write_byte(uint32_t addr, uint8_t value);
  RegionKind kind_at(uint32_t addr) const;
  Peripheral* peripheral_at(uint32_t addr) const;

  MemoryMap map_;
  McuContext& ctx_;
  // The 1 MB image is held inline (not behind a pointer): every fetch and data access saves a
  // dependent load.
  static constexpr uint32_t kImageSize = kAddrMask + 1;  // the 20-bit address space
  std::array<uint8_t, kImageSize> image_{};
  std::array<uint8_t, kPages> page_kind_{};
  // Peripherals live in the lower 64 KB (their base is 16-bit): one entry per byte address there,
  // 0 = none, else index+1 into periphs_.
  static constexpr uint32_t kPeripheralSpace = 0x10000;
  std::vector<uint8_t> periph_index_;
  std::vector<Peripheral*> periphs_;
  unsigned nwaits_ = 0;
  // The line of the last fetch served by enter_fetch_line(), while that line is still the
  // MRU way of its set (cleared when an access demotes it): a fetch from it changes no cache state
  // and may read the image directly (fetch_line()).
  uint32_t fetch_line_ = kNoLine;
  std::array<uint32_t, kCacheSets> mru_way_{kNoLine, kNoLine};
  std::array<uint32_t, kCacheSets> lru_way_{kNoLine, kNoLine};
  // Hits are derived (reads - misses) when stats() is asked, to keep one counter off the hot path.
  uint64_t fram_misses_ = 0;
  mutable BusStats stats_;
  uint64_t opcode_fetches_outside_fram_ = 0;  // fetch_opcode() calls not served by an FRAM page
  bool attention_ = false;
  uint64_t loop_limit_ = 0;
  unsigned layout_version_ = 0;
  FramGuard* fram_guard_ = nullptr;
  // Pages the guard or a watchpoint moved off the fast paths (to kPageMixed), with the kind they
  // return to; kPageMixed itself never needs moving, so it marks "not moved".
  std::array<uint8_t, kPages> moved_page_kind_{};
  std::vector<Watchpoint> watchpoints_;
  AccessObserver* observer_ = nullptr;
  std::vector<std::pair<uint32_t, uint32_t>> observed_ranges_;
  bool checks_accesses_ = false;  // watchpoints or an observer: the slow paths call the below
  // Re-derives which pages take the slow path after the guard, the watchpoints or the observed
  // ranges changed.
  void move_slow_pages();
  void check_access(uint32_t addr, unsigned size, bool write) {
    if (observer_) {
      for (const auto& [start, end] : observed_ranges_) {
        if (addr < end && start < addr + size) {
          observer_->accessed(addr, size, write);
          break;
        }
      }
    }
    for (const Watchpoint& w : watchpoints_) {
      if ((write ? w.write : w.read) && addr < w.start + w.length && w.start < addr + size) {
        ctx_.report_watch_hit(addr, write);
        return;
      }
    }
  }
  bool guard_allows(uint32_t addr, FramGuard::Access access) {
    return !fram_guard_ || fram_guard_->allow(addr, access);
  }
};

inline uint16_t Bus::fetch_opcode(uint32_t addr) {
  addr &= kWordAddrMask;
  if (page_kind_[addr >> kPageShift] == kPageFram) {
    // The MRU-line test in fram_cache_access() hits on most fetches; a branch-free lookup was
    // measured: more host instructions, no faster (bench/RESULTS.md).
    fram_cache_access(addr);
    return load16(addr);
  }
  // SRAM, mixed pages (counted by their own path) and faults.
  ++opcode_fetches_outside_fram_;
  return fetch_word(addr);
}

inline uint16_t Bus::fetch_word(uint32_t addr) {
  addr &= kWordAddrMask;
  const uint8_t kind = page_kind_[addr >> kPageShift];
  if (kind == kPageFram) {
    fram_read_timing(addr);
    return load16(addr);
  }
  if (kind == kPageSram) {
    ++stats_.sram_accesses;
    return load16(addr);
  }
  return slow_read_word(addr, FaultKind::kVacantFetch);
}

inline uint16_t Bus::read_word(uint32_t addr) {
  addr &= kWordAddrMask;
  const uint8_t kind = page_kind_[addr >> kPageShift];
  if (kind == kPageSram) {
    ++stats_.sram_accesses;
    return load16(addr);
  }
  if (kind == kPageFram) {
    fram_read_timing(addr);
    return load16(addr);
  }
  return slow_read_word(addr, FaultKind::kVacantRead);
}

inline uint8_t Bus::read_byte(uint32_t addr) {
  addr &= kAddrMask;
  const uint8_t kind = page_kind_[addr >> kPageShift];
  if (kind == kPageSram) {
    ++stats_.sram_accesses;
    return image_[addr];
  }
  if (kind == kPageFram) {
    fram_read_timing(addr);
    return image_[addr];
  }
  return slow_read_byte(addr);
}

inline void Bus::write_word(uint32_t addr, uint16_t value) {
  addr &= kWordAddrMask;
  const uint8_t kind = page_kind_[addr >> kPageShift];
  if (kind == kPageSram) {
    ++stats_.sram_accesses;
    store16(addr, value);
    return;
  }
  if (kind == kPageFram) {
    fram_write_timing();
    store16(addr, value);
    return;
  }
  slow_write_word(addr, value);
}

inline void Bus::write_byte(uint32_t addr, uint8_t value) {
  addr &= kAddrMask;
  const uint8_t kind = page_kind_[addr >> kPageShift];
  if (kind == kPageSram) {
    ++stats_.sram_accesses;
    image_[addr] = value;
    return;
  }
  if (kind == kPageFram) {
    fram_write_timing();
    image_[addr] = value;
    return;
  }
  slow_write_byte(addr, value);
}

}  // namespace ehsim::mcu

// The write-after-read detector of `ehsim check` (docs/check.md "Hazards"). Between two
// checkpoints, a non-volatile (FRAM) byte that is read before it is written and then written is
// a hazard: if power fails after the write and before the next checkpoint, the re-executed code
// reads the new value where it read the old one (the idempotence violation of Ratchet, Van Der
// Woude and Hicks, OSDI'16). A byte written first in the interval is safe: re-execution writes
// it again before reading it. A checkpoint is a declared commit marker or a declared commit
// function (its own accesses are not checked).
// It also reports reads of SRAM not written since the last boot: after a power failure such a
// value is whatever SRAM held at power-up (sram_at_power_loss), not what the program stored.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "mcu_model/elf/firmware_image.h"

namespace ehsim {

// Whether addr lies in one of the [start, end) ranges.
bool in_ranges(const std::vector<std::pair<uint32_t, uint32_t>>& ranges, uint32_t addr);

struct Hazard {
  enum class Kind : uint8_t { kWriteAfterRead, kUnwrittenSramRead };
  Kind kind = Kind::kWriteAfterRead;
  uint32_t read_pc = 0;
  uint32_t write_pc = 0;  // kWriteAfterRead only
  uint32_t address = 0;   // the first byte seen
  uint64_t cycle = 0;     // of the first write (WAR) or read (SRAM)
  uint64_t occurrences = 0;
  // Cycles [write, next checkpoint) in which a power failure makes re-execution see the written
  // value (the first kMaxWindows), with the injection points that fell inside (by ordinal); a
  // divergent injection inside one confirms the hazard.
  struct Window {
    uint64_t start = 0, end = 0;
    uint64_t first_point = 0, last_point = 0;  // ordinals; valid when has_points
    bool has_points = false;
  };
  std::vector<Window> windows;
  bool confirmed = false;
};

class WarDetector {
 public:
  static constexpr size_t kMaxWindows = 64;
  static constexpr size_t kMaxHazards = 1000;

  // `fram` and `sram`: the [start, end) ranges of each kind of memory.
  WarDetector(std::vector<std::pair<uint32_t, uint32_t>> fram,
              std::vector<std::pair<uint32_t, uint32_t>> sram);

  // One data access of the instruction at `pc`, in program order.
  void access(uint32_t pc, uint32_t addr, unsigned size, bool write, uint64_t cycle);
  // A checkpoint completed at `cycle`: a new interval begins.
  void checkpoint(uint64_t cycle);
  // The run ended at `cycle`: open windows close there.
  void finish(uint64_t cycle) { checkpoint(cycle); }
  // An injection point (the ordinal-th) at the present cycle: it lies in every open window.
  void injection_point(uint64_t ordinal);

  const std::vector<Hazard>& hazards() const { return hazards_; }
  std::vector<Hazard>& hazards() { return hazards_; }

 private:
  std::vector<std::pair<uint32_t, uint32_t>> fram_, sram_;
  // Per byte of the 1 MB space: the interval in which it was last written / first read
  // (interval numbers instead of clearing at every checkpoint), and that read's PC.
  std::vector<uint32_t> written_in_, read_in_, read_pc_;
  std::vector<uint8_t> sram_written_;  // since the boot (one boot per run: the reference run)
  uint32_t interval_ = 1;
  std::map<std::pair<uint32_t, uint32_t>, size_t> index_;  // (read pc, write pc) -> hazards_
  std::map<uint32_t, size_t> sram_index_;                  // read pc -> hazards_
  std::vector<std::pair<size_t, Hazard::Window>> open_;    // hazard, window (this interval)
  std::vector<Hazard> hazards_;
};

// "name+0xOFF" of the ELF object that holds addr (the smallest sized symbol containing it),
// or "0xADDR".
std::string data_symbol(const mcu::FirmwareImage& image, uint32_t addr);

}  // namespace ehsim

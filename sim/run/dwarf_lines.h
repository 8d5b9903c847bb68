// Source file:line of firmware addresses, from the ELF's DWARF line tables, read with LLVM's
// DebugInfoDWARF library (a well-kept reader: DWARF 2-5, every target clang emits, the code of
// llvm-dwarfdump) rather than a parser of our own. Used wherever a PC is reported
// ("function+0xOFF (file:line)") and by the profiler.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ehsim {

struct SourceLine {
  std::string file;  // the source file's name without its directory (as compilers show it)
  int line = 0;
};

class DwarfLines {
 public:
  DwarfLines() = default;
  // Reads every compile unit's line table of the ELF file at `path`. A file that is not an ELF,
  // or has no DWARF, gives an empty table (HEX and TI-TXT images never have one).
  explicit DwarfLines(const std::string& path);

  bool empty() const { return rows_.empty(); }
  // The line of the instruction at pc: the last row at or below pc in its sequence; nullptr when
  // no sequence covers pc or the row has line 0 (code the compiler made up).
  const SourceLine* find(uint32_t pc) const;
  // "file:line", or "" when find(pc) is null.
  std::string describe(uint32_t pc) const;

 private:
  struct Row {
    uint32_t addr = 0;
    uint32_t line = 0;  // index into lines_, or kEnd for an end-of-sequence row
    bool operator<(const Row& other) const { return addr < other.addr; }
  };
  static constexpr uint32_t kEnd = ~0u;
  std::vector<Row> rows_;  // sorted by address
  std::vector<SourceLine> lines_;
};

}  // namespace ehsim

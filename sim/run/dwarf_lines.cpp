#include "sim/run/dwarf_lines.h"

#include <llvm/DebugInfo/DWARF/DWARFContext.h>
#include <llvm/Object/ObjectFile.h>

#include <algorithm>
#include <map>
#include <utility>

namespace ehsim {

// The reader is LLVM's DebugInfoDWARF (libLLVM, which clang and llvm-dwarfdump use), not elfutils'
// libdw: libdw 0.188 reads DW_LNE_set_address operands only as 4 or 8 bytes, so the 2-byte
// addresses of MSP430 line tables come out as garbage (docs/profile.md).
DwarfLines::DwarfLines(const std::string& path) {
  auto object = llvm::object::ObjectFile::createObjectFile(path);
  if (!object) {  // not an object file LLVM knows (Intel HEX, TI-TXT) or unreadable
    llvm::consumeError(object.takeError());
    return;
  }
  const std::unique_ptr<llvm::DWARFContext> dwarf = llvm::DWARFContext::create(
      *object->getBinary(), llvm::DWARFContext::ProcessDebugRelocations::Ignore);
  std::map<std::pair<std::string, int>, uint32_t> index;  // one SourceLine per distinct line
  for (const auto& unit : dwarf->compile_units()) {
    const llvm::DWARFDebugLine::LineTable* table = dwarf->getLineTableForUnit(unit.get());
    if (!table) continue;
    for (const llvm::DWARFDebugLine::Row& r : table->Rows) {
      Row row;
      row.addr = uint32_t(r.Address.Address);
      row.line = kEnd;
      if (!r.EndSequence) {
        std::string file;
        table->getFileNameByIndex(r.File, "", llvm::DILineInfoSpecifier::FileLineInfoKind::RawValue,
                                  file);
        const size_t slash = file.find_last_of('/');
        if (slash != std::string::npos) file.erase(0, slash + 1);
        const int lineno = int(r.Line);
        const auto [it, fresh] = index.try_emplace({file, lineno}, uint32_t(lines_.size()));
        if (fresh) lines_.push_back(SourceLine{file, lineno});
        row.line = it->second;
      }
      rows_.push_back(row);
    }
  }
  // Stable: rows at one address keep the table's order, so the last of them (the one that holds
  // for the instruction) is found by upper_bound below; an end-of-sequence row that shares its
  // address with the next sequence's first row must not hide it, so ends go first.
  std::stable_sort(rows_.begin(), rows_.end(), [](const Row& a, const Row& b) {
    if (a.addr != b.addr) return a.addr < b.addr;
    return a.line == kEnd && b.line != kEnd;
  });
}

const SourceLine* DwarfLines::find(uint32_t pc) const {
  auto it = std::upper_bound(rows_.begin(), rows_.end(), Row{pc, 0});
  if (it == rows_.begin()) return nullptr;
  const Row& row = *std::prev(it);
  if (row.line == kEnd) return nullptr;
  const SourceLine& line = lines_[row.line];
  return line.line > 0 ? &line : nullptr;
}

std::string DwarfLines::describe(uint32_t pc) const {
  const SourceLine* line = find(pc);
  return line ? line->file + ":" + std::to_string(line->line) : std::string();
}

}  // namespace ehsim

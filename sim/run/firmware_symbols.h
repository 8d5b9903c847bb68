// What a run's outputs say about firmware addresses and markers, read from the firmware's ELF
// symbol table: a PC as "function+0xOFF" instead of a bare number, and the names firmware gives
// its host_io markers (EHSIM_MARKER_NAME in <ehsim/host_io.h> defines an absolute symbol
// `ehsim_marker_NAME` whose value is the marker id; the scenario's progress.marker_names may add
// or override names).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mcu_model/elf/firmware_image.h"
#include "sim/run/dwarf_lines.h"

namespace ehsim {

inline constexpr const char* kMarkerSymbolPrefix = "ehsim_marker_";

class FirmwareSymbols {
 public:
  FirmwareSymbols() = default;
  FirmwareSymbols(const mcu::FirmwareImage& image,
                  const std::map<uint16_t, std::string>& extra_names);

  // Source lines for symbolize() from the firmware file's DWARF (nothing when it has none).
  void read_lines(const std::string& firmware_path) { lines_ = DwarfLines(firmware_path); }
  const DwarfLines& lines() const { return lines_; }

  // "name+0xOFF" (or "name" at offset 0) for the nearest code symbol at or below pc, "0xPC" when
  // none is or pc lies outside the image's segments; followed by " (file:line)" when the
  // firmware's DWARF has pc's line. Code symbols are the table's names less the
  // marker names, linker-section and local-label names (".", "$") and reserved names ("__..."),
  // which are used only when nothing else is.
  std::string symbolize(uint32_t pc) const;
  // The function part of symbolize(pc): the code symbol's name alone, or "0xPC".
  std::string function_name(uint32_t pc) const;
  // The marker's name, or "" when it has none.
  const std::string& marker_name(uint16_t id) const;
  // "name (0xID)" when named, else "marker 0xID": how the terminal and the report refer to it.
  std::string marker_label(uint16_t id) const;

 private:
  // The code symbol symbolize() names for pc, or nullptr.
  const std::pair<uint32_t, std::string>* symbol_at(uint32_t pc) const;
  std::vector<std::pair<uint32_t, std::string>> code_;      // sorted by address
  std::vector<std::pair<uint32_t, std::string>> reserved_;  // "__" names, sorted
  std::map<uint16_t, std::string> marker_names_;
  std::vector<std::pair<uint32_t, uint32_t>> loaded_;  // [start, end) of each loaded segment
  DwarfLines lines_;
};

}  // namespace ehsim

// Pieces the two text formats (Intel HEX, TI-TXT) share: lines, hex digits, and collecting data
// bytes into segments named by the lines they came from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mcu_model/elf/firmware_image.h"

namespace ehsim::mcu::text_records {

// Value of a hex digit, or -1.
inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Calls line_fn(number, text) for each line of data (LF or CRLF ends a line; the last line may
// lack one), with surrounding spaces and tabs removed. Stops early when line_fn returns false;
// returns that result.
template <typename LineFn>
bool for_each_line(const std::vector<uint8_t>& data, LineFn line_fn) {
  const std::string_view all(reinterpret_cast<const char*>(data.data()), data.size());
  size_t number = 0, pos = 0;
  while (pos < all.size()) {
    size_t end = all.find('\n', pos);
    if (end == std::string_view::npos) end = all.size();
    std::string_view line = all.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (!line_fn(number, line)) return false;
  }
  return true;
}

// A line's text for a message: printable ASCII, at most 40 characters.
inline std::string quoted(std::string_view text) {
  std::string out = "'";
  for (char c : text.substr(0, 40)) out += (c >= 0x20 && c < 0x7F) ? c : '?';
  if (text.size() > 40) out += "...";
  return out + "'";
}

// Starts `image` afresh for `path` in `format` and appends data bytes to its segments: bytes that
// continue the last segment's addresses extend it, any others start a new segment. Segments are
// named by their first and last line.
class SegmentCollector {
 public:
  SegmentCollector(FirmwareImage* image, const std::string& path, FirmwareFormat format)
      : segments_(&image->segments) {
    *image = FirmwareImage{};
    image->path = path;
    image->format = format;
  }

  void add(uint32_t addr, const uint8_t* data, size_t len, size_t line) {
    if (len == 0) return;
    if (segments_->empty() || segments_->back().paddr + segments_->back().filesz != addr) {
      FirmwareSegment seg;
      seg.index = int(line);
      seg.paddr = seg.vaddr = addr;
      segments_->push_back(std::move(seg));
      first_lines_.push_back(line);
    }
    FirmwareSegment& seg = segments_->back();
    seg.bytes.insert(seg.bytes.end(), data, data + len);
    seg.filesz = seg.memsz = uint32_t(seg.bytes.size());
    seg.name = first_lines_.back() == line
                   ? "line " + std::to_string(line)
                   : "lines " + std::to_string(first_lines_.back()) + "-" + std::to_string(line);
  }

 private:
  std::vector<FirmwareSegment>* segments_;
  std::vector<size_t> first_lines_;
};

// Ends a parse: the first problem found, else `truncated` when the end record never came, else
// `empty` when nothing is to be loaded. True, or false with "path: problem" in *error.
inline bool finish(const std::string& path, const FirmwareImage& image, bool ended,
                   std::string problem, const char* truncated, const char* empty,
                   std::string* error) {
  if (problem.empty() && !ended) problem = truncated;
  if (problem.empty() && image.segments.empty()) problem = empty;
  if (problem.empty()) return true;
  if (error) *error = path + ": " + problem;
  return false;
}

}  // namespace ehsim::mcu::text_records

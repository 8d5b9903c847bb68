#include "mcu_model/elf/ti_txt.h"

#include "mcu_model/elf/text_records.h"

namespace ehsim::mcu {

bool parse_ti_txt(const std::string& path, const std::vector<uint8_t>& data, FirmwareImage* image,
                  std::string* error) {
  text_records::SegmentCollector collector(image, path, FirmwareFormat::kTiTxt);
  uint64_t addr = 0;
  bool have_addr = false;
  size_t q_line = 0;
  std::string problem;
  std::vector<uint8_t> bytes;
  const bool ok = text_records::for_each_line(data, [&](size_t line, std::string_view text) {
    const std::string where = "line " + std::to_string(line) + ": ";
    if (text.empty()) return true;
    if (q_line != 0) {
      problem = where + "text after the 'q' terminator of line " + std::to_string(q_line);
      return false;
    }
    if (text == "q" || text == "Q") {
      q_line = line;
      return true;
    }
    if (text[0] == '@') {
      const std::string_view digits = text.substr(1);
      uint64_t value = 0;
      bool valid = !digits.empty() && digits.size() <= 8;
      for (char c : digits) {
        const int d = text_records::hex_digit(c);
        if (d < 0) valid = false;
        value = value << 4 | unsigned(d < 0 ? 0 : d);
      }
      if (!valid) {
        problem = where + text_records::quoted(text) + " is not an address line (@ and hex digits)";
        return false;
      }
      if (value >= kAddressSpaceEnd) {
        problem = where + "address " + hex_address(value) +
                  " lies beyond the 1 MB address space (0x0-0xFFFFF)";
        return false;
      }
      addr = value;
      have_addr = true;
      return true;
    }
    bytes.clear();
    size_t pos = 0;
    while (pos < text.size()) {
      if (text[pos] == ' ' || text[pos] == '\t') {
        ++pos;
        continue;
      }
      size_t end = pos;
      while (end < text.size() && text[end] != ' ' && text[end] != '\t') ++end;
      const std::string_view token = text.substr(pos, end - pos);
      const int hi = token.size() == 2 ? text_records::hex_digit(token[0]) : -1;
      const int lo = token.size() == 2 ? text_records::hex_digit(token[1]) : -1;
      if (hi < 0 || lo < 0) {
        problem = where + text_records::quoted(token) + " is not a hex byte";
        return false;
      }
      bytes.push_back(uint8_t(hi << 4 | lo));
      pos = end;
    }
    if (!have_addr) {
      problem = where + "data before the first @ADDR line";
      return false;
    }
    if (addr + bytes.size() > kAddressSpaceEnd) {
      problem = where + "data at " + hex_range(addr, bytes.size()) +
                " runs beyond the 1 MB address space (0x0-0xFFFFF)";
      return false;
    }
    collector.add(uint32_t(addr), bytes.data(), bytes.size(), line);
    addr += bytes.size();
    return true;
  });
  return text_records::finish(path, *image, !ok || q_line != 0, problem,
                              "no 'q' terminator: the file is truncated",
                              "no data bytes: nothing to load", error);
}

}  // namespace ehsim::mcu

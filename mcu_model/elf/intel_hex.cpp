#include "mcu_model/elf/intel_hex.h"

#include "mcu_model/elf/text_records.h"

namespace ehsim::mcu {
namespace {

using text_records::hex_digit;

std::string hex2(unsigned v) {
  const char* digits = "0123456789ABCDEF";
  return std::string("0x") + digits[(v >> 4) & 0xF] + digits[v & 0xF];
}

}  // namespace

bool parse_intel_hex(const std::string& path, const std::vector<uint8_t>& data,
                     FirmwareImage* image, std::string* error) {
  text_records::SegmentCollector collector(image, path, FirmwareFormat::kIntelHex);
  uint64_t base = 0;    // from the last record 02 or 04
  size_t eof_line = 0;  // line of the end-of-file record, 0 before it
  std::string problem;  // the first error, without the file's name
  std::vector<uint8_t> rec;
  const bool ok = text_records::for_each_line(data, [&](size_t line, std::string_view text) {
    const std::string where = "line " + std::to_string(line) + ": ";
    if (text.empty()) return true;
    if (eof_line != 0) {
      problem = where + "text after the end-of-file record of line " + std::to_string(eof_line);
      return false;
    }
    if (text[0] != ':') {
      problem = where + text_records::quoted(text) + " is not a record (records start with ':')";
      return false;
    }
    const std::string_view digits = text.substr(1);
    if (digits.size() < 10 || digits.size() % 2 != 0) {
      problem = where + "a record has an even number of at least 10 hex digits after ':', not " +
                std::to_string(digits.size());
      return false;
    }
    rec.clear();
    for (size_t i = 0; i < digits.size(); i += 2) {
      const int hi = hex_digit(digits[i]), lo = hex_digit(digits[i + 1]);
      if (hi < 0 || lo < 0) {
        problem = where + text_records::quoted(digits.substr(i, 2)) + " is not a hex byte";
        return false;
      }
      rec.push_back(uint8_t(hi << 4 | lo));
    }
    const size_t count = rec[0];
    if (rec.size() != count + 5) {
      problem = where + "byte count " + hex2(unsigned(count)) + " does not match the record's " +
                std::to_string(rec.size() - 5) + " data bytes";
      return false;
    }
    unsigned sum = 0;
    for (size_t i = 0; i + 1 < rec.size(); ++i) sum += rec[i];
    const unsigned expected = (0x100 - (sum & 0xFF)) & 0xFF;
    if (rec.back() != expected) {
      problem = where + "checksum " + hex2(rec.back()) + " is wrong, expected " + hex2(expected);
      return false;
    }
    const uint32_t offset = uint32_t(rec[1] << 8 | rec[2]);
    const uint8_t type = rec[3];
    const uint8_t* payload = rec.data() + 4;
    auto need = [&](size_t n, const char* what) {
      if (count == n) return true;
      problem = where + "record type " + hex2(type) + " (" + what + ") has " +
                std::to_string(count) + " data bytes, expected " + std::to_string(n);
      return false;
    };
    auto be32 = [&] {
      return uint32_t(payload[0]) << 24 | uint32_t(payload[1]) << 16 | uint32_t(payload[2]) << 8 |
             payload[3];
    };
    switch (type) {
      case 0x00: {  // data
        const uint64_t start = base + offset;
        if (start + count > kAddressSpaceEnd) {
          problem = where + "data record at " + hex_range(start, count) +
                    " lies beyond the 1 MB address space (0x0-0xFFFFF)";
          return false;
        }
        collector.add(uint32_t(start), payload, count, line);
        return true;
      }
      case 0x01:
        eof_line = line;
        return true;
      case 0x02:  // extended segment address: bits 4-19
        if (!need(2, "extended segment address")) return false;
        base = uint64_t(payload[0] << 8 | payload[1]) << 4;
        return true;
      case 0x03:  // start segment address: CS:IP
        if (!need(4, "start segment address")) return false;
        image->entry = ((be32() >> 16) << 4) + (be32() & 0xFFFF);
        return true;
      case 0x04:  // extended linear address: bits 16-31
        if (!need(2, "extended linear address")) return false;
        base = uint64_t(payload[0] << 8 | payload[1]) << 16;
        return true;
      case 0x05:
        if (!need(4, "start linear address")) return false;
        image->entry = be32();
        return true;
      default:
        problem = where + "unknown record type " + hex2(type) + " (Intel HEX has 00-05)";
        return false;
    }
  });
  return text_records::finish(path, *image, !ok || eof_line != 0, problem,
                              "no end-of-file record (:00000001FF): the file is truncated",
                              "no data records: nothing to load", error);
}

}  // namespace ehsim::mcu

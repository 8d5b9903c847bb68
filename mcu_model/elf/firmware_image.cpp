#include "mcu_model/elf/firmware_image.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "mcu_model/elf/elf_image.h"
#include "mcu_model/elf/intel_hex.h"
#include "mcu_model/elf/ti_txt.h"

namespace ehsim::mcu {
namespace {

bool fail(std::string* error, const std::string& path, const std::string& what) {
  if (error) *error = path + ": " + what;
  return false;
}

bool is_elf(const std::vector<uint8_t>& data) {
  return data.size() >= 4 && data[0] == 0x7F && data[1] == 'E' && data[2] == 'L' && data[3] == 'F';
}

// First character that is not whitespace, or 0.
char first_text_char(const std::vector<uint8_t>& data) {
  for (uint8_t c : data) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return char(c);
  }
  return 0;
}

// Largest file of the format the first bytes show; 0 when they show none (reading stops there,
// and parse_firmware() says what the file is not).
size_t limit_for(const std::vector<uint8_t>& start) {
  if (is_elf(start)) return kMaxElfFileBytes;
  const char first = first_text_char(start);
  return first == ':' || first == '@' ? kMaxTextImageBytes : 0;
}

// Reads `in` into `data`: the first chunk, then up to limit(first chunk) + 1 bytes in all, so that
// an endless input (/dev/zero) stops just past the limit. *max_bytes is the limit.
template <typename LimitFn>
bool read_stream(std::istream& in, LimitFn limit, std::vector<uint8_t>* data, size_t* max_bytes) {
  data->clear();
  char buf[65536];
  in.read(buf, sizeof buf);
  data->assign(buf, buf + in.gcount());
  *max_bytes = limit(*data);
  while (in && data->size() <= *max_bytes) {
    in.read(buf, std::streamsize(std::min(sizeof buf, *max_bytes + 1 - data->size())));
    data->insert(data->end(), buf, buf + in.gcount());
  }
  return !in.bad();
}

bool open_file(const std::string& path, const char* expected, std::ifstream* in,
               std::string* error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return fail(error, path, std::string("is a directory, expected ") + expected);
  }
  in->open(path, std::ios::binary);
  if (!*in) return fail(error, path, "cannot open file");
  return true;
}

}  // namespace

const char* to_string(FirmwareFormat format) {
  switch (format) {
    case FirmwareFormat::kElf:
      return "ELF";
    case FirmwareFormat::kIntelHex:
      return "Intel HEX";
    case FirmwareFormat::kTiTxt:
      return "TI-TXT";
  }
  return "?";
}

std::optional<uint32_t> FirmwareImage::symbol(const std::string& name) const {
  const FirmwareSymbol* sym = find_symbol(name);
  if (!sym) return std::nullopt;
  return sym->address;
}

const FirmwareSymbol* FirmwareImage::find_symbol(const std::string& name) const {
  const auto it = symbols.find(name);
  return it == symbols.end() ? nullptr : &it->second;
}

std::string hex_address(uint64_t value) {
  std::ostringstream s;
  s << "0x" << std::hex << std::uppercase << value;
  return s.str();
}

std::string hex_range(uint64_t start, uint64_t len) {
  return hex_address(start) + "-" + hex_address(len ? start + len - 1 : start);
}

bool read_file_bounded(const std::string& path, size_t max_bytes, const std::string& what,
                       const std::string& limit_name, std::vector<uint8_t>* data,
                       std::string* error) {
  std::ifstream in;
  if (!open_file(path, what.c_str(), &in, error)) return false;
  size_t limit = 0;
  if (!read_stream(
          in, [&](const std::vector<uint8_t>&) { return max_bytes; }, data, &limit)) {
    return fail(error, path, "read error");
  }
  if (data->size() > max_bytes) {
    return fail(error, path,
                "longer than the limit of " + std::to_string(max_bytes) + " bytes for " + what +
                    " (" + limit_name + ")");
  }
  return true;
}

bool parse_firmware(const std::string& path, const std::vector<uint8_t>& data, FirmwareImage* image,
                    std::string* error) {
  if (is_elf(data)) return parse_elf(path, data, image, error);
  const char first = first_text_char(data);
  if (first == ':') return parse_intel_hex(path, data, image, error);
  if (first == '@') return parse_ti_txt(path, data, image, error);
  std::string start = "it is empty";
  if (!data.empty()) {
    std::ostringstream s;
    s << "it starts with byte " << hex_address(data[0]);
    start = s.str();
  }
  return fail(error, path,
              "not an ELF file, Intel HEX (':' records) or TI-TXT ('@ADDR' lines): " + start);
}

bool read_firmware_file(const std::string& path, FirmwareImage* image, std::string* error) {
  std::ifstream in;
  if (!open_file(path, "a firmware image (ELF, Intel HEX or TI-TXT)", &in, error)) return false;
  std::vector<uint8_t> data;
  size_t limit = 0;
  if (!read_stream(in, limit_for, &data, &limit)) return fail(error, path, "read error");
  if (limit != 0 && data.size() > limit) {
    return fail(error, path,
                "longer than the limit of " + std::to_string(limit) + " bytes for " +
                    (is_elf(data) ? "an ELF file (kMaxElfFileBytes)"
                                  : "an Intel HEX or TI-TXT file (kMaxTextImageBytes)"));
  }
  return parse_firmware(path, data, image, error);
}

}  // namespace ehsim::mcu

#include "sim/cli/exec_args.h"

#include <cctype>

namespace ehsim {

bool parse_u64(const std::string& text, uint64_t* value) {
  if (text.empty()) return false;
  unsigned base = 10;
  size_t pos = 0;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    pos = 2;
  }
  uint64_t v = 0;
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    unsigned digit;
    if (c >= '0' && c <= '9') {
      digit = unsigned(c - '0');
    } else if (base == 16 && std::isxdigit(static_cast<unsigned char>(c))) {
      digit = unsigned(std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
    } else {
      return false;
    }
    if (v > (UINT64_MAX - digit) / base) return false;
    v = v * base + digit;
  }
  *value = v;
  return true;
}

namespace {

constexpr uint64_t kAddressSpaceEnd = mcu::kAddressSpaceEnd;

bool is_address(const std::string& text) {
  return !text.empty() && std::isdigit(static_cast<unsigned char>(text[0]));
}

std::string space_name(uint32_t reach) {
  return reach == kAddressSpaceEnd
             ? "the 1 MB address space 0x0-0xFFFFF"
             : "the " + std::to_string(reach >> 10) + " KB this build's bus holds (0x0-" +
                   mcu::hex_address(reach - 1) + ")";
}

}  // namespace

bool parse_dump(const std::string& text, DumpRequest* dump, std::string* error) {
  const size_t colon = text.rfind(':');
  const std::string where = text.substr(0, colon);
  uint64_t addr = 0, len = 0;
  const bool has_len = colon != std::string::npos;
  const bool ok = !where.empty() && (!has_len || parse_u64(text.substr(colon + 1), &len)) &&
                  (!is_address(where) || (has_len && parse_u64(where, &addr)));
  if (!ok) {
    *error = "--dump: '" + text +
             "' is not ADDR:LEN, SYMBOL or SYMBOL:LEN (e.g. 0x1C00:16 or buffer; hex with 0x or "
             "decimal)";
    return false;
  }
  if ((has_len && len == 0) || addr >= kAddressSpaceEnd || len > kAddressSpaceEnd - addr) {
    *error = "--dump: '" + text + "' does not lie in " + space_name(uint32_t(kAddressSpaceEnd));
    return false;
  }
  dump->key = where;
  dump->symbol = is_address(where) ? "" : where;
  dump->addr = uint32_t(addr);
  dump->len = uint32_t(len);
  return true;
}

const mcu::FirmwareSymbol* find_firmware_symbol(const mcu::FirmwareImage& image,
                                                const std::string& name, std::string* error) {
  if (const mcu::FirmwareSymbol* sym = image.find_symbol(name)) return sym;
  *error = "no symbol '" + name + "' in " + image.path;
  if (image.format != mcu::FirmwareFormat::kElf) {
    *error +=
        std::string(" (") + to_string(image.format) + " files have no symbols: give an address)";
  }
  return nullptr;
}

bool resolve_dump(const mcu::FirmwareImage& image, uint32_t reach, DumpRequest* dump,
                  std::string* error) {
  if (!dump->symbol.empty()) {
    const mcu::FirmwareSymbol* sym = find_firmware_symbol(image, dump->symbol, error);
    if (!sym) {
      *error = "--dump: " + *error;
      return false;
    }
    dump->addr = sym->address;
    if (dump->len == 0) dump->len = sym->size;
    if (dump->len == 0) {
      *error = "--dump: symbol '" + dump->symbol + "' has no size (st_size 0): give " +
               dump->symbol + ":LEN";
      return false;
    }
  }
  if (dump->addr >= reach || dump->len > reach - dump->addr) {
    *error = "--dump: " + dump->key + " (" + mcu::hex_range(dump->addr, dump->len) +
             ") does not lie in " + space_name(reach);
    return false;
  }
  return true;
}

bool parse_location(const std::string& option, const std::string& text, Location* location,
                    std::string* error) {
  if (text.empty()) {
    *error = option + ": expected a SYMBOL or an ADDR";
    return false;
  }
  location->symbol.clear();
  if (!is_address(text)) {
    location->symbol = text;
    return true;
  }
  uint64_t addr = 0;
  if (!parse_u64(text, &addr) || addr >= kAddressSpaceEnd) {
    *error = option + ": '" + text + "' is not an address in 0x0-0xFFFFF";
    return false;
  }
  location->addr = uint32_t(addr);
  return true;
}

bool resolve_location(const std::string& option, const mcu::FirmwareImage& image, uint32_t reach,
                      Location* location, std::string* error) {
  if (!location->symbol.empty()) {
    const mcu::FirmwareSymbol* sym = find_firmware_symbol(image, location->symbol, error);
    if (!sym) {
      *error = option + ": " + *error;
      return false;
    }
    location->addr = sym->address;
  }
  if (location->addr >= reach) {
    *error =
        option + ": " + mcu::hex_address(location->addr) + " does not lie in " + space_name(reach);
    return false;
  }
  return true;
}

bool parse_load(const std::string& text, LoadRequest* load, std::string* error) {
  const size_t at = text.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 == text.size()) {
    *error =
        "--load: '" + text + "' is not FILE@SYMBOL or FILE@ADDR (e.g. model.fmlb@freeml_model)";
    return false;
  }
  load->file = text.substr(0, at);
  const std::string target = text.substr(at + 1);
  uint64_t addr = 0;
  if (std::isdigit(static_cast<unsigned char>(target[0]))) {
    if (!parse_u64(target, &addr) || addr >= kAddressSpaceEnd) {
      *error = "--load: '" + target + "' is not an address in 0x0-0xFFFFF";
      return false;
    }
    load->symbol.clear();
    load->addr = uint32_t(addr);
  } else {
    load->symbol = target;
  }
  return true;
}

bool parse_sram_at_power_loss(const std::string& text, mcu::SramAtPowerLoss* mode, uint8_t* pattern,
                              std::string* error) {
  uint64_t value = 0;
  if (text == "zero" || text == "random") {
    *mode = text == "zero" ? mcu::SramAtPowerLoss::kPattern : mcu::SramAtPowerLoss::kRandom;
    *pattern = 0;
    return true;
  }
  if (parse_u64(text, &value) && value <= 0xFF) {
    *mode = mcu::SramAtPowerLoss::kPattern;
    *pattern = uint8_t(value);
    return true;
  }
  *error = "--sram-at-power-loss: '" + text + "' is not zero, random or a byte value (0-255)";
  return false;
}

std::string dump_hex(mcu::Bus& bus, const DumpRequest& dump) {
  static const char* digits = "0123456789abcdef";
  std::string hex;
  hex.reserve(size_t(dump.len) * 2);
  for (uint32_t i = 0; i < dump.len; ++i) {
    const uint8_t b = bus.peek_byte(dump.addr + i);
    hex += digits[b >> 4];
    hex += digits[b & 15];
  }
  return hex;
}

}  // namespace ehsim

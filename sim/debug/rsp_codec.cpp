#include "sim/debug/rsp_codec.h"

#include <cstdio>

namespace ehsim::rsp {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Packets longer than this are garbage: GDB's largest are memory writes of PacketSize (we
// announce 4096) in hex.
constexpr size_t kMaxPacketBytes = 64 * 1024;

}  // namespace

std::string frame(const std::string& payload) {
  std::string out = "$";
  unsigned sum = 0;
  for (char c : payload) {
    if (c == '#' || c == '$' || c == '}' || c == '*') {
      out += '}';
      sum += uint8_t('}');
      c = char(c ^ 0x20);
    }
    out += c;
    sum += uint8_t(c);
  }
  char tail[4];
  std::snprintf(tail, sizeof tail, "#%02x", sum & 0xFF);
  return out + tail;
}

std::string to_hex(const std::vector<uint8_t>& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

std::string to_hex(const std::string& text) {
  return to_hex(std::vector<uint8_t>(text.begin(), text.end()));
}

std::optional<std::vector<uint8_t>> from_hex(const std::string& hex) {
  if (hex.size() % 2) return std::nullopt;
  std::vector<uint8_t> out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(uint8_t(hi << 4 | lo));
  }
  return out;
}

std::string le_hex(uint32_t value, unsigned bytes) {
  std::vector<uint8_t> b;
  for (unsigned i = 0; i < bytes; ++i) b.push_back(uint8_t(value >> (8 * i)));
  return to_hex(b);
}

std::optional<uint32_t> from_le_hex(const std::string& hex) {
  const auto bytes = from_hex(hex);
  if (!bytes || bytes->empty() || bytes->size() > 4) return std::nullopt;
  uint32_t v = 0;
  for (size_t i = 0; i < bytes->size(); ++i) v |= uint32_t((*bytes)[i]) << (8 * i);
  return v;
}

std::optional<uint32_t> parse_hex_number(const std::string& text) {
  if (text.empty() || text.size() > 8) return std::nullopt;
  uint32_t v = 0;
  for (char c : text) {
    const int d = hex_digit(c);
    if (d < 0) return std::nullopt;
    v = v << 4 | uint32_t(d);
  }
  return v;
}

void Decoder::feed(const char* data, size_t len) {
  buffer_.append(data, len);
}

std::optional<Decoder::Item> Decoder::next() {
  for (;;) {
    if (buffer_.empty()) return std::nullopt;
    if (buffer_[0] == '\x03') {
      buffer_.erase(0, 1);
      return Item{Item::kInterrupt, {}};
    }
    if (buffer_[0] != '$') {  // '+', '-', noise between packets
      buffer_.erase(0, 1);
      continue;
    }
    const size_t hash = buffer_.find('#');
    if (hash == std::string::npos) {
      if (buffer_.size() > kMaxPacketBytes) buffer_.clear();
      return std::nullopt;
    }
    if (buffer_.size() < hash + 3) return std::nullopt;  // checksum not here yet
    const std::string body = buffer_.substr(1, hash - 1);
    const int hi = hex_digit(buffer_[hash + 1]), lo = hex_digit(buffer_[hash + 2]);
    buffer_.erase(0, hash + 3);
    unsigned sum = 0;
    for (char c : body) sum += uint8_t(c);
    if (hi < 0 || lo < 0 || unsigned(hi << 4 | lo) != (sum & 0xFF)) {
      return Item{Item::kBadChecksum, {}};
    }
    std::string payload;
    payload.reserve(body.size());
    for (size_t i = 0; i < body.size(); ++i) {
      if (body[i] == '}' && i + 1 < body.size()) {
        payload += char(body[++i] ^ 0x20);
      } else {
        payload += body[i];
      }
    }
    return Item{Item::kPacket, payload};
  }
}

}  // namespace ehsim::rsp

// The GDB Remote Serial Protocol's framing (GDB manual, "Remote Protocol" > "Overview"):
// packets are `$payload#cc` with cc the modulo-256 sum of the payload in two hex digits, '}'
// escapes
// '#', '$', '}' and '*' (XOR 0x20) in binary data, '+'/'-' acknowledge, and a lone 0x03 byte is an
// interrupt request. Kept apart from the server so it can be tested without a socket.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ehsim::rsp {

// "$payload#cc" with the payload escaped.
std::string frame(const std::string& payload);

// Hex helpers: bytes to lowercase hex, hex to bytes (nullopt on an odd length or a non-hex
// character), and a little-endian value of `bytes` bytes.
std::string to_hex(const std::vector<uint8_t>& bytes);
std::string to_hex(const std::string& text);
std::optional<std::vector<uint8_t>> from_hex(const std::string& hex);
std::string le_hex(uint32_t value, unsigned bytes);
std::optional<uint32_t> from_le_hex(const std::string& hex);
// A big-endian hex number as GDB writes addresses and lengths ("4400"); nullopt if not one.
std::optional<uint32_t> parse_hex_number(const std::string& text);

// Splits a byte stream into packets. Bytes outside packets other than 0x03 (acks) are dropped.
class Decoder {
 public:
  struct Item {
    enum Kind { kPacket, kBadChecksum, kInterrupt } kind = kPacket;
    std::string payload;  // unescaped (kPacket only)
  };
  void feed(const char* data, size_t len);
  // The next complete item, or nothing.
  std::optional<Item> next();
  // After next() returned nothing: a packet has begun and not ended.
  bool mid_packet() const { return !buffer_.empty() && buffer_[0] == '$'; }

 private:
  std::string buffer_;
};

}  // namespace ehsim::rsp

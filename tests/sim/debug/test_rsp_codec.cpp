// The remote protocol's framing against the GDB manual ("Remote Protocol" > "Overview"): the
// checksum is the modulo-256 sum of the packet's characters, '}' escapes by XOR 0x20, a lone
// 0x03 is an interrupt. Expected frames are worked out by hand from those rules.
#include <catch2/catch.hpp>

#include "sim/debug/rsp_codec.h"

using namespace ehsim;

TEST_CASE("rsp: frames carry the modulo-256 checksum and escape special characters", "[rsp]") {
  CHECK(rsp::frame("OK") == "$OK#9a");  // 'O' 0x4F + 'K' 0x4B = 0x9A
  CHECK(rsp::frame("") == "$#00");
  // '#' (0x23) goes as '}' (0x7D) then 0x23 ^ 0x20 = 0x03: sum 0x7D + 0x03 = 0x80.
  CHECK(rsp::frame("#") == std::string("$}\x03#80"));
}

TEST_CASE("rsp: the decoder checks checksums, unescapes, and sees interrupts between packets",
          "[rsp]") {
  rsp::Decoder d;
  const std::string stream =
      std::string("+$m4000,2#") + "8f" + "\x03" + "$OK#00" + std::string("$}\x03#80");
  // "m4000,2": 0x6D + 0x34 + 3 x 0x30 + 0x2C + 0x32 = 0x18F -> 0x8F.
  d.feed(stream.data(), 5);  // a packet split across reads
  CHECK_FALSE(d.next().has_value());
  CHECK(d.mid_packet());
  d.feed(stream.data() + 5, stream.size() - 5);
  auto a = d.next();
  REQUIRE(a);
  CHECK(a->kind == rsp::Decoder::Item::kPacket);
  CHECK(a->payload == "m4000,2");
  auto b = d.next();
  REQUIRE(b);
  CHECK(b->kind == rsp::Decoder::Item::kInterrupt);
  auto c = d.next();
  REQUIRE(c);
  CHECK(c->kind == rsp::Decoder::Item::kBadChecksum);  // "$OK#00": the sum is 0x9A
  auto e = d.next();
  REQUIRE(e);
  CHECK(e->payload == "#");
  CHECK_FALSE(d.next().has_value());
  CHECK_FALSE(d.mid_packet());  // between packets
}

TEST_CASE("rsp: hex helpers read GDB's numbers and little-endian register values", "[rsp]") {
  CHECK(rsp::le_hex(0x4400, 4) == "00440000");
  CHECK(rsp::from_le_hex("00440000") == 0x4400u);
  CHECK(rsp::parse_hex_number("4400") == 0x4400u);
  CHECK_FALSE(rsp::parse_hex_number("44g0").has_value());
  CHECK_FALSE(rsp::from_hex("abc").has_value());
  CHECK(rsp::to_hex(std::string("hi\n")) == "68690a");
}

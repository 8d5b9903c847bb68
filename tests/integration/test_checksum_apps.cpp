// The intermittent-checksum demo apps (freeml/firmware/apps/checksum_{ckpt,restart}.c) on
// continuous power under `ehsim exec`: the CRC they report equals a host re-implementation, the
// checkpointing app commits once per chunk, and its FRAM checkpoint always holds a consistent
// (chunk, CRC) pair when the run is cut off by --max-cycles. Power-failure runs come with the
// power-cycling simulator.
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "firmware_harness.h"

namespace {

// Mirrors checksum_common.h.
constexpr unsigned kBufferWords = 8192;
constexpr unsigned kPasses = 4;
constexpr unsigned kChunkBytes = 512;
constexpr unsigned kChunksPerPass = 2 * kBufferWords / kChunkBytes;
constexpr unsigned kTotalChunks = kPasses * kChunksPerPass;
constexpr uint32_t kCrcInit = 0xFFFFFFFFu;
constexpr int kMarkBoot = 0x10, kMarkCommit = 0x11, kMarkProgress = 0x12, kMarkDoneLo = 0x13,
              kMarkDoneHi = 0x14, kMarkRoundDone = 0x15;

std::vector<uint8_t> host_buffer() {
  std::vector<uint8_t> bytes;
  for (uint32_t i = 0; i < kBufferWords; ++i) {
    const uint16_t w = uint16_t(i * 40503u + (i >> 5) * 2531u + 0x1D0Fu);
    bytes.push_back(uint8_t(w));
    bytes.push_back(uint8_t(w >> 8));
  }
  return bytes;
}

// CRC-32 register (before the final xor) after `chunks` chunks, as the firmware computes it.
uint32_t host_crc_register(unsigned chunks) {
  static const std::vector<uint8_t> buf = host_buffer();
  uint32_t crc = kCrcInit;
  for (unsigned k = 0; k < chunks; ++k) {
    const size_t start = size_t(k % kChunksPerPass) * kChunkBytes;
    for (size_t i = start; i < start + kChunkBytes; ++i) {
      crc ^= buf[i];
      for (int b = 0; b < 8; ++b) crc = (crc & 1u) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
    }
  }
  return crc;
}

nlohmann::json run_exec(const std::string& app, const std::string& extra) {
  const std::string cmd = "(" + fwtest::shell_quote(EHSIM_EXECUTABLE) + " exec " +
                          fwtest::shell_quote(fwtest::firmware_path(app)) + " --json --mclk 8MHz" +
                          extra + " 2>/dev/null)";
  const fwtest::CommandResult r = fwtest::run_command(cmd);
  INFO(cmd << "\n" << r.output);
  nlohmann::json j;
  REQUIRE_NOTHROW(j = nlohmann::json::parse(r.output));
  return j;
}

std::vector<nlohmann::json> markers_with_id(const nlohmann::json& j, int id) {
  std::vector<nlohmann::json> out;
  for (const auto& m : j.at("markers"))
    if (m.at("id").get<int>() == id) out.push_back(m);
  return out;
}

uint32_t reported_crc(const nlohmann::json& j) {
  const auto lo = markers_with_id(j, kMarkDoneLo), hi = markers_with_id(j, kMarkDoneHi);
  REQUIRE(lo.size() == 1);
  REQUIRE(hi.size() == 1);
  return uint32_t(lo[0].at("arg").get<uint32_t>()) | (hi[0].at("arg").get<uint32_t>() << 16);
}

// How many of chunk k's 4096 bit steps find the CRC register's low bit set (the steps that take
// the XOR with the polynomial), starting from the register after k chunks.
unsigned host_xor_steps(unsigned k) {
  static const std::vector<uint8_t> buf = host_buffer();
  uint32_t crc = host_crc_register(k);
  unsigned steps = 0;
  const size_t start = size_t(k % kChunksPerPass) * kChunkBytes;
  for (size_t i = start; i < start + kChunkBytes; ++i) {
    crc ^= buf[i];
    for (int b = 0; b < 8; ++b) {
      steps += crc & 1u;
      crc = (crc & 1u) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
    }
  }
  return steps;
}

// The chunk loop of checksum_restart's main() as clang -Os compiles checksum_common.h
// (llvm-objdump -d build/firmware/checksum_restart.elf), 0x4024..0x409D: the hand count below is
// for exactly these instructions (the test checks the bytes first).
constexpr uint16_t kChunkLoopAddress = 0x4024;
const char* const kChunkLoopHex =
    "3d4000020e4c4e4e8e100e5e3ef0003e3e50c041594e000009eb7b420a4f0849"
    "18f312c30a10089302243ae0b8ed4f4f8f1012c309100f5f0f5f0f5f0f5f0f5f"
    "0f5f0f5f0fd9089302243fe02083094f7b534b930f4ae3231e533d530d930b49"
    "0f4ad8231c53824c080fb2401200040f3c9080000b490f4ac323";

// MCLK cycles of one pass of that loop, by hand from SLAU445 Table 4-10 (Format I; MOV one less
// with a memory destination; constant-generator sources #-1/#0/#1/#8 count as register mode),
// Table 4-9 (Format II) and 2 cycles per jump, at 8 MHz with no FRAM wait state:
//   per bit (0x4042..0x407A)  mov 1, and #1 1, clrc 1, rrc 1, tst 1, jeq 2, mov.b 1, swpb 1,
//                             clrc 1, rrc 1, 7 x add 7, bis 1, tst 1, jeq 2, mov 1, add.b #-1 1,
//                             tst.b 1, mov 1, jne 2                                    = 28
//                             + 2 x (xor #N,Rm 2) when the low bit is set               + 4
//   per byte                  mov.b 0(r14),r9 3, xor 1, mov.b #8 1, mov 1; inc 1, add #-1 1,
//                             tst 1, mov 1, mov 1, jne 2                               = 13
//   per chunk                 mov #512 2, mov 1, mov.b 1, swpb 1, add 1, and #N 2, add #N 2;
//                             inc 1, mov r12,&EDE 3, mov #18,&EDE (the progress marker) 4,
//                             cmp #128 2, mov 1, mov 1, jne 2                          = 24
uint64_t chunk_cycles(unsigned k) {
  return 24 + kChunkBytes * (13 + 8 * 28) + 4ull * host_xor_steps(k);
}

// ehsim's --dump bytes: lowercase hex, two digits per byte.
std::vector<uint8_t> hex_bytes(const std::string& hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(uint8_t(std::stoul(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::string hex32(uint32_t v) {
  char s[9];
  std::snprintf(s, sizeof s, "%08x", unsigned(v));
  return s;
}

}  // namespace

TEST_CASE("checksum apps report the host CRC-32 of the FRAM buffer", "[firmware][checksum]") {
  const uint32_t expected = ~host_crc_register(kTotalChunks);
  for (const char* app : {"checksum_ckpt", "checksum_restart"}) {
    INFO(app);
    const nlohmann::json j = run_exec(app, "");
    CHECK(j.at("exit_reason") == "host_exit");
    CHECK(j.at("exit_code") == 0);
    CHECK(reported_crc(j) == expected);
    CHECK(j.at("host_log")
              .get<std::string>()
              .find(std::string(app) + ": crc32=" + hex32(expected) + "\n") != std::string::npos);
    // Both apps compile checksum_common.h's byte and bit loops alike (the 0x4038.. and 0x4042..
    // loops counted above; other addresses in checksum_ckpt): at least that count, all chunks.
    uint64_t crc_work = 0;
    for (unsigned k = 0; k < kTotalChunks; ++k) crc_work += chunk_cycles(k) - 24;
    CHECK(j.at("cycles").get<uint64_t>() > crc_work);
    const auto boots = markers_with_id(j, kMarkBoot);
    REQUIRE(boots.size() == 1);
    CHECK(boots[0].at("arg") == 0);
  }
}

TEST_CASE("checksum_ckpt commits once per chunk and starts the next round",
          "[firmware][checksum]") {
  const fwtest::Symbol ckpt = fwtest::elf_symbol(fwtest::firmware_path("checksum_ckpt"), "ckpt");
  REQUIRE(ckpt.size == 18);  // two 8-byte slots + the selector word
  const nlohmann::json j =
      run_exec("checksum_ckpt", " --dump " + std::to_string(ckpt.address) + ":18");
  const auto commits = markers_with_id(j, kMarkCommit);
  REQUIRE(commits.size() == kTotalChunks);
  for (unsigned k = 0; k < kTotalChunks; ++k) CHECK(commits[k].at("arg") == k + 1);
  CHECK(markers_with_id(j, kMarkProgress).empty());
  const auto rounds = markers_with_id(j, kMarkRoundDone);
  REQUIRE(rounds.size() == 1);
  CHECK(rounds[0].at("arg") == 0);

  // The last commit names round 1, chunk 0, the initial CRC: the next boot starts a new round.
  const std::vector<uint8_t> mem =
      hex_bytes(j.at("memory").at(std::to_string(ckpt.address)).get<std::string>());
  REQUIRE(mem.size() == 18);
  const unsigned active = fwtest::le16(mem, 16);
  REQUIRE(active <= 1);
  CHECK(fwtest::le16(mem, active * 8) == 1);
  CHECK(fwtest::le16(mem, active * 8 + 2) == 0);
  CHECK(fwtest::le32(mem, active * 8 + 4) == kCrcInit);
}

TEST_CASE("checksum_restart reports progress per chunk and never commits", "[firmware][checksum]") {
  const nlohmann::json j = run_exec("checksum_restart", "");
  const auto progress = markers_with_id(j, kMarkProgress);
  REQUIRE(progress.size() == kTotalChunks);
  CHECK(progress.back().at("arg") == kTotalChunks);
  CHECK(markers_with_id(j, kMarkCommit).empty());
}

TEST_CASE("checksum_restart: every chunk takes the cycles counted by hand from SLAU445's tables",
          "[firmware][checksum]") {
  const nlohmann::json j =
      run_exec("checksum_restart", " --dump " + std::to_string(kChunkLoopAddress) + ":122");
  // The count is for these instructions: a different compiler output needs a new count.
  REQUIRE(j.at("memory").at(std::to_string(kChunkLoopAddress)) == kChunkLoopHex);
  const auto progress = markers_with_id(j, kMarkProgress);
  REQUIRE(progress.size() == kTotalChunks);
  // From one progress marker to the next is one pass of the chunk loop: chunk k, k = 1..127.
  for (unsigned k = 1; k < kTotalChunks; ++k) {
    INFO("chunk " << k << ", " << host_xor_steps(k) << " XOR steps");
    CHECK(progress[k].at("arg") == k + 1);
    CHECK(progress[k].at("cycle").get<uint64_t>() - progress[k - 1].at("cycle").get<uint64_t>() ==
          chunk_cycles(k));
  }
}

TEST_CASE("checksum_ckpt's FRAM checkpoint is consistent wherever the run is cut off",
          "[firmware][checksum]") {
  const fwtest::Symbol ckpt = fwtest::elf_symbol(fwtest::firmware_path("checksum_ckpt"), "ckpt");
  for (uint64_t stop : {1000ull, 129'700ull, 1'234'567ull, 8'000'001ull, 16'589'600ull}) {
    INFO("--max-cycles " << stop);
    const nlohmann::json j =
        run_exec("checksum_ckpt", " --max-cycles " + std::to_string(stop) + " --dump " +
                                      std::to_string(ckpt.address) + ":18");
    CHECK(j.at("exit_reason") == "max_cycles");
    const auto commits = markers_with_id(j, kMarkCommit);
    const std::vector<uint8_t> mem =
        hex_bytes(j.at("memory").at(std::to_string(ckpt.address)).get<std::string>());
    REQUIRE(mem.size() == 18);
    const unsigned active = fwtest::le16(mem, 16);
    REQUIRE(active <= 1);
    const unsigned chunk = fwtest::le16(mem, active * 8 + 2);
    // The checkpoint is at least as far as the last reported commit (a commit lands before its
    // marker) and at most one chunk further; its CRC is the host's after that many chunks.
    const unsigned reported = commits.empty() ? 0u : commits.back().at("arg").get<unsigned>();
    CHECK(chunk >= reported);
    CHECK(chunk <= reported + 1);
    CHECK(fwtest::le16(mem, active * 8) == 0);
    CHECK(fwtest::le32(mem, active * 8 + 4) == host_crc_register(chunk));
  }
}

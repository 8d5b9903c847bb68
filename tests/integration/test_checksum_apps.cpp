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
    // Sized to outlast a power cycle: 5-20 M cycles (measured 16.6 M at 8 MHz).
    CHECK(j.at("cycles").get<uint64_t>() > 5'000'000u);
    CHECK(j.at("cycles").get<uint64_t>() < 20'000'000u);
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

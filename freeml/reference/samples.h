// FreeML sample files ("FMLS", freeml/FORMAT.md): the inputs ehsim feeds to the firmware through
// host_io, with their labels. Header-only so that the ehsim executable can read sample files
// without linking the reference library.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "freeml/firmware/include/freeml/model_format.h"

namespace freeml::ref {

struct SampleSet {
  int words = 0;  // i16 words per sample
  int frac = 0;   // fractional bits of the words
  std::vector<std::vector<int16_t>> samples;
  std::vector<uint16_t> labels;  // one per sample; 0xFFFF = unknown
};

// parse_samples/read_samples_file throw std::runtime_error naming the file and byte offset on
// malformed input.
namespace samples_detail {

inline uint16_t get16(const std::vector<uint8_t>& b, size_t off) {
  return uint16_t(b[off] | (b[off + 1] << 8));
}

inline void put16(std::vector<uint8_t>* b, uint16_t v) {
  b->push_back(uint8_t(v));
  b->push_back(uint8_t(v >> 8));
}

[[noreturn]] inline void fail(const std::string& path, size_t off, const std::string& what) {
  throw std::runtime_error(path + ": byte " + std::to_string(off) + ": " + what);
}

}  // namespace samples_detail

inline SampleSet parse_samples(const std::vector<uint8_t>& b, const std::string& path) {
  using namespace samples_detail;
  if (b.size() < FML_SAMPLES_HDR_BYTES) fail(path, 0, "expected a 16-byte FMLS header");
  if (b[0] != 'F' || b[1] != 'M' || b[2] != 'L' || b[3] != 'S')
    fail(path, 0, "magic: expected \"FMLS\" (a FreeML sample file)");
  if (get16(b, FML_S_VERSION) != 1) fail(path, FML_S_VERSION, "version: expected 1");
  if (get16(b, FML_S_HEADER_BYTES) != FML_SAMPLES_HDR_BYTES)
    fail(path, FML_S_HEADER_BYTES, "header_bytes: expected 16");
  SampleSet set;
  const uint32_t count =
      uint32_t(get16(b, FML_S_COUNT)) | (uint32_t(get16(b, FML_S_COUNT + 2)) << 16);
  set.words = get16(b, FML_S_WORDS);
  set.frac = int8_t(b[FML_S_FRAC]);
  if (set.words == 0) fail(path, FML_S_WORDS, "words: expected at least 1");
  if (set.frac < 0 || set.frac > 15) fail(path, FML_S_FRAC, "frac: expected 0..15");
  if (b[FML_S_RESERVED] != 0) fail(path, FML_S_RESERVED, "reserved: expected 0");
  const uint64_t need = FML_SAMPLES_HDR_BYTES + uint64_t(count) * (2ull * set.words + 2);
  if (b.size() != need) {
    fail(path, FML_S_COUNT,
         "count " + std::to_string(count) + " x " + std::to_string(set.words) +
             " words + labels: expected a file of " + std::to_string(need) + " bytes, found " +
             std::to_string(b.size()));
  }
  size_t off = FML_SAMPLES_HDR_BYTES;
  for (uint32_t s = 0; s < count; ++s) {
    std::vector<int16_t> words(size_t(set.words));
    for (auto& w : words) {
      w = int16_t(get16(b, off));
      off += 2;
    }
    set.samples.push_back(std::move(words));
  }
  for (uint32_t s = 0; s < count; ++s, off += 2) set.labels.push_back(get16(b, off));
  return set;
}

// Largest sample file read (FORMAT.md): 20,000 samples of 28x28 words fit.
inline constexpr size_t kMaxSampleFileBytes = size_t(32) << 20;

inline SampleSet read_samples_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw std::runtime_error(path + ": is a directory, expected a sample file (.fmls)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open file");
  // One byte more than allowed is read, so that an endless input (/dev/zero) stops there.
  std::vector<uint8_t> bytes;
  char buf[65536];
  while (in && bytes.size() <= kMaxSampleFileBytes) {
    in.read(buf, std::streamsize(std::min(sizeof buf, kMaxSampleFileBytes + 1 - bytes.size())));
    bytes.insert(bytes.end(), buf, buf + in.gcount());
  }
  if (in.bad()) throw std::runtime_error(path + ": read error");
  if (bytes.size() > kMaxSampleFileBytes) {
    samples_detail::fail(path, kMaxSampleFileBytes,
                         "longer than the limit of " + std::to_string(kMaxSampleFileBytes) +
                             " bytes for a sample file (kMaxSampleFileBytes)");
  }
  return parse_samples(bytes, path);
}

inline std::vector<uint8_t> write_samples(const SampleSet& set) {
  using namespace samples_detail;
  std::vector<uint8_t> b = {'F', 'M', 'L', 'S'};
  put16(&b, 1);
  put16(&b, FML_SAMPLES_HDR_BYTES);
  const uint32_t count = uint32_t(set.samples.size());
  put16(&b, uint16_t(count));
  put16(&b, uint16_t(count >> 16));
  put16(&b, uint16_t(set.words));
  b.push_back(uint8_t(set.frac));
  b.push_back(0);
  for (const auto& s : set.samples) {
    if (s.size() != size_t(set.words)) throw std::invalid_argument("write_samples: sample size");
    for (int16_t w : s) put16(&b, uint16_t(w));
  }
  for (size_t i = 0; i < set.samples.size(); ++i)
    put16(&b, i < set.labels.size() ? set.labels[i] : uint16_t(FML_SAMPLE_NO_LABEL));
  return b;
}

}  // namespace freeml::ref

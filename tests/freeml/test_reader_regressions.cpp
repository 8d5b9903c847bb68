// Regression tests for the FreeML blob and sample readers: inputs that used to crash, allocate
// gigabytes or read forever (issue 17; the fuzz/ harnesses fuzz_blob and fuzz_samples). Each
// must now be rejected with a message naming the file, the byte offset and what was expected,
// before anything large is allocated.
#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "freeml/firmware/include/freeml/model_format.h"
#include "freeml/reference/blob_io.h"
#include "freeml/reference/samples.h"

using namespace freeml::ref;

namespace {

void put16(std::vector<uint8_t>& b, size_t off, uint32_t v) {
  b[off] = uint8_t(v);
  b[off + 1] = uint8_t(v >> 8);
}
void put32(std::vector<uint8_t>& b, size_t off, uint32_t v) {
  put16(b, off, v & 0xFFFF);
  put16(b, off + 2, v >> 16);
}

// A blob of `size` bytes holding one layer (at offset 48) after an input of c x h x w words, with
// total_bytes and crc32 that match: the reader gets past the header to the layer.
struct OneLayer {
  uint16_t in_c = 1, in_h = 1, in_w = 1;
  uint8_t kind = FML_DENSE, flags = 0;
  uint16_t out_c = 1, out_h = 1, out_w = 1;
  uint32_t weights = 80, nnz = 0;
  uint16_t max_act_words = 1;
  size_t size = 466;
};

std::vector<uint8_t> one_layer_blob(const OneLayer& o) {
  std::vector<uint8_t> b(o.size, 0);
  b[0] = 'F', b[1] = 'M', b[2] = 'L', b[3] = 'B';
  put16(b, FML_HDR_VERSION, FML_VERSION);
  put16(b, FML_HDR_HEADER_BYTES, FML_HDR_BYTES);
  put16(b, FML_HDR_LAYER_COUNT, 1);
  put16(b, FML_HDR_LAYER_TABLE, FML_HDR_BYTES);
  put16(b, FML_HDR_INPUT_C, o.in_c);
  put16(b, FML_HDR_INPUT_H, o.in_h);
  put16(b, FML_HDR_INPUT_W, o.in_w);
  put16(b, FML_HDR_NUM_CLASSES, 1);
  put16(b, FML_HDR_MAX_ACT_WORDS, o.max_act_words);
  const size_t lo = FML_HDR_BYTES;
  b[lo + FML_L_KIND] = o.kind;
  b[lo + FML_L_FLAGS] = o.flags;
  put16(b, lo + FML_L_OUT_C, o.out_c);
  put16(b, lo + FML_L_OUT_H, o.out_h);
  put16(b, lo + FML_L_OUT_W, o.out_w);
  put32(b, lo + FML_L_WEIGHTS, o.weights);
  put32(b, lo + FML_L_NNZ, o.nnz);
  put32(b, FML_HDR_TOTAL_BYTES, uint32_t(b.size()));
  put32(b, FML_HDR_CRC32, crc32_ieee(b.data() + 16, b.size() - 16));
  return b;
}

// Peak resident set of this process in MB (only grows).
long peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

// parse_blob must throw a FormatError containing `needle`, and raise the peak RSS by < 64 MB.
void expect_rejected(const std::vector<uint8_t>& blob, const std::string& needle) {
  const long before = peak_rss_mb();
  try {
    parse_blob(blob, "bad.fmlb");
    FAIL("accepted");
  } catch (const FormatError& e) {
    const std::string m = e.what();
    INFO(m);
    CHECK(m.rfind("bad.fmlb: byte ", 0) == 0);
    CHECK(m.find(needle) != std::string::npos);
  }
  CHECK(peak_rss_mb() - before < 64);
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("ehsim-regr-" + name)).string();
}

}  // namespace

TEST_CASE("blob regression: a dense layer's weight count is checked before allocating",
          "[freeml][regression]") {
  // 466 bytes that used to take 1.8 GB: 30000 x 30000 dense weights, nnz 0 (issue 17).
  OneLayer o;
  o.in_w = 30000;
  o.out_c = 30000;
  o.max_act_words = 30000;
  expect_rejected(one_layer_blob(o), "nnz (dense weight count): expected 900000000, found 0");
  // The same with a matching nnz: the weights would lie far beyond the blob.
  o.nnz = 900000000u;
  expect_rejected(one_layer_blob(o), "ends beyond the blob");
  // 65535 x 65025 weights (an 8.5 GB vector before).
  o.in_h = 255, o.in_w = 255, o.out_c = 65535, o.max_act_words = 65535;
  o.nnz = uint32_t(65535u * 65025u);
  expect_rejected(one_layer_blob(o), "ends beyond the blob");
}

TEST_CASE("blob regression: CSR layers are limited to kMaxDenseWeights dense weights",
          "[freeml][regression]") {
  // 1000 x 65535 weights stored as CSR with no non-zeros: 2.1 KB of row_ptr, 131 MB dense.
  OneLayer o;
  o.in_w = 65535;
  o.out_c = 1000;
  o.max_act_words = 65535;
  o.flags = FML_FLAG_CSR;
  o.size = 80 + 2 * 1001 + 2;
  expect_rejected(one_layer_blob(o), "at most 16777216 dense weights in all (kMaxDenseWeights)");
}

TEST_CASE("blob regression: tensor shapes over 65535 words are rejected before multiplying",
          "[freeml][regression]") {
  // c*h*w of the input overflowed int in Shape::size() (UBSan).
  OneLayer o;
  o.in_c = o.in_h = o.in_w = 65535;
  expect_rejected(one_layer_blob(o), "input shape (65535,65535,65535) has 281462092005375 words");
  // A layer's output likewise (before the flatten after it computes in.size()).
  OneLayer l;
  l.kind = FML_RELU;
  l.out_c = l.out_h = l.out_w = 4096;
  l.weights = 0;
  expect_rejected(one_layer_blob(l), "output shape (4096,4096,4096)");
}

TEST_CASE("blob regression: endless, oversized and directory inputs", "[freeml][regression]") {
  try {
    read_blob_file("/dev/zero");
    FAIL("accepted /dev/zero");
  } catch (const FormatError& e) {
    CHECK(std::string(e.what()) == "/dev/zero: byte 0: longer than the limit of 212992 bytes");
  }
  try {
    read_blob_file("/");
    FAIL("accepted a directory");
  } catch (const FormatError& e) {
    CHECK(std::string(e.what()) == "/: byte 0: is a directory, expected a file");
  }
  CHECK_THROWS_WITH(read_file("/dev/zero", 10), "/dev/zero: longer than the limit of 10 bytes");
}

TEST_CASE("sample-file regression: limits, directories and the reserved byte",
          "[freeml][regression]") {
  CHECK_THROWS_WITH(read_samples_file("/dev/zero"),
                    Catch::Contains("/dev/zero: byte 33554432: longer than the limit of 33554432 "
                                    "bytes for a sample file (kMaxSampleFileBytes)"));
  CHECK_THROWS_WITH(read_samples_file("/"), Catch::Contains("/: is a directory"));
  // An oversized regular file (sparse, nothing is written) is rejected the same way.
  const std::string big = temp_path("big.fmls");
  std::ofstream(big).put('F');
  std::filesystem::resize_file(big, kMaxSampleFileBytes + 1);
  CHECK_THROWS_WITH(read_samples_file(big), Catch::Contains("(kMaxSampleFileBytes)"));
  std::filesystem::remove(big);
  // FORMAT.md: byte 15 is reserved 0 (write_samples writes 0; a file must read back the same).
  std::vector<uint8_t> b = {'F', 'M', 'L', 'S', 1, 0, 16, 0, 1, 0, 0, 0, 1, 0, 0, 7, 5, 0, 1, 0};
  CHECK_THROWS_WITH(parse_samples(b, "s.fmls"), "s.fmls: byte 15: reserved: expected 0");
  b[15] = 0;
  CHECK(write_samples(parse_samples(b, "s.fmls")) == b);
}

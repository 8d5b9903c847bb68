// The torch-free core of the FreeML compiler: IDX reader, fixed-point quantisation, CSR.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "freeml/compiler/core/csr.h"
#include "freeml/compiler/core/fixed_point.h"
#include "freeml/compiler/core/idx.h"

using namespace freeml;

namespace {

std::vector<uint8_t> idx_bytes(std::vector<uint32_t> dims, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> b = {0, 0, 0x08, uint8_t(dims.size())};
  for (uint32_t d : dims) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(uint8_t(d >> s));
  }
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

}  // namespace

TEST_CASE("IDX: a well-formed 3-D file parses with big-endian dimensions") {
  std::vector<uint8_t> data(2 * 3 * 260);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 7);
  const IdxArray a = parse_idx(idx_bytes({2, 3, 260}, data), "x");
  REQUIRE(a.dims == std::vector<uint32_t>{2, 3, 260});
  CHECK(a.data == data);
}

TEST_CASE("IDX: malformed files are rejected with the reason") {
  const std::vector<uint8_t> four = {1, 2, 3, 4};
  CHECK_THROWS_WITH(parse_idx({0, 0}, "f"), Catch::Contains("shorter than the 4-byte magic"));
  CHECK_THROWS_WITH(parse_idx({1, 0, 8, 1, 0, 0, 0, 0}, "f"), Catch::Contains("two zero bytes"));
  auto float_type = idx_bytes({4}, four);
  float_type[2] = 0x0D;
  CHECK_THROWS_WITH(parse_idx(float_type, "f"), Catch::Contains("element type code 13"));
  auto no_dims = idx_bytes({}, {});
  CHECK_THROWS_WITH(parse_idx(no_dims, "f"), Catch::Contains("dimension count 0"));
  CHECK_THROWS_WITH(parse_idx(idx_bytes({5}, four), "f"), Catch::Contains("(truncated)"));
  CHECK_THROWS_WITH(parse_idx(idx_bytes({3}, four), "f"), Catch::Contains("(trailing bytes)"));
  auto cut_header = idx_bytes({4, 4}, {});
  cut_header.resize(9);
  CHECK_THROWS_WITH(parse_idx(cut_header, "f"), Catch::Contains("truncated inside"));
  // Dimensions whose product overflows 64 bits must not wrap around to a plausible size.
  CHECK_THROWS_AS(parse_idx(idx_bytes({0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}, four), "f"), IdxError);
  CHECK_THROWS_WITH(read_idx("/nonexistent/file"), Catch::Contains("cannot open"));
}

TEST_CASE("fixed point: the scale is the finest that holds the largest magnitude") {
  CHECK(choose_frac_bits({0.5f, -0.25f}) == 15);
  CHECK(choose_frac_bits({1.0f}) == 14);   // 1.0 * 2^15 = 32768 does not fit
  CHECK(choose_frac_bits({-1.0f}) == 14);  // symmetric: -32768 is not used
  CHECK(choose_frac_bits({100.0f}) == 8);  // 100 * 2^8 = 25600
  CHECK(choose_frac_bits({0.001f}, 12) == 12);
  CHECK(choose_frac_bits({70000.0f}) == -2);
}

TEST_CASE("fixed point: rounding to nearest, ties away from zero, saturating") {
  CHECK(quantize_value(0.5f, 0) == 1);
  CHECK(quantize_value(-0.5f, 0) == -1);
  CHECK(quantize_value(1.2f, 1) == 2);
  CHECK(quantize_value(1e9f, 4) == 32767);
  CHECK(quantize_value(-1e9f, 4) == -32768);
  const std::vector<float> xs = {0.1f, -0.7f, 0.33f, 0.999f, -0.0001f};
  const QuantizedTensor q = quantize_auto(xs);
  REQUIRE(q.frac_bits == 15);
  for (size_t i = 0; i < xs.size(); ++i) {
    CHECK(std::fabs(dequantize_value(q.values[i], q.frac_bits) - xs[i]) <=
          std::ldexp(1.0, -q.frac_bits - 1) + 1e-9);
  }
}

TEST_CASE("CSR: encode keeps exactly the nonzeros, decode restores the matrix") {
  const std::vector<int16_t> dense = {0,  3, 0, 0,  //
                                      0,  0, 0, 0,  //
                                      -7, 0, 0, 9};
  const CsrMatrix m = csr_encode(dense, 3, 4);
  CHECK(m.row_ptr == std::vector<uint16_t>{0, 1, 1, 3});
  CHECK(m.col_idx == std::vector<uint16_t>{1, 0, 3});
  CHECK(m.values == std::vector<int16_t>{3, -7, 9});
  CHECK(csr_decode(m) == dense);
  CHECK(csr_bytes(3, 3) == 2 * 4 + 4 * 3);
  CHECK(dense_bytes(3, 4) == 24);
  CHECK_THROWS_AS(csr_encode(dense, 3, 5), std::invalid_argument);
  CHECK_THROWS_AS(csr_encode(std::vector<int16_t>(70000, 1), 1, 70000), std::invalid_argument);
  CHECK_THROWS_AS(csr_encode(std::vector<int16_t>(2 * 40000, 1), 2, 40000),
                  std::invalid_argument);  // 80000 nonzeros overflow the row pointers
}

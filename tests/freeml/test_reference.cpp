// The host reference on its own: its arithmetic primitives against plain wide-integer
// arithmetic, blob round trips, the validator's errors, and agreement with the float path within
// the documented bound (freeml/reference/float_exec.h).
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "freeml/firmware/include/freeml/model_format.h"
#include "freeml/reference/blob_io.h"
#include "freeml/reference/fixed_exec.h"
#include "freeml/reference/float_exec.h"
#include "freeml/reference/generator.h"
#include "freeml/reference/samples.h"

using namespace freeml::ref;

namespace {

std::vector<std::pair<std::string, ModelSpec>> all_specs() {
  std::vector<std::pair<std::string, ModelSpec>> specs;
  for (int k = 1; k <= 9; ++k) {
    for (bool csr : {false, true}) {
      if (csr && !has_weights(LayerKind(k))) continue;
      specs.emplace_back(std::string(to_string(LayerKind(k))) + (csr ? "-csr" : ""),
                         single_layer_spec(LayerKind(k), csr));
    }
  }
  specs.emplace_back("mixed", mixed_spec());
  return specs;
}

}  // namespace

TEST_CASE("round_shift is round-half-up division by a power of two", "[freeml][reference]") {
  std::mt19937 rng(1);
  std::uniform_int_distribution<int32_t> acc_dist(-(1 << 30), 1 << 30);
  for (int i = 0; i < 20000; ++i) {
    const int32_t acc = acc_dist(rng);
    const int shift = i % 32;
    const double exact = std::floor(double(acc) / std::ldexp(1.0, shift) + 0.5);
    REQUIRE(double(round_shift(acc, shift)) == exact);
  }
  CHECK(saturate16(40000) == 32767);
  CHECK(saturate16(-40000) == -32768);
  CHECK(saturate16(-5) == -5);
}

TEST_CASE("avg_round rounds half away from zero", "[freeml][reference]") {
  for (int32_t n = 1; n <= 50; ++n) {
    for (int32_t sum = -3000; sum <= 3000; sum += 7) {
      const double q = double(sum) / n;
      const double expect = q >= 0 ? std::floor(q + 0.5) : -std::floor(-q + 0.5);
      REQUIRE(double(avg_round(sum, n)) == expect);
    }
  }
}

TEST_CASE("blobs round-trip through the writer and the validator", "[freeml][reference]") {
  for (const auto& [name, spec] : all_specs()) {
    INFO(name);
    const Model m = generate_model(spec, 11);
    const auto blob = write_blob(m);
    const Model back = parse_blob(blob, "x");
    REQUIRE(back.layers.size() == m.layers.size());
    for (size_t i = 0; i < m.layers.size(); ++i) {
      CHECK(back.layers[i].weights == m.layers[i].weights);
      CHECK(back.layers[i].bias == m.layers[i].bias);
      CHECK(back.layers[i].out == m.layers[i].out);
      CHECK(back.layers[i].csr == m.layers[i].csr);
    }
    REQUIRE(back.taps.size() == m.taps.size());
    for (size_t k = 0; k < m.taps.size(); ++k) CHECK(back.taps[k].weights == m.taps[k].weights);
    CHECK(write_blob(back) == blob);
  }
}

TEST_CASE("CSR blobs are smaller and decode to the same weights", "[freeml][reference]") {
  Model dense = generate_model(single_layer_spec(LayerKind::kConv2d, true), 5);
  Model sparse = dense;
  for (auto& l : dense.layers) l.csr = false;
  CHECK(write_blob(sparse).size() < write_blob(dense).size());
  CHECK(parse_blob(write_blob(sparse), "s").layers[0].weights == dense.layers[0].weights);
}

namespace {

// Corrupts a valid blob, fixes the CRC unless asked not to, and returns the validator's message.
std::string reject(std::vector<uint8_t> blob, size_t offset, uint8_t value, bool fix_crc = true) {
  blob[offset] = value;
  if (fix_crc) {
    const uint32_t crc = crc32_ieee(blob.data() + 16, blob.size() - 16);
    for (int i = 0; i < 4; ++i) blob[FML_HDR_CRC32 + i] = uint8_t(crc >> (8 * i));
  }
  try {
    parse_blob(blob, "bad.fmlb");
  } catch (const FormatError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("malformed blobs are rejected naming the file, the offset and the field",
          "[freeml][reference]") {
  const Model m = generate_model(mixed_spec(), 3);
  const auto blob = write_blob(m);
  const size_t table = blob[FML_HDR_LAYER_TABLE] | (blob[FML_HDR_LAYER_TABLE + 1] << 8);
  const size_t tap_table = blob[FML_HDR_TAP_TABLE] | (blob[FML_HDR_TAP_TABLE + 1] << 8);

  CHECK_THAT(reject(blob, 0, 'X'), Catch::Contains("bad.fmlb: byte 0: magic"));
  CHECK_THAT(reject(blob, FML_HDR_VERSION, 9), Catch::Contains("byte 4: version: expected 1"));
  CHECK_THAT(reject(blob, 100, uint8_t(blob[100] ^ 1), false), Catch::Contains("byte 12: crc32"));
  CHECK_THAT(reject(blob, FML_HDR_POLICY, 7), Catch::Contains("byte 34: policy"));
  CHECK_THAT(reject(blob, table + FML_L_KIND, 42),
             Catch::Contains("byte " + std::to_string(table) + ": kind"));
  CHECK_THAT(reject(blob, table + FML_L_OUT_H, 11),
             Catch::Contains("byte " + std::to_string(table + FML_L_OUT_C) +
                             ": conv2d output shape: expected (6,12,12)"));
  auto low_w_frac = blob;
  low_w_frac[table + FML_L_OUT_FRAC] = 15;  // 12 + 0 - 15 < 0
  CHECK_THAT(reject(low_w_frac, table + FML_L_W_FRAC, 0), Catch::Contains("(accumulator shift)"));
  CHECK_THAT(reject(blob, table + FML_LAYER_BYTES + FML_L_OUT_FRAC, 3),
             Catch::Contains("out_frac (must equal in_frac)"));
  CHECK_THAT(reject(blob, table + FML_L_FLAGS, 0x80), Catch::Contains("flags: unknown bits"));
  CHECK_THAT(reject(blob, tap_table + FML_T_LAYER, 10),
             Catch::Contains("tap layer (increasing, before the final layer)"));
  CHECK_THAT(reject(blob, tap_table + FML_T_GRID_H, 13), Catch::Contains("grid_h"));

  // A CSR column outside the kernel (layer 2 is a CSR depthwise 3x3 layer).
  const size_t l2 = table + 2 * FML_LAYER_BYTES;
  const size_t w = blob[l2 + FML_L_WEIGHTS] | (blob[l2 + FML_L_WEIGHTS + 1] << 8);
  const size_t first_col = w + 2 * (6 + 1);
  CHECK_THAT(reject(blob, first_col, 0x33), Catch::Contains("col_idx[0] = 51"));

  // Truncated: total_bytes no longer matches, then the header itself is cut.
  auto cut = blob;
  cut.resize(cut.size() - 2);
  CHECK_THROWS_WITH(parse_blob(cut, "cut.fmlb"),
                    Catch::Contains("cut.fmlb: byte 8: total_bytes (the file size)"));
  cut.resize(20);
  CHECK_THROWS_WITH(parse_blob(cut, "cut.fmlb"), Catch::Contains("header: expected 48 bytes"));
  CHECK_THROWS_WITH(read_blob_file("/nonexistent/x.fmlb"), Catch::Contains("cannot open"));
}

TEST_CASE("the fixed-point reference agrees with float within the documented bound",
          "[freeml][reference]") {
  for (const auto& [name, spec] : all_specs()) {
    INFO(name);
    const Model m = generate_model(spec, 21);
    std::mt19937 rng(99);
    for (int s = 0; s < 50; ++s) {
      const auto x = random_input(m, rng);
      const FixedRun fx = run_fixed(m, x);
      const FloatRun fl = run_float(m, x);
      REQUIRE_FALSE(fl.saturated);
      for (size_t i = 0; i < m.layers.size(); ++i) {
        const double lsb = std::ldexp(1.0, -m.layers[i].out_frac);
        for (size_t k = 0; k < fx.outputs[i].size(); ++k)
          REQUIRE(std::abs(fx.outputs[i][k] * lsb - fl.outputs[i][k]) <= fl.output_error[i][k]);
      }
      for (size_t t = 0; t < m.taps.size(); ++t) {
        const double lsb = std::ldexp(1.0, -m.logit_frac);
        for (int c = 0; c < m.num_classes; ++c)
          REQUIRE(std::abs(fx.exit_logits[t][size_t(c)] * lsb - fl.exit_logits[t][size_t(c)]) <=
                  fl.logit_bound[t]);
      }
    }
  }
}

TEST_CASE("the float comparison detects a wrong fixed-point result", "[freeml][reference]") {
  // The bound must not be so loose that it accepts anything: change one weight of the model the
  // fixed-point path runs by a tenth of its range and the float check must notice.
  const Model m = generate_model(mixed_spec(), 21);
  Model wrong = m;
  wrong.layers[0].weights[0] = int16_t(wrong.layers[0].weights[0] + 3277);
  std::mt19937 rng(5);
  bool detected = false;
  for (int s = 0; s < 10 && !detected; ++s) {
    const auto x = random_input(m, rng);
    const FixedRun fx = run_fixed(wrong, x);
    const FloatRun fl = run_float(m, x);
    const double lsb = std::ldexp(1.0, -m.layers[0].out_frac);
    for (size_t k = 0; k < fx.outputs[0].size(); ++k)
      detected |= std::abs(fx.outputs[0][k] * lsb - fl.outputs[0][k]) > fl.output_bound[0];
  }
  CHECK(detected);
}

TEST_CASE("the float bound holds and is conclusive on the committed MNIST model",
          "[freeml][reference]") {
  // The committed blob and test samples: the bit-exact fixed path must stay within the elementwise
  // bound, and the bound must be tight enough to rule out saturation (a worst-case scalar bound
  // flagged every sample).
  const std::string models = std::string(EHSIM_SOURCE_DIR) + "/freeml/models/";
  const Model m = read_blob_file(models + "mnist-lenet.fmlb");
  const SampleSet set = read_samples_file(models + "mnist-test-1000.fmls");
  REQUIRE(set.samples.size() >= 200);
  double worst_final = 0;
  for (size_t s = 0; s < 200; ++s) {
    INFO("sample " << s);
    const FixedRun fx = run_fixed(m, set.samples[s]);
    const FloatRun fl = run_float(m, set.samples[s]);
    REQUIRE_FALSE(fl.saturated);
    for (size_t i = 0; i < m.layers.size(); ++i) {
      const double lsb = std::ldexp(1.0, -m.layers[i].out_frac);
      for (size_t k = 0; k < fx.outputs[i].size(); ++k)
        REQUIRE(std::abs(fx.outputs[i][k] * lsb - fl.outputs[i][k]) <= fl.output_error[i][k]);
    }
    for (size_t t = 0; t < m.taps.size(); ++t)
      for (int c = 0; c < m.num_classes; ++c)
        REQUIRE(std::abs(fx.exit_logits[t][size_t(c)] * std::ldexp(1.0, -m.logit_frac) -
                         fl.exit_logits[t][size_t(c)]) <= fl.logit_bound[t]);
    worst_final = std::max(worst_final, fl.output_bound.back());
  }
  // Conclusive also means small against the logits' scale: below a tenth of the final format's
  // range (32767 LSBs).
  CHECK(worst_final < 0.1 * 32767 * std::ldexp(1.0, -m.layers.back().out_frac));
}

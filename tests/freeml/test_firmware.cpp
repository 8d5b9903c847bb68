// The simulated firmware against the host reference: for every kernel (dense and CSR) and for a
// mixed model, the logits, exit layer, class and confidence that freeml_infer reports through
// host_io equal the reference's bit for bit on 50 inputs, under the `none` policy and under a
// confidence policy that exits at the gNet taps.
#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

#include "fml_harness.h"
#include "freeml/reference/blob_io.h"
#include "freeml/reference/generator.h"

using namespace freeml::ref;
using fmltest::FwResult;

namespace {

constexpr int kSamples = 50;

void check_against_reference(const std::string& name, const Model& m, uint32_t seed) {
  const SampleSet set = fmltest::random_samples(m, kSamples, seed);
  const auto run = fmltest::run_model(fmltest::scratch_dir(name), m, set);
  INFO(run.output.substr(0, 2000));
  REQUIRE(run.status == 0);
  REQUIRE(run.report["exit_reason"] == "host_exit");
  REQUIRE(run.results.size() == size_t(kSamples));
  for (int s = 0; s < kSamples; ++s) {
    INFO("sample " << s);
    const Decision d = fmltest::expected(m, set.samples[size_t(s)]);
    const FwResult& r = run.results[size_t(s)];
    CHECK(r.sample == s);
    CHECK(r.logits == d.logits);
    CHECK(r.exit_layer == d.exit_layer);
    CHECK(r.cls == d.cls);
    CHECK(r.confidence == d.confidence);
  }
}

}  // namespace

TEST_CASE("every kernel: firmware logits equal the reference bit for bit", "[freeml][firmware]") {
  for (int k = 1; k <= 9; ++k) {
    for (bool csr : {false, true}) {
      if (csr && !has_weights(LayerKind(k))) continue;
      const std::string name = std::string(to_string(LayerKind(k))) + (csr ? "-csr" : "");
      SECTION(name) {
        Model m = generate_model(single_layer_spec(LayerKind(k), csr), 100 + uint32_t(k));
        // Policy none: the final logits depend on the kernel's outputs through the dense head.
        check_against_reference(name, m, 7);
        // Confidence with a margin every answer meets: exits at the full-resolution tap right
        // after the kernel, so the reported exit logits see every value it computed.
        m.policy = Policy::kConfidence;
        m.conf_margin = INT32_MIN;
        check_against_reference(name + "-exit", m, 8);
      }
    }
  }
}

TEST_CASE("mixed model: results and exits equal the reference", "[freeml][firmware]") {
  Model m = generate_model(mixed_spec(), 42);
  check_against_reference("mixed-none", m, 1);
  // A margin threshold in the middle of the observed margins makes samples exit at different
  // taps (checked below) or run to the end.
  m.policy = Policy::kConfidence;
  std::vector<int32_t> margins;
  const SampleSet set = fmltest::random_samples(m, kSamples, 2);
  for (const auto& x : set.samples) {
    const FixedRun run = run_fixed(m, x);
    for (const auto& l : run.exit_logits) {
      int cls;
      int32_t margin;
      top1_margin(l, &cls, &margin);
      margins.push_back(margin);
    }
  }
  std::sort(margins.begin(), margins.end());
  m.conf_margin = margins[margins.size() * 2 / 3];
  std::set<int> exits;
  for (const auto& x : set.samples) exits.insert(fmltest::expected(m, x).exit_layer);
  CHECK(exits.size() >= 2);
  check_against_reference("mixed-confidence", m, 2);
}

TEST_CASE("the firmware rejects a missing or foreign blob and a sample of the wrong size",
          "[freeml][firmware]") {
  const std::string dir = fmltest::scratch_dir("reject");
  // No --load: the storage is all zeros.
  auto run = fmltest::run_infer("");
  CHECK(run.status == 1);
  CHECK(run.report["exit_code"] == 3);
  REQUIRE(run.report["markers"].size() == 1);
  CHECK(run.report["markers"][0]["id"] == FML_MARK_ERROR);
  CHECK(run.report["markers"][0]["arg"] == 1);  // FML_ERR_MAGIC

  const Model m = generate_model(single_layer_spec(LayerKind::kDense, false), 1);
  SampleSet wrong;
  wrong.words = m.input.size() + 1;
  wrong.samples.push_back(std::vector<int16_t>(size_t(wrong.words), 1));
  wrong.labels.push_back(0);
  run = fmltest::run_model(dir, m, wrong);
  CHECK(run.report["exit_code"] == 4);
  CHECK(run.results.empty());
}

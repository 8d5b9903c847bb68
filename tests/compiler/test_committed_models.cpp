// The models committed in freeml/models/ (scripts/build-models): they fit the device budget,
// keep their accuracy, and the simulated firmware predicts exactly what the host reference does.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../freeml/fml_harness.h"
#include "compiler_fixture.h"
#include "freeml/compiler/report.h"
#include "freeml/reference/blob_io.h"
#include "freeml/reference/samples.h"
#include "tests/test_support.h"

using namespace freeml;

namespace {

constexpr size_t kFramBudgetBytes = 16 * 1024;
constexpr size_t kSramBudgetBytes = 4 * 1024;

std::string models(const std::string& file) {
  return cctest::source_path("freeml/models/" + file);
}

uint32_t be32(const std::vector<uint8_t>& b, size_t off) {
  return uint32_t(b[off]) << 24 | uint32_t(b[off + 1]) << 16 | uint32_t(b[off + 2]) << 8 |
         uint32_t(b[off + 3]);
}

// The official test split, read here from the IDX files (the format's header: magic 0x0803 /
// 0x0801, big-endian counts) rather than through the compiler's loader. An input word is the raw
// pixel at 8 fractional bits (FORMAT.md; checked below against the committed sample files).
ref::SampleSet official_test_split(const std::string& dir) {
  const std::vector<uint8_t> images = cctest::read_bytes(dir + "/t10k-images-idx3-ubyte");
  const std::vector<uint8_t> labels = cctest::read_bytes(dir + "/t10k-labels-idx1-ubyte");
  REQUIRE(images.size() >= 16);
  REQUIRE(labels.size() >= 8);
  REQUIRE(be32(images, 0) == 0x803);
  REQUIRE(be32(labels, 0) == 0x801);
  const uint32_t n = be32(images, 4);
  REQUIRE(be32(labels, 4) == n);
  REQUIRE(be32(images, 8) == 28);
  REQUIRE(be32(images, 12) == 28);
  REQUIRE(images.size() == 16 + size_t(n) * 784);
  REQUIRE(labels.size() == 8 + size_t(n));
  ref::SampleSet set;
  set.words = 784;
  set.frac = 8;
  for (uint32_t i = 0; i < n; ++i) {
    set.samples.emplace_back(images.begin() + long(16 + size_t(i) * 784),
                             images.begin() + long(16 + size_t(i + 1) * 784));
    set.labels.push_back(labels[8 + i]);
  }
  return set;
}

// Recomputes a committed model's test accuracy over the whole official test split with the
// bit-exact host reference (the firmware's arithmetic, policy none: the final layer decides) and
// each exit's accuracy, and compares them with what its report says.
void check_full_split_accuracy(const std::string& dataset, const std::string& model,
                               const std::string& samples_file) {
  const std::string root = cctest::real_data_root(dataset);
  EHSIM_REQUIRE_DEPENDENCY(!root.empty(), dataset + " under " + cctest::data_root(),
                           "scripts/fetch-datasets " + dataset + " (scripts/test runs it)");
  const ref::SampleSet split = official_test_split(root + "/" + dataset);
  REQUIRE(split.samples.size() == 10000);
  const ref::Model m = ref::read_blob_file(models(model + ".fmlb"));
  REQUIRE(m.input.size() == 784);
  REQUIRE(m.input_frac == 8);
  // The committed sample file is the first 1000 test images: the pixel conversion above is the
  // one the models were built with.
  const ref::SampleSet committed = ref::read_samples_file(models(samples_file));
  REQUIRE(committed.frac == 8);
  REQUIRE(committed.samples.size() == 1000);
  for (size_t s = 0; s < committed.samples.size(); ++s) {
    REQUIRE(committed.samples[s] == split.samples[s]);
    REQUIRE(committed.labels[s] == split.labels[s]);
  }
  size_t final_correct = 0;
  std::vector<size_t> exit_correct(m.taps.size(), 0);
  for (size_t s = 0; s < split.samples.size(); ++s) {
    const ref::FixedRun run = ref::run_fixed(m, split.samples[s]);
    const ref::Decision d = ref::decide(m, run, ref::Policy::kNone, 0, [](int) { return false; });
    final_correct += d.cls == int(split.labels[s]);
    int cls = 0;
    int32_t margin = 0;
    for (size_t k = 0; k < m.taps.size(); ++k) {
      ref::top1_margin(run.exit_logits[k], &cls, &margin);
      exit_correct[k] += cls == int(split.labels[s]);
    }
  }
  const nlohmann::json report = read_json(models(model + ".json"));
  INFO(model << ": " << final_correct << " of 10000 correct");
  CHECK(report["dataset"]["test_count"] == 10000);
  CHECK(double(final_correct) / 10000.0 ==
        Approx(report["accuracy"]["reference_final_test"].get<double>()).margin(1e-9));
  const auto& exits = report["accuracy"]["reference_exits_test"];
  REQUIRE(exits.size() == m.taps.size());
  for (size_t k = 0; k < m.taps.size(); ++k) {
    INFO("exit " << k << ": " << exit_correct[k] << " of 10000 correct");
    CHECK(double(exit_correct[k]) / 10000.0 ==
          Approx(exits[k]["reference_test_accuracy"].get<double>()).margin(1e-9));
  }
}

}  // namespace

TEST_CASE("committed models: accuracy recomputed on the whole official MNIST test split") {
  check_full_split_accuracy("mnist", "mnist-lenet", "mnist-test-1000.fmls");
}

TEST_CASE("committed models: accuracy recomputed on the whole Fashion-MNIST test split") {
  check_full_split_accuracy("fashion-mnist", "fashion-cnn3", "fashion-test-1000.fmls");
}

TEST_CASE("committed MNIST model: fits 16 KB FRAM / 4 KB buffers, within 2 pp of float") {
  const std::vector<uint8_t> blob = cctest::read_bytes(models("mnist-lenet.fmlb"));
  const ref::Model m = ref::parse_blob(blob, "mnist-lenet.fmlb");  // every FORMAT.md rule
  CHECK(blob.size() <= kFramBudgetBytes);
  CHECK(size_t(2 * 2 * m.max_act_words()) <= kSramBudgetBytes);  // two ping-pong buffers
  CHECK(m.taps.size() >= 2);

  const nlohmann::json report = read_json(models("mnist-lenet.json"));
  CHECK(report["blob_bytes"].get<size_t>() == blob.size());
  CHECK(report["blob_crc32"].get<uint32_t>() ==
        ref::crc32_ieee(blob.data() + 16, blob.size() - 16));
  const nlohmann::json baseline = read_json(models("mnist-lenet-float.json"));
  const double float_test = baseline["accuracy"]["test"].get<double>();
  const double fixed_test = report["accuracy"]["reference_final_test"].get<double>();
  CHECK(float_test >= 0.98);
  CHECK(fixed_test >= float_test - 0.02);
  CHECK(report["dataset"]["test_count"].get<int>() == 10000);

  // The committed samples are the first test images; the reference's accuracy on them is close
  // to the report's full-split figure (a subset of 1000 varies by a couple of points at most).
  const ref::SampleSet samples = ref::read_samples_file(models("mnist-test-1000.fmls"));
  REQUIRE(samples.words == m.input.size());
  REQUIRE(samples.frac == m.input_frac);
  int correct = 0;
  for (size_t s = 0; s < samples.samples.size(); ++s)
    correct += fmltest::expected(m, samples.samples[s]).cls == samples.labels[s];
  CHECK(double(correct) / double(samples.samples.size()) == Approx(fixed_test).margin(0.03));
}

TEST_CASE("committed MNIST model: simulated firmware predictions equal the reference's") {
  const ref::Model m = ref::read_blob_file(models("mnist-lenet.fmlb"));
  const ref::SampleSet all = ref::read_samples_file(models("mnist-test-1000.fmls"));
  constexpr size_t kSamples = 200;
  REQUIRE(all.samples.size() >= kSamples);
  ref::SampleSet set = all;
  set.samples.resize(kSamples);
  set.labels.resize(kSamples);
  const std::string dir = cctest::scratch("committed-mnist");
  fmltest::write_bytes(dir + "/samples.fmls", ref::write_samples(set));
  // The committed file itself, byte for byte, is what the firmware runs.
  const fmltest::ExecRun run = fmltest::run_infer(
      "--load " + models("mnist-lenet.fmlb") + "@freeml_model --samples " + dir + "/samples.fmls");
  INFO(run.output.substr(0, 2000));
  REQUIRE(run.status == 0);
  REQUIRE(run.results.size() == kSamples);
  size_t same = 0, fw_correct = 0, ref_correct = 0;
  for (size_t s = 0; s < kSamples; ++s) {
    const fmltest::FwResult& fw = run.results[s];
    const ref::Decision want = fmltest::expected(m, set.samples[s]);
    CHECK(fw.sample == s);
    const bool equal =
        fw.cls == want.cls && fw.logits == want.logits && fw.exit_layer == want.exit_layer;
    same += equal;
    fw_correct += fw.cls == set.labels[s];
    ref_correct += want.cls == set.labels[s];
  }
  CHECK(same == kSamples);
  CHECK(fw_correct == ref_correct);
  CHECK(double(fw_correct) / kSamples >= 0.95);
}

TEST_CASE("committed Fashion-MNIST model: validates and fits the firmware") {
  const std::vector<uint8_t> blob = cctest::read_bytes(models("fashion-cnn3.fmlb"));
  const ref::Model m = ref::parse_blob(blob, "fashion-cnn3.fmlb");
  CHECK(blob.size() <= kFramBudgetBytes);
  const nlohmann::json report = read_json(models("fashion-cnn3.json"));
  const nlohmann::json baseline = read_json(models("fashion-cnn3-float.json"));
  CHECK(report["accuracy"]["reference_final_test"].get<double>() >=
        baseline["accuracy"]["test"].get<double>() - 0.03);
  CHECK(m.taps.size() >= 2);
}

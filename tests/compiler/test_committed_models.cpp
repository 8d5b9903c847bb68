// The models committed in freeml/models/ (scripts/build-models): they fit the device budget,
// keep their accuracy, and the simulated firmware predicts exactly what the host reference does.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../freeml/fml_harness.h"
#include "compiler_fixture.h"
#include "freeml/compiler/report.h"
#include "freeml/reference/blob_io.h"
#include "freeml/reference/samples.h"

using namespace freeml;

namespace {

constexpr size_t kFramBudgetBytes = 16 * 1024;
constexpr size_t kSramBudgetBytes = 4 * 1024;

std::string models(const std::string& file) {
  return cctest::source_path("freeml/models/" + file);
}

}  // namespace

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

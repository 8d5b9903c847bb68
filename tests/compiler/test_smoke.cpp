// Default-suite smoke test of the whole compiler chain on a tiny subset: train one epoch,
// SparseComp to a budget, gNet, lower and write the blob, read it back as the firmware would.
// Uses real MNIST when scripts/fetch-datasets has run, else a synthetic IDX set.
#include <torch/script.h>
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "compiler_fixture.h"
#include "freeml/compiler/gnet.h"
#include "freeml/compiler/lower.h"
#include "freeml/compiler/model_io.h"
#include "freeml/compiler/report.h"
#include "freeml/compiler/sparsecomp.h"
#include "freeml/compiler/train.h"
#include "freeml/reference/blob_io.h"

using namespace freeml;

namespace {

double mean_loss(const Net& net, const Split& s) {
  torch::NoGradGuard no_grad;
  return torch::nn::functional::cross_entropy(net.forward(s.images), s.labels).item<double>();
}

struct PipelineOut {
  double loss_before = 0, loss_after = 0, val_after = 0;
  SparseCompResult compressed;
  nlohmann::json gnet_report;
  std::vector<uint8_t> blob;
  double float_test = 0;
  FixedAccuracy fixed;
};

Dataset smoke_dataset() {
  bool real = false;
  const std::string root = cctest::smoke_data_root(&real);
  if (!real) WARN("MNIST not fetched (scripts/fetch-datasets): using a synthetic dataset");
  SplitOptions split;
  split.seed = 3;
  split.val_count = 300;
  split.train_limit = 2000;
  split.test_limit = 300;
  return load_dataset("mnist", root, split);
}

PipelineOut pipeline(const Dataset& data, bool compare_heads) {
  fix_threads(2);
  PipelineOut o;
  torch::manual_seed(3);
  Net net = make_arch("lenet");
  o.loss_before = mean_loss(net, data.train);
  TrainOptions t;
  t.epochs = 1;
  // Small batches and a high rate: one pass over 2000 images is then enough to learn the digits.
  t.batch_size = 16;
  t.learning_rate = 3e-3;
  t.seed = 3;
  train_net(net, data.train, t);
  o.loss_after = mean_loss(net, data.train);
  o.val_after = accuracy(net, data.val);

  SparseCompOptions sc;
  sc.target_kb = 24;  // a quarter of the int16 baseline: needs separation and a few prune steps
  sc.activation_budget_kb = 4;
  sc.separation_batches = 30;
  sc.retrain_batches = 10;
  sc.final_batches = 30;
  sc.fragile_drop = 0.2;  // a tiny training set is noisy; the test checks mechanics, not quality
  sc.calibration_count = 200;  // fewer than the default 1000: this test is about mechanics
  sc.train = t;
  o.compressed = sparsecomp(net, data, sc, nullptr);

  TrainOptions g = t;
  g.batch_size = 64;
  g.learning_rate = 1e-2;
  const GnetResult head = train_gnet(o.compressed.net, data, 2, g, compare_heads, nullptr);
  o.gnet_report = head.report;
  const torch::Tensor calibration = data.train.images.slice(0, 0, sc.calibration_count);
  const Lowered lowered = lower(o.compressed.net, &head.head, calibration);
  o.blob = ref::write_blob(lowered.model);
  o.float_test = accuracy(o.compressed.net, data.test);
  o.fixed = fixed_accuracy(ref::parse_blob(o.blob, "smoke.fmlb"), data.test);
  return o;
}

}  // namespace

TEST_CASE("compiler smoke: train, SparseComp, gNet and emit on a small subset") {
  const Dataset data = smoke_dataset();
  const PipelineOut a = pipeline(data, true);

  // One epoch on 2000 samples must learn something.
  CHECK(a.loss_after < 0.6 * a.loss_before);
  CHECK(a.val_after > 0.6);

  // SparseComp met its budget, and its accounting is the blob's real size.
  REQUIRE(a.compressed.fits);
  CHECK(a.blob.size() > a.compressed.report["blob_bytes"].get<size_t>());  // + the exit branch
  CHECK(a.compressed.report["blob_bytes"].get<size_t>() <= 24 * 1024);
  CHECK(a.compressed.report["activation_bytes"].get<size_t>() <= 4 * 1024);
  bool separated = false;
  for (const Layer& l : a.compressed.net.layers) separated |= l.name != l.origin;
  CHECK(separated);

  // The blob validates (parse_blob applies every rule of FORMAT.md) and keeps the accuracy.
  const ref::Model m = ref::parse_blob(a.blob, "smoke.fmlb");
  CHECK(m.taps.size() == 4);
  CHECK(a.fixed.exit_accuracy.size() == 4);
  CHECK(std::abs(a.fixed.final_accuracy - a.float_test) <= 0.03);
  // The last exit sees every tap: it must beat chance by far.
  CHECK(a.fixed.exit_accuracy.back() > 0.5);
  CHECK(a.gnet_report["gnet_bytes"].get<int64_t>() <
        a.gnet_report["per_tap_heads_bytes"].get<int64_t>());

  SECTION("same seed and thread count give the same bytes") {
    // The per-layer comparison heads do not feed the blob; skipping them saves time.
    const PipelineOut b = pipeline(data, false);
    CHECK(b.loss_after == a.loss_after);
    CHECK(b.blob == a.blob);
  }
}

TEST_CASE("compiler: TorchScript save and load keep the net and its forward") {
  torch::manual_seed(5);
  Net net = make_arch("cnn3");
  net.layers[0].density = 0.5;
  const std::string path = cctest::scratch("io") + "/cnn3.pt";
  save_net(net, path);
  const Net back = load_net(path);
  REQUIRE(back.layers.size() == net.layers.size());
  CHECK(back.arch_json() == net.arch_json());
  const torch::Tensor x = torch::rand({3, 1, 28, 28});
  torch::NoGradGuard no_grad;
  CHECK(torch::equal(back.forward(x), net.forward(x)));
  // The archive is real TorchScript: its generated forward() gives the same logits.
  torch::jit::Module m = torch::jit::load(path);
  CHECK(torch::allclose(m.forward({x}).toTensor(), net.forward(x)));
}

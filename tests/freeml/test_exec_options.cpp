// `ehsim exec --load` and `--samples`: bytes land at the symbol, and every bad input is refused
// with exit status 2 and a message naming it.
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

#include "fml_harness.h"
#include "freeml/reference/blob_io.h"
#include "freeml/reference/generator.h"
#include "mcu_model/elf/elf_image.h"

using namespace freeml::ref;

TEST_CASE("exec --load writes a file at a symbol or address before reset", "[freeml][exec]") {
  const std::string dir = fmltest::scratch_dir("load");
  const std::vector<uint8_t> bytes = {'F', 'M', 'L', 'B', 0x34, 0x12};
  fmltest::write_bytes(dir + "/six.bin", bytes);
  // The firmware rejects this 6-byte "blob" (version 0x1234) and stops; memory keeps the bytes.
  auto run = fmltest::run_infer("--load " + dir + "/six.bin@freeml_model");
  REQUIRE(run.report.is_object());
  CHECK(run.report["markers"][0]["arg"] == 2);  // FML_ERR_VERSION: the bytes were there
  // The same by address, and a dump shows the bytes in FRAM.
  ehsim::mcu::ElfImage image;
  std::string error;
  REQUIRE(ehsim::mcu::read_elf_file(fmltest::infer_elf(), &image, &error));
  const auto addr = image.symbol("freeml_model");
  REQUIRE(addr);
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%04X", unsigned(*addr));
  run = fmltest::run_infer("--load " + dir + "/six.bin@" + hex + " --dump " + hex + ":8");
  REQUIRE(run.report.is_object());
  CHECK(run.report["markers"][0]["arg"] == 2);
  CHECK(run.report["memory"][hex] == "464d4c4234120000");
  // Above 64 KB: the FR5994's upper FRAM (0x10000-0x43FFF) takes it too, up to its last byte.
  run = fmltest::run_infer("--load " + dir + "/six.bin@0x12345 --load " + dir +
                           "/six.bin@0x43FFA --dump 0x12345:6 --dump 0x43FFA:6");
  REQUIRE(run.report.is_object());
  CHECK(run.report["memory"]["0x12345"] == "464d4c423412");
  CHECK(run.report["memory"]["0x43FFA"] == "464d4c423412");
}

TEST_CASE("exec --load and --samples refuse bad input with status 2", "[freeml][exec]") {
  const std::string dir = fmltest::scratch_dir("load-errors");
  fmltest::write_bytes(dir + "/big.bin", std::vector<uint8_t>(16385, 0));
  fmltest::write_bytes(dir + "/small.bin", std::vector<uint8_t>(4, 0));
  auto run = fmltest::run_infer("--load " + dir + "/big.bin@freeml_model");
  CHECK(run.status == 2);
  CHECK_THAT(run.output, Catch::Contains("has 16385 bytes, more than the 16384 bytes at symbol "
                                         "'freeml_model'"));
  run = fmltest::run_infer("--load " + dir + "/small.bin@no_such_symbol");
  CHECK(run.status == 2);
  CHECK_THAT(run.output, Catch::Contains("no symbol 'no_such_symbol'"));
  run = fmltest::run_infer("--load " + dir + "/missing.bin@freeml_model");
  CHECK(run.status == 2);
  CHECK_THAT(run.output, Catch::Contains("cannot read '" + dir + "/missing.bin'"));
  run = fmltest::run_infer("--load nonsense");
  CHECK(run.status == 2);
  CHECK_THAT(run.output, Catch::Contains("is not FILE@SYMBOL or FILE@ADDR"));
  run = fmltest::run_infer("--load " + dir + "/small.bin@0x43FFE");  // 2 bytes past the FRAM
  CHECK(run.status == 2);
  CHECK_THAT(run.output, Catch::Contains("address 0x44000 is not backed by FRAM, SRAM or ROM"));
  run = fmltest::run_infer("--load " + dir + "/small.bin@0x100000");
  CHECK(run.status == 2);
  CHECK_THAT(run.output, Catch::Contains("is not an address in 0x0-0xFFFFF"));
  run = fmltest::run_infer("--load " + dir + "/small.bin@0xFFFFE");  // runs past 1 MB
  CHECK(run.status == 2);
  run = fmltest::run_infer("--samples " + dir + "/small.bin");
  CHECK(run.status == 2);
  CHECK_THAT(run.output, Catch::Contains("small.bin: byte 0: expected a 16-byte FMLS header"));
}

TEST_CASE("exec --samples hands samples out in order and then reports none left",
          "[freeml][exec]") {
  const std::string dir = fmltest::scratch_dir("samples");
  const Model m = generate_model(single_layer_spec(LayerKind::kGap, false), 4);
  const SampleSet set = fmltest::random_samples(m, 3, 9);
  const auto run = fmltest::run_model(dir, m, set);
  REQUIRE(run.status == 0);
  REQUIRE(run.results.size() == 3);
  for (int s = 0; s < 3; ++s) CHECK(run.results[size_t(s)].sample == s);
  // An empty sample file: the firmware finds nothing to do and exits 0 at once.
  SampleSet empty;
  empty.words = m.input.size();
  const auto idle = fmltest::run_model(dir, m, empty);
  CHECK(idle.status == 0);
  CHECK(idle.results.empty());
}

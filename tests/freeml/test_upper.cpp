// FreeML models in FRAM above 64 KB (freeml/FORMAT.md "Storage"; issue 16). The upper engine,
// freeml_infer_upper.elf, copies each step's weights from there with the DMA, started by an
// MSP430X routine. Checked against
//  - GNU as and objdump, for that routine's machine code;
//  - the host reference (freeml-ref) for every result: generated models of every kind, and the
//    committed wide model (fashion-wide5, 170 KB) on committed test images;
//  - the step bounds (freeml/reference/unit_cost.h), measured on freeml_infer_upper_units.elf;
//  - power failures (ehsim check) at every instruction of a small model, and at every unit
//    boundary and at seeded random points of the wide one.
#include <catch2/catch.hpp>
#include <fstream>
#include <regex>

#include "fml_harness.h"
#include "freeml/firmware/include/freeml/model_format.h"
#include "freeml/reference/blob_io.h"
#include "freeml/reference/generator.h"
#include "freeml/reference/unit_cost.h"
#include "mcu_model/elf/elf_image.h"
#include "run_harness.h"
#include "tests/gnu/gnu_msp430.h"

using namespace freeml::ref;

namespace {

// enum fml_error of freeml/firmware/include/freeml/engine.h (firmware C, not included here).
constexpr unsigned kErrStorage = 7, kErrStage = 8;

std::string upper_elf() {
  return std::string(EHSIM_FIRMWARE_DIR) + "/freeml_infer_upper.elf";
}

std::string upper_units_elf() {
  return std::string(EHSIM_FIRMWARE_DIR) + "/freeml_infer_upper_units.elf";
}

std::string models_dir() {
  return std::string(EHSIM_SOURCE_DIR) + "/freeml/models";
}

// The first `count` committed Fashion-MNIST test images, written for --samples.
std::string first_fashion_samples(const std::string& dir, size_t count) {
  SampleSet set = read_samples_file(models_dir() + "/fashion-test-1000.fmls");
  set.samples.resize(count);
  set.labels.resize(count);
  const std::string path = dir + "/samples.fmls";
  fmltest::write_bytes(path, write_samples(set));
  return path;
}

// The committed model in upper FRAM.
Model wide_model() {
  return read_blob_file(models_dir() + "/fashion-wide5.fmlb");
}

// `ehsim check` of an upper engine build at 8 MHz on a model and samples, observing every
// result marker.
nlohmann::json check(const std::string& elf, const std::string& dir, const std::string& model,
                     const std::string& samples, const std::string& options) {
  return fmltest::run_check(elf + " --mclk 8MHz --load " + model + "@freeml_model --samples " +
                                samples + " " + options + fmltest::observe_results() + " --force",
                            dir + "/check");
}

}  // namespace

TEST_CASE("fml_far_copy is the MSP430X code its comments name, as GNU as encodes it",
          "[freeml][upper][gnu]") {
  // Each `.word` line of fml_far_copy.S names its instruction in a comment. GNU as must make
  // the same words of those instructions, and the linked engine must hold them at fml_far_copy.
  std::ifstream src(std::string(EHSIM_SOURCE_DIR) + "/freeml/firmware/engine/upper/fml_far_copy.S");
  REQUIRE(src);
  const std::regex line_re(R"(^\s*\.word\s+([0-9a-fA-Fx, ]+?)\s*/\*\s*([^;*]+?)\s*(;.*)?\*/\s*$)");
  std::string program = "        .text\n        .global start\nstart:\n";
  std::vector<uint16_t> source_words;
  std::vector<std::string> instructions;
  for (std::string line; std::getline(src, line);) {
    std::smatch m;
    if (!std::regex_match(line, m, line_re)) continue;
    std::stringstream words(m[1].str());
    for (std::string w; std::getline(words, w, ',');) {
      source_words.push_back(uint16_t(std::stoul(w, nullptr, 16)));
    }
    instructions.push_back(m[2].str());
    program += "        " + m[2].str() + "\n";
  }
  REQUIRE(instructions.size() == 9);
  CHECK(instructions[2] == "popx.a r13");
  CHECK(instructions[3] == "mova   r13, &0x00512");

  std::vector<uint16_t> assembled;
  for (const auto& ins : ehsim::gnu::disassemble(ehsim::gnu::assemble_and_link(program))) {
    assembled.insert(assembled.end(), ins.words.begin(), ins.words.end());
  }
  CHECK(assembled == source_words);

  ehsim::mcu::ElfImage image;
  std::string error;
  REQUIRE(ehsim::mcu::read_elf_file(upper_elf(), &image, &error));
  const auto* sym = image.find_symbol("fml_far_copy");
  REQUIRE(sym);
  REQUIRE(sym->size == 2 * source_words.size());
  std::vector<uint16_t> linked;
  for (const auto& seg : image.segments) {
    for (uint32_t a = sym->address; a < sym->address + sym->size; a += 2) {
      if (a >= seg.vaddr && a + 1 < seg.vaddr + seg.filesz) {
        linked.push_back(uint16_t(seg.bytes[a - seg.vaddr] | seg.bytes[a - seg.vaddr + 1] << 8));
      }
    }
  }
  CHECK(linked == source_words);
}

TEST_CASE("upper engine: generated models of every kind equal the host reference",
          "[freeml][upper]") {
  // Units that split layers inside rows and channels and taps into parts, so that every step
  // stages a different slice of bias, dense rows or CSR rows.
  for (const std::string kind : {"mixed", "conv2d", "dwconv2d", "pointwise", "dense", "maxpool",
                                 "avgpool", "gap", "relu", "flatten"}) {
    for (const bool csr : {false, true}) {
      if (csr && kind != "mixed" && kind != "conv2d" && kind != "dwconv2d" && kind != "pointwise" &&
          kind != "dense")
        continue;
      Model m = generate_model(fmltest::spec_named(kind, csr), 77 + uint32_t(csr));
      m.upper = true;
      const uint64_t budget = fmltest::plan_at_least(&m, 6000);
      const std::string name = "upper-" + kind + (csr ? "-csr" : "");
      INFO(name << " planned for " << budget << " cycles");
      const SampleSet samples = fmltest::random_samples(m, 2, 9);
      const auto result =
          fmltest::run_model(fmltest::scratch_dir(name), m, samples, "--mclk 8MHz", upper_elf());
      INFO(result.output.substr(0, 400));
      REQUIRE(result.status == 0);
      REQUIRE(result.results.size() == samples.samples.size());
      for (size_t i = 0; i < samples.samples.size(); ++i) {
        const Decision want = fmltest::expected(m, samples.samples[i]);
        CHECK(result.results[i].logits == want.logits);
        CHECK(result.results[i].exit_layer == want.exit_layer);
        CHECK(result.results[i].cls == want.cls);
      }
    }
  }
}

TEST_CASE("upper engine: no step takes longer than its cycle bound, copies included",
          "[freeml][upper][units]") {
  // Models the constants of the copy (unit_cost.cpp kStageCosts) were not fitted on.
  for (const auto& [kind, budget] : std::vector<std::pair<std::string, uint64_t>>{
           {"mixed", 9000}, {"mixed", 20000}, {"conv2d", 8000}, {"dense", 6000}}) {
    for (const bool csr : {false, true}) {
      Model m = generate_model(fmltest::spec_named(kind, csr), 123 + uint32_t(budget) + csr);
      m.upper = true;
      m.policy = Policy::kEnergy;
      m.energy_mv = 0;  // read the supply after every tap, never exit
      const uint64_t fitted = fmltest::plan_at_least(&m, budget);
      const std::string name = "upper-" + kind + (csr ? "-csr-" : "-") + std::to_string(fitted);
      const double tight =
          fmltest::check_step_bounds(upper_units_elf(), name, m, fmltest::random_samples(m, 1, 3));
      INFO(name << ": measured / bound " << tight);
      CHECK(tight > 0.5);
    }
  }
}

TEST_CASE("the wide model in upper FRAM: 170 KB, and the device's results equal freeml-ref's",
          "[freeml][upper]") {
  const Model m = wide_model();
  CHECK(m.upper);
  const auto bytes = read_file(models_dir() + "/fashion-wide5.fmlb");
  CHECK(bytes.size() > 100 * 1024);  // more than the 48 KB of FRAM below 64 KB could ever hold
  CHECK(bytes.size() <= 200 * 1024);
  CHECK(m.taps.size() == 5);
  // Planned for one charge of 22 uF (10 uF cannot hold one output element of conv4, see
  // freeml/models/README.md), and no step exceeds that budget or the stage.
  CHECK(m.unit_budget_kcycles == 28);
  CHECK(steps_over_budget(m, 28000).empty());

  const std::string dir = fmltest::scratch_dir("upper-wide");
  const std::string samples = first_fashion_samples(dir, 4);
  const SampleSet set = read_samples_file(samples);
  const auto run =
      fmltest::run_elf(upper_elf(), "--mclk 8MHz --load " + models_dir() +
                                        "/fashion-wide5.fmlb@freeml_model --samples " + samples);
  INFO(run.output.substr(0, 400));
  REQUIRE(run.status == 0);
  REQUIRE(run.results.size() == set.samples.size());
  for (size_t i = 0; i < set.samples.size(); ++i) {
    const Decision want = fmltest::expected(m, set.samples[i]);
    CHECK(run.results[i].logits == want.logits);
    CHECK(run.results[i].exit_layer == want.exit_layer);
    CHECK(run.results[i].cls == want.cls);
    CHECK(run.results[i].confidence == want.confidence);
  }
}

TEST_CASE("the wide model in upper FRAM equals freeml-ref on all 1000 committed test images",
          "[freeml][upper][slow]") {
  // Some 74 G cycles: behind the slow label (about 5 minutes).
  const Model m = wide_model();
  const std::string samples = models_dir() + "/fashion-test-1000.fmls";
  const SampleSet set = read_samples_file(samples);
  REQUIRE(set.samples.size() == 1000);
  const auto run =
      fmltest::run_elf(upper_elf(), "--mclk 8MHz --max-cycles 200000000000 --load " + models_dir() +
                                        "/fashion-wide5.fmlb@freeml_model --samples " + samples);
  INFO(run.output.substr(0, 400));
  REQUIRE(run.status == 0);
  REQUIRE(run.results.size() == set.samples.size());
  size_t same = 0, correct = 0;
  for (size_t i = 0; i < set.samples.size(); ++i) {
    const Decision want = fmltest::expected(m, set.samples[i]);
    same += run.results[i].logits == want.logits && run.results[i].exit_layer == want.exit_layer;
    correct += run.results[i].cls == int(set.labels[i]);
  }
  CHECK(same == set.samples.size());
  // The emit report's accuracy is on the whole test split (0.890); the first 1000 images agree
  // within a few points.
  CHECK(double(correct) / double(set.samples.size()) > 0.85);
}

TEST_CASE("a blob goes only to the engine it was planned for", "[freeml][upper]") {
  const std::string dir = fmltest::scratch_dir("upper-storage");
  Model m = generate_model(mixed_spec(), 5);
  plan_units(&m, 20000);
  const SampleSet samples = fmltest::random_samples(m, 1, 1);
  // Each engine refuses the other's blob (FML_ERR_STORAGE, host exit code 3; exec exits 1) ...
  const auto refused = [](const fmltest::ExecRun& run) {
    INFO(run.output.substr(0, 400));
    CHECK(run.status == 1);
    CHECK(run.report["exit_code"] == 3);
    bool reported = false;
    for (const auto& mk : run.report["markers"]) {
      reported = reported || (mk["id"] == FML_MARK_ERROR && mk["arg"] == kErrStorage);
    }
    CHECK(reported);
  };
  refused(fmltest::run_model(dir, m, samples, "", upper_elf()));
  m.upper = true;
  plan_units(&m, 20000);
  refused(fmltest::run_model(dir, m, samples, ""));
  // ... and `run` says which engine to take before simulating anything.
  nlohmann::json sc = runtest::square_scenario("freeml_infer");
  sc["inference"] = {{"model", dir + "/model.fmlb"}, {"samples", dir + "/samples.fmls"}};
  const runtest::RunOutput out =
      runtest::run_scenario(runtest::scratch_dir("upper-storage-run"), sc);
  INFO(out.console);
  CHECK(out.status == 2);
  CHECK(out.console.find("/inference/model") != std::string::npos);
  CHECK(out.console.find("use freeml_infer_upper.elf") != std::string::npos);
  // The same scenario on the upper engine runs it.
  sc["firmware"] = upper_elf();
  sc["run"]["duration"] = "1s";
  const runtest::RunOutput ok = runtest::run_scenario(runtest::scratch_dir("upper-storage-ok"), sc);
  INFO(ok.console);
  CHECK(ok.status == 0);
}

TEST_CASE("a step larger than the upper engine's stage is refused by the planner and the engine",
          "[freeml][upper]") {
  // One unit for the whole dense layer: its 24 x 96 weights (2,304 words) do not fit the
  // 2,048-word stage.
  ModelSpec spec = single_layer_spec(LayerKind::kDense, false);
  Model m = generate_model(spec, 3);
  m.upper = true;
  Layer& dense = m.layers[0];
  dense.unit_elements = 0;
  dense.unit_channels = 0;
  const Shape in = m.input_shape_of(0);
  const uint64_t words = uint64_t(dense.out.c) * uint64_t(in.size()) + 2 * dense.out.c;
  INFO("dense " << dense.out.c << " x " << in.size());
  REQUIRE(words > kStageWords);  // the generator's dense layer for this seed: 12 x 192
  const auto over = steps_over_budget(m, 1000000);
  REQUIRE_FALSE(over.empty());
  CHECK(over[0].staged_words == words);
  const auto run = fmltest::run_model(fmltest::scratch_dir("upper-stage"), m,
                                      fmltest::random_samples(m, 1, 2), "", upper_elf());
  CHECK(run.status == 1);
  CHECK(run.report["exit_code"] == 3);
  bool reported = false;
  for (const auto& mk : run.report["markers"]) {
    reported = reported || (mk["id"] == FML_MARK_ERROR && mk["arg"] == kErrStage);
  }
  CHECK(reported);
  // plan_units gives units that fit.
  plan_units(&m, 1000000);
  CHECK(steps_over_budget(m, 1000000).empty());
}

TEST_CASE("upper engine: a power failure at any instruction of a small model's inference",
          "[freeml][upper][intermittent][check]") {
  // As test_power_cut.cpp does for the lower engine: from the START marker on (the sample is in
  // FRAM), every single failure leaves the reported result equal to the reference, through the
  // re-copied header and tables and the re-staged weights.
  const std::string dir = fmltest::scratch_dir("upper-check-all");
  Model m = generate_model(mixed_spec(), 17);
  m.upper = true;
  plan_units(&m, 12000);
  fmltest::write_bytes(dir + "/model.fmlb", write_blob(m));
  fmltest::write_bytes(dir + "/samples.fmls", write_samples(fmltest::random_samples(m, 1, 4)));
  const nlohmann::json report = check(upper_elf(), dir, dir + "/model.fmlb", dir + "/samples.fmls",
                                      "--after-marker " + std::to_string(FML_MARK_START));
  CHECK(report["status"] == 0);
  CHECK(report["divergent_runs"] == 0);
  CHECK(report["injections"].get<uint64_t>() > 100'000);
  // And right after every commit (a boot at every unit boundary).
  const nlohmann::json boundaries =
      check(upper_units_elf(), dir, dir + "/model.fmlb", dir + "/samples.fmls",
            "--at-marker " + std::to_string(FML_MARK_UNIT));
  CHECK(boundaries["status"] == 0);
  CHECK(boundaries["divergent_runs"] == 0);
  // Every commit: the fetch's, each unit's and tap part's, and the report's.
  CHECK(boundaries["injections"].get<uint64_t>() == inference_steps(m).size());
}

TEST_CASE("the wide model survives power failures at seeded random instructions",
          "[freeml][upper][intermittent][check]") {
  const std::string dir = fmltest::scratch_dir("upper-wide-points");
  const nlohmann::json report =
      check(upper_elf(), dir, models_dir() + "/fashion-wide5.fmlb", first_fashion_samples(dir, 1),
            "--after-marker " + std::to_string(FML_MARK_START) + " --points 12 --seed 16");
  CHECK(report["status"] == 0);
  CHECK(report["injections"] == 12);
  CHECK(report["divergent_runs"] == 0);
}

TEST_CASE("the wide model survives a power failure at every unit boundary",
          "[freeml][upper][intermittent][check][slow]") {
  // Some 4,500 injected runs of up to 74 M cycles each: behind the slow label.
  const std::string dir = fmltest::scratch_dir("upper-wide-boundaries");
  const Model m = wide_model();
  const nlohmann::json report =
      check(upper_units_elf(), dir, models_dir() + "/fashion-wide5.fmlb",
            first_fashion_samples(dir, 1), "--at-marker " + std::to_string(FML_MARK_UNIT));
  CHECK(report["status"] == 0);
  CHECK(report["divergent_runs"] == 0);
  CHECK(report["injections"].get<uint64_t>() == inference_steps(m).size());
}

// Power-failure injection for the intermittent runtime: the run is cut after the instruction that
// reaches cycle K (`ehsim exec --max-cycles K`), FRAM's .persistent area (progress words,
// activation buffers, exit logits) is carried over exactly as power loss leaves it, and a fresh
// MCU boots from it (SRAM, registers and peripherals lost). Whatever K, the finished inference
// must report exactly what an uninterrupted run reports.
//
// Cut points: spread uniformly over one inference, plus a dense band of cycles right after
// every layer-commit marker so the commit code itself (slot writes, selector flip) is hit.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <set>

#include "fml_harness.h"
#include "freeml/firmware/include/freeml/model_format.h"
#include "freeml/reference/blob_io.h"
#include "freeml/reference/generator.h"
#include "mcu_model/elf/elf_image.h"

using namespace freeml::ref;

namespace {

std::vector<uint8_t> unhex(const std::string& s) {
  std::vector<uint8_t> b;
  for (size_t i = 0; i + 1 < s.size(); i += 2)
    b.push_back(uint8_t(std::stoul(s.substr(i, 2), nullptr, 16)));
  return b;
}

std::string hex16(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%04X", v);
  return buf;
}

struct CutOutcome {
  std::vector<fmltest::FwResult> results;  // before and after the cut
  int boot_phase = -1;                     // committed phase the reboot found
};

class PowerCutRig {
 public:
  explicit PowerCutRig(const std::string& name) : dir_(fmltest::scratch_dir(name)) {
    model_ = generate_model(mixed_spec(), 77);
    // Confidence policy with the threshold at the sample's best margin over the taps: it exits
    // at a later tap, so the reported logits are exit logits accumulated over several taps
    // (their double buffering is under test too), and the exit decision is repeated on resume.
    model_.policy = Policy::kConfidence;
    for (uint32_t seed = 3;; ++seed) {
      samples_ = fmltest::random_samples(model_, 1, seed);
      const FixedRun run = run_fixed(model_, samples_.samples[0]);
      size_t best_tap = 0;
      int32_t best = INT32_MIN;
      for (size_t t = 0; t < run.exit_logits.size(); ++t) {
        int cls;
        int32_t margin;
        top1_margin(run.exit_logits[t], &cls, &margin);
        if (margin > best) best = margin, best_tap = t;
      }
      model_.conf_margin = best;
      if (best_tap >= 1) break;
    }
    fmltest::write_bytes(dir_ + "/model.fmlb", write_blob(model_));
    fmltest::write_bytes(dir_ + "/samples.fmls", write_samples(samples_));
    ehsim::mcu::ElfImage image;
    std::string error;
    REQUIRE(ehsim::mcu::read_elf_file(fmltest::infer_elf(), &image, &error));
    start_ = *image.symbol("__persistent_start");
    len_ = *image.symbol("__persistent_end") - start_;
    expected_ = fmltest::expected(model_, samples_.samples[0]);
  }

  std::string base_args() const {
    return "--load " + dir_ + "/model.fmlb@freeml_model --samples " + dir_ + "/samples.fmls";
  }

  fmltest::ExecRun uninterrupted() const { return fmltest::run_infer(base_args()); }

  CutOutcome cut_at(uint64_t k) const {
    CutOutcome out;
    const auto a = fmltest::run_infer(base_args() + " --max-cycles " + std::to_string(k) +
                                      " --dump " + hex16(start_) + ":" + std::to_string(len_));
    REQUIRE(a.report.is_object());
    out.results = a.results;
    if (a.report["exit_reason"] != "max_cycles") return out;  // finished before the cut
    const std::string fram = dir_ + "/persistent.bin";
    fmltest::write_bytes(fram, unhex(a.report["memory"][hex16(start_)].get<std::string>()));
    const auto b = fmltest::run_infer(base_args() + " --load " + fram + "@" + hex16(start_));
    REQUIRE(b.report.is_object());
    REQUIRE(b.report["exit_reason"] == "host_exit");
    out.results.insert(out.results.end(), b.results.begin(), b.results.end());
    out.boot_phase = b.report["markers"][0]["arg"].get<int>();
    return out;
  }

  const Decision& expected() const { return expected_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  Model model_;
  SampleSet samples_;
  uint32_t start_ = 0, len_ = 0;
  Decision expected_;
};

void run_sweep(const std::string& name, int uniform_points, int band) {
  PowerCutRig rig(name);
  const auto full = rig.uninterrupted();
  REQUIRE(full.results.size() == 1);
  REQUIRE(full.results[0].logits == rig.expected().logits);
  REQUIRE(rig.expected().tap >= 1);
  const uint64_t total = full.report["cycles"].get<uint64_t>();

  std::set<uint64_t> cuts;
  for (int i = 1; i <= uniform_points; ++i)
    cuts.insert(total * uint64_t(i) / uint64_t(uniform_points + 1));
  for (const auto& m : full.report["markers"]) {
    if (m["id"] != FML_MARK_LAYER && m["id"] != FML_MARK_START) continue;
    // The marker follows its commit: cut in the cycles before it (the commit) and just after.
    const uint64_t c = m["cycle"].get<uint64_t>();
    for (int d = -band; d <= band; d += 2) cuts.insert(c + uint64_t(int64_t(d)));
  }
  std::set<int> phases;
  for (const uint64_t k : cuts) {
    INFO("cut at cycle " << k << " of " << total);
    const CutOutcome o = rig.cut_at(k);
    REQUIRE_FALSE(o.results.empty());
    for (const auto& r : o.results) {
      REQUIRE(r.logits == rig.expected().logits);
      REQUIRE(r.exit_layer == rig.expected().exit_layer);
      REQUIRE(r.cls == rig.expected().cls);
      REQUIRE(r.confidence == rig.expected().confidence);
    }
    phases.insert(o.boot_phase);
  }
  // The cuts must have exercised resumption in the middle of an inference, not only restarts.
  CHECK(phases.count(1) == 1);
}

}  // namespace

TEST_CASE("power cut at sampled instructions: the resumed inference equals the uninterrupted one",
          "[freeml][intermittent]") {
  run_sweep("powercut", 25, 0);
}

TEST_CASE("power cut at 2000+ points over one inference and its commits",
          "[freeml][intermittent][slow]") {
  run_sweep("powercut-slow", 1600, 24);
}

TEST_CASE("ehsim check injects a power failure before every instruction of an inference",
          "[freeml][intermittent][check]") {
  // An exhaustive check of the engine on a small model: from the START marker on (the sample is
  // in FRAM) every single failure must leave the reported result equal to the host reference,
  // and before it only the failures that lose the sensor reading (freeml/FORMAT.md) may change
  // it. Runs whose outcome check reuses are replayed here from reset by exec.
  PowerCutRig rig("powercut-check");
  const auto full = rig.uninterrupted();
  REQUIRE(full.results.size() == 1);
  REQUIRE(full.results[0].logits == rig.expected().logits);
  const auto check = [&](const std::string& options, const std::string& out) {
    return fmltest::run_check(
        fmltest::infer_elf() + " " + rig.base_args() + " " + options + fmltest::observe_results(),
        out);
  };
  uint64_t boot = 0, start = 0;
  for (const auto& m : full.report["markers"]) {
    if (m["id"] == FML_MARK_START && start == 0) start = m["cycle"].get<uint64_t>();
    if (m["id"] == FML_MARK_BOOT && boot == 0) boot = m["cycle"].get<uint64_t>();
  }
  REQUIRE(start > boot);

  // Every instruction: the only failures that change the result fall between the boot and the
  // START marker, while the engine asks for the sample and copies it to FRAM (a failure there
  // loses the reading: the next boot gets the next sample, and there is none).
  const nlohmann::json all = check("", rig.dir() + "/check-all");
  CHECK(all["status"] == 1);
  CHECK(all["injections"] == all["instructions"]);
  REQUIRE(all["divergent_runs"].get<uint64_t>() > 0);
  CHECK(all["divergent_runs"] == all["divergences_listed"]);  // all listed (< 1000)
  for (const auto& d : all["divergences"]) {
    INFO(d.dump());
    CHECK(d["cycle"].get<uint64_t>() > boot);
    CHECK(d["cycle"].get<uint64_t>() < start);
  }
  // From the START marker on, none.
  const nlohmann::json report =
      check("--after-marker " + std::to_string(FML_MARK_START), rig.dir() + "/check");
  CHECK(report["status"] == 0);
  CHECK(report["divergent_runs"] == 0);
  CHECK(report["injections"].get<uint64_t>() > 100'000);
  const auto& markers = report["expected"]["markers"];
  CHECK(markers[std::to_string(FML_MARK_EXIT)].get<int>() == rig.expected().exit_layer);
  CHECK(markers[std::to_string(FML_MARK_CLASS)].get<int>() == rig.expected().cls);

  // The same points sampled, once reusing outcomes through workers that restore FRAM, markers
  // and the sample source, once forking and simulating each point: equal reports.
  nlohmann::json sampled[2];
  for (int no_reuse = 0; no_reuse < 2; ++no_reuse) {
    sampled[no_reuse] = check(std::string("--points 150") + (no_reuse ? " --no-reuse" : ""),
                              rig.dir() + (no_reuse ? "/check-every" : "/check-reuse"));
    CHECK(sampled[no_reuse]["simulated_runs"].get<uint64_t>() <= 150);
    sampled[no_reuse].erase("simulated_runs");
  }
  CHECK(sampled[0].dump(1) == sampled[1].dump(1));
  CHECK(sampled[0]["injections"] == 150);
  const uint64_t total = full.report["cycles"].get<uint64_t>();
  for (int i = 0; i < 6; ++i) {
    const uint64_t cycle = start + (total - start) * uint64_t(i) / 6 + 7;
    INFO("failure at cycle " << cycle);
    const auto run =
        fmltest::run_infer(rig.base_args() + " --power-fail-at-cycle " + std::to_string(cycle));
    REQUIRE_FALSE(run.results.empty());
    for (const auto& r : run.results) {
      CHECK(r.logits == rig.expected().logits);
      CHECK(r.exit_layer == rig.expected().exit_layer);
      CHECK(r.cls == rig.expected().cls);
      CHECK(r.confidence == rig.expected().confidence);
    }
  }
}

#include "fml_harness.h"

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

#include "freeml/firmware/include/freeml/model_format.h"
#include "freeml/reference/blob_io.h"
#include "freeml/reference/generator.h"
#include "freeml/reference/samples.h"
#include "freeml/reference/unit_cost.h"
#include "tests/test_support.h"

namespace fmltest {

std::string scratch_dir(const std::string& name) {
  return ehsim_test::scratch_dir(name, /*clear=*/false);
}

std::string infer_elf() {
  return std::string(EHSIM_FIRMWARE_DIR) + "/freeml_infer.elf";
}

void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  freeml::ref::write_file(path, bytes);
}

static void run_command(const std::string& command, ExecRun* run) {
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) throw std::runtime_error("cannot start: " + command);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) run->output.append(buf, n);
  const int status = pclose(p);
  run->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::vector<FwResult> parse_results(const nlohmann::json& markers) {
  std::vector<FwResult> out;
  FwResult cur;
  uint16_t lo = 0, conf_lo = 0;
  bool open = false;
  for (const auto& m : markers) {
    const unsigned id = m["id"].get<unsigned>();
    const uint16_t arg = uint16_t(m["arg"].get<unsigned>());
    switch (id) {
      case FML_MARK_START:
      case FML_MARK_BOOT:
        cur = FwResult{};
        open = id == FML_MARK_START;
        cur.sample = arg;
        break;
      case FML_MARK_LOGIT_LO:
        lo = arg;
        break;
      case FML_MARK_LOGIT_HI:
        cur.logits.push_back(int32_t(uint32_t(lo) | (uint32_t(arg) << 16)));
        break;
      case FML_MARK_EXIT:
        cur.exit_layer = arg;
        break;
      case FML_MARK_CLASS:
        cur.cls = arg;
        break;
      case FML_MARK_CONF_LO:
        conf_lo = arg;
        break;
      case FML_MARK_CONF_HI:
        cur.confidence = int32_t(uint32_t(conf_lo) | (uint32_t(arg) << 16));
        break;
      case FML_MARK_DONE:
        // After a reboot in the reporting phase there is no START: the sample index comes
        // from DONE.
        cur.sample = arg;
        out.push_back(cur);
        cur = FwResult{};
        open = false;
        break;
      default:
        break;
    }
  }
  (void)open;
  return out;
}

ExecRun run_infer(const std::string& args) {
  return run_elf(infer_elf(), args);
}

ExecRun run_elf(const std::string& elf, const std::string& args) {
  ExecRun run;
  run_command(std::string(EHSIM_EXECUTABLE) + " exec " + elf + " " + args + " --json", &run);
  const size_t brace = run.output.find('{');
  if (brace != std::string::npos) {
    try {
      run.report = nlohmann::json::parse(run.output.substr(brace));
      run.results = parse_results(run.report["markers"]);
    } catch (const nlohmann::json::exception&) {
      run.report = nullptr;
    }
  }
  return run;
}

ExecRun run_model(const std::string& dir, const freeml::ref::Model& model,
                  const freeml::ref::SampleSet& samples, const std::string& extra_args,
                  const std::string& elf) {
  write_bytes(dir + "/model.fmlb", freeml::ref::write_blob(model));
  write_bytes(dir + "/samples.fmls", freeml::ref::write_samples(samples));
  return run_elf(elf.empty() ? infer_elf() : elf, "--load " + dir +
                                                      "/model.fmlb@freeml_model --samples " + dir +
                                                      "/samples.fmls " + extra_args);
}

freeml::ref::SampleSet random_samples(const freeml::ref::Model& model, int count, uint32_t seed) {
  std::mt19937 rng(seed);
  freeml::ref::SampleSet set;
  set.words = model.input.size();
  set.frac = model.input_frac;
  for (int i = 0; i < count; ++i) {
    set.samples.push_back(freeml::ref::random_input(model, rng));
    set.labels.push_back(uint16_t(i % model.num_classes));
  }
  return set;
}

freeml::ref::Decision expected(const freeml::ref::Model& model, const std::vector<int16_t>& x) {
  const auto run = freeml::ref::run_fixed(model, x);
  return freeml::ref::decide(model, run, model.policy, model.conf_margin,
                             [](int) { return false; });
}

freeml::ref::ModelSpec spec_named(const std::string& kind, bool csr) {
  using namespace freeml::ref;
  if (kind == "mixed") return mixed_spec();
  for (int k = 1; k <= 9; ++k) {
    if (kind == to_string(LayerKind(k))) return single_layer_spec(LayerKind(k), csr);
  }
  throw std::invalid_argument("no model kind " + kind);
}

uint64_t plan_at_least(freeml::ref::Model* model, uint64_t budget) {
  for (;; budget += 1000) {
    try {
      freeml::ref::plan_units(model, budget);
      return budget;
    } catch (const freeml::ref::UnitBudgetError&) {
      REQUIRE(budget < 100000);
    }
  }
}

nlohmann::json run_check(const std::string& args, const std::string& out) {
  const std::string log = out + ".log";
  const int raw = std::system((std::string(EHSIM_EXECUTABLE) + " check " + args + " -j 2 --out " +
                               out + " > " + log + " 2>&1")
                                  .c_str());
  std::ifstream text(log);
  const std::string output((std::istreambuf_iterator<char>(text)), {});
  INFO(output);
  std::ifstream in(out + "/check.json");
  REQUIRE(in);
  nlohmann::json report = nlohmann::json::parse(in);
  report["status"] = WEXITSTATUS(raw);
  return report;
}

std::string observe_results() {
  std::string observe;
  for (unsigned id = FML_MARK_LOGIT_LO; id <= FML_MARK_DONE; ++id) {
    observe += " --observe marker:" + std::to_string(id);
  }
  return observe;
}

// The cycles of every step of the first inference: reset to the boot marker, then from each
// commit to the next (the fetch, the units, the tap parts), as inference_steps orders them.
static std::vector<uint64_t> measured_steps(const nlohmann::json& markers) {
  std::vector<uint64_t> cycles;
  uint64_t prev = 0;
  for (const auto& m : markers) {
    const unsigned id = m["id"].get<unsigned>();
    const uint64_t at = m["cycle"].get<uint64_t>();
    if (id == FML_MARK_BOOT && cycles.empty()) {
      cycles.push_back(at);
      prev = at;
    } else if (id == FML_MARK_UNIT && !cycles.empty()) {
      cycles.push_back(at - prev);
      prev = at;
    } else if (id == FML_MARK_DONE) {
      break;
    }
  }
  return cycles;
}

double check_step_bounds(const std::string& elf, const std::string& name,
                         const freeml::ref::Model& model, const freeml::ref::SampleSet& samples) {
  using namespace freeml::ref;
  const std::string dir = scratch_dir("units-" + name);
  write_bytes(dir + "/model.fmlb", write_blob(model));
  write_bytes(dir + "/samples.fmls", write_samples(samples));
  const auto run = run_elf(elf, "--mclk 8MHz --load " + dir +
                                    "/model.fmlb@freeml_model --samples " + dir + "/samples.fmls");
  INFO(name << ": " << run.output.substr(0, 400));
  REQUIRE(run.status == 0);
  REQUIRE(run.results.size() == samples.samples.size());
  for (size_t i = 0; i < samples.samples.size(); ++i) {
    const Decision want = expected(model, samples.samples[i]);
    CHECK(run.results[i].logits == want.logits);
    CHECK(run.results[i].exit_layer == want.exit_layer);
  }
  const std::vector<Step> bounds = inference_steps(model);
  const std::vector<uint64_t> got = measured_steps(run.report["markers"]);
  REQUIRE(got.size() == bounds.size());
  uint64_t sum_got = 0, sum_bound = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("step " << i << ": " << to_string(bounds[i].kind) << " layer " << bounds[i].layer << " ["
                 << bounds[i].first << ", " << bounds[i].last << ") " << bounds[i].code);
    CHECK(got[i] <= bounds[i].cycles);
    sum_got += got[i];
    sum_bound += bounds[i].cycles;
  }
  return double(sum_got) / double(sum_bound);
}

}  // namespace fmltest

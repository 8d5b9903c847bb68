#include "fml_harness.h"

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

#include "freeml/firmware/include/freeml/model_format.h"
#include "freeml/reference/blob_io.h"
#include "freeml/reference/generator.h"
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
                  const freeml::ref::SampleSet& samples, const std::string& extra_args) {
  write_bytes(dir + "/model.fmlb", freeml::ref::write_blob(model));
  write_bytes(dir + "/samples.fmls", freeml::ref::write_samples(samples));
  return run_infer("--load " + dir + "/model.fmlb@freeml_model --samples " + dir +
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

}  // namespace fmltest

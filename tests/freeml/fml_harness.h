// Runs freeml_infer under `ehsim exec` and parses what it reports through host_io markers
// (freeml/FORMAT.md "host_io protocol"), for comparison with the host reference.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "freeml/reference/fixed_exec.h"
#include "freeml/reference/generator.h"
#include "freeml/reference/model.h"
#include "freeml/reference/samples.h"

namespace fmltest {

struct FwResult {
  uint16_t sample = 0;
  std::vector<int32_t> logits;
  int exit_layer = -1;
  int cls = -1;
  int32_t confidence = 0;
};

struct ExecRun {
  int status = -1;
  std::string output;     // stdout + stderr
  nlohmann::json report;  // parsed when the output is JSON
  std::vector<FwResult> results;
};

// A fresh directory under the build tree for one test's files.
std::string scratch_dir(const std::string& name);
std::string infer_elf();
void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes);

// `ehsim exec freeml_infer.elf ARGS --json`; results from the markers (complete START..DONE
// groups; a group repeated after a power failure appears once per report).
ExecRun run_infer(const std::string& args);
// The same with another build of the engine (freeml_infer_units.elf, ...).
ExecRun run_elf(const std::string& elf, const std::string& args);
std::vector<FwResult> parse_results(const nlohmann::json& markers);

// Writes model and samples into `dir` and runs the firmware (default freeml_infer.elf) on them.
ExecRun run_model(const std::string& dir, const freeml::ref::Model& model,
                  const freeml::ref::SampleSet& samples, const std::string& extra_args = "",
                  const std::string& elf = "");

freeml::ref::SampleSet random_samples(const freeml::ref::Model& model, int count, uint32_t seed);

// The generator's spec of a model kind named as `freeml-ref gen` names it: "mixed" or a layer
// kind (to_string(LayerKind)), its weights in CSR form when `csr`.
freeml::ref::ModelSpec spec_named(const std::string& kind, bool csr);
// Plans the model's units for `budget` cycles, or the smallest budget in steps of 1000 cycles
// above it that one output element and one tapped channel fit; returns the budget planned.
uint64_t plan_at_least(freeml::ref::Model* model, uint64_t budget);

// `ehsim check ARGS -j 2 --out OUT` (ARGS: the firmware and the options); returns OUT/check.json
// with the command's exit status added as "status". The check's console output goes to
// OUT.log and into the test's INFO.
nlohmann::json run_check(const std::string& args, const std::string& out);
// " --observe marker:ID" for every marker of a reported result (FML_MARK_LOGIT_LO..DONE).
std::string observe_results();

// Runs `model` on `elf`, a build with a marker at every commit (freeml_infer_units.elf,
// freeml_infer_upper_units.elf), at 8 MHz, and checks (Catch CHECKs) every step of the first
// inference against its cycle bound (freeml/reference/unit_cost.h) and every result against
// the reference. Returns measured / bound over the whole inference.
double check_step_bounds(const std::string& elf, const std::string& name,
                         const freeml::ref::Model& model, const freeml::ref::SampleSet& samples);

// What the firmware should report for one sample under the model's own policy (energy never
// low: `ehsim exec` runs on a continuous 3 V supply, above any threshold the ADC can measure).
freeml::ref::Decision expected(const freeml::ref::Model& model, const std::vector<int16_t>& x);

}  // namespace fmltest

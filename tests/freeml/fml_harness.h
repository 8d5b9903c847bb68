// Runs freeml_infer under `ehsim exec` and parses what it reports through host_io markers
// (freeml/FORMAT.md "host_io protocol"), for comparison with the host reference.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "freeml/reference/fixed_exec.h"
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

// Writes model and samples into `dir` and runs the firmware on them.
ExecRun run_model(const std::string& dir, const freeml::ref::Model& model,
                  const freeml::ref::SampleSet& samples, const std::string& extra_args = "");

freeml::ref::SampleSet random_samples(const freeml::ref::Model& model, int count, uint32_t seed);

// What the firmware should report for one sample under the model's own policy (energy never
// low: `ehsim exec` runs on a continuous 3 V supply, above any threshold the ADC can measure).
freeml::ref::Decision expected(const freeml::ref::Model& model, const std::vector<int16_t>& x);

}  // namespace fmltest

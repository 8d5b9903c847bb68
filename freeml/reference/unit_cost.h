// What one intermittent step of the FreeML engine costs, and units sized so that every step fits
// a cycle budget (freeml/FORMAT.md "Intermittent units").
//
// The engine (freeml/firmware/engine/fml_runtime.c) runs an inference as steps, each ending with
// a commit: the fetch of a sample, every unit of every layer, and every part of every gNet tap.
// After a power failure it resumes at the last commit, so a step that needs more than one charge
// of the capacitor is re-executed forever. The bounds here are upper bounds of the MCLK cycles of
// each step on ehsim at MCLK <= 8 MHz (no FRAM wait states), from the commit before it to its own
// commit, per element of work; their constants were calibrated on freeml_infer_units.elf and
// tests/freeml/test_units.cpp checks every step of a set of models against the simulated cycles.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "freeml/reference/model.h"

namespace freeml::ref {

enum class StepKind : uint8_t { kBoot, kFetch, kUnit, kTapPart };
const char* to_string(StepKind kind);

struct Step {
  StepKind kind = StepKind::kBoot;
  int layer = -1;              // kUnit, kTapPart: the layer (a tap part: the tapped layer)
  int first = 0, last = 0;     // kUnit: output elements [first, last); kTapPart: channels
  bool last_of_layer = false;  // the step that ends the layer (and decides an exit)
  uint64_t cycles = 0;         // upper bound
  // The bound's terms (for calibration): the code that runs and how often each of its parts
  // repeats, in the order {step, channel, row, element, work, shift bit, layer end}.
  std::string code;
  std::array<uint64_t, 7> counts{};
  // Upper engine (model.upper): the words the step copies from FRAM above 64 KB into the stage,
  // and their cycles (included in `cycles`). A step whose words exceed kStageWords cannot run.
  uint64_t staged_words = 0, stage_cycles = 0;
};

// The upper engine's stage (FML_STAGE_WORDS of freeml/firmware/include/freeml/engine.h).
inline constexpr uint64_t kStageWords = 2048;

// Every step of one inference that runs to the final layer, in the engine's order: the boot
// (reset to the first step: crt0, the blob check, the resume), the fetch of the sample, then each
// layer's units followed by its tap's parts.
std::vector<Step> inference_steps(const Model& model);

// The largest bound among the steps that come after the boot.
uint64_t largest_step_cycles(const Model& model);

// A step that cannot be made small enough: even one output element (or one tapped channel, or
// the fetch) needs more than the budget. The message names the layer and the cycles it needs.
class UnitBudgetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Sets every layer's unit_elements (unit_channels 0) and every tap's unit_channels to the largest
// units whose steps all stay within budget_cycles rounded down to whole kilocycles (0 for a layer
// or tap that fits whole) and, for the upper engine, within its stage, and the header's
// unit_budget_kcycles to that budget. Throws UnitBudgetError.
void plan_units(Model* model, uint64_t budget_cycles);

// The steps of a model whose bound exceeds budget_cycles (empty: every step fits).
std::vector<Step> steps_over_budget(const Model& model, uint64_t budget_cycles);

}  // namespace freeml::ref

// Bit-exact host execution of a model with the firmware's fixed-point arithmetic (FORMAT.md
// "Numbers"): i16 tensors, i32 wrapping accumulators, round-half-up shifts, i16 saturation, and
// the gNet exit logits after every tap.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "freeml/reference/model.h"

namespace freeml::ref {

// The primitives, exposed so tests can check them against plain arithmetic.
int32_t round_shift(int32_t acc, int shift);  // (acc + 2^(shift-1)) >> shift, wrapping add
int16_t saturate16(int32_t v);
int16_t avg_round(int32_t sum, int32_t n);  // round half away from zero, saturated

struct FixedRun {
  std::vector<std::vector<int16_t>> outputs;      // per layer
  std::vector<std::vector<int32_t>> exit_logits;  // per tap: L_k
};
FixedRun run_fixed(const Model& model, const std::vector<int16_t>& input);

// Tap vector of a layer output (adaptive max pool to the tap's grid), FORMAT.md.
std::vector<int16_t> tap_features(const Tap& tap, const Shape& shape,
                                  const std::vector<int16_t>& output);

struct Decision {
  int exit_layer = 0;  // tapped layer, or layer_count - 1 without an exit
  int tap = -1;        // index of the exit tap, -1 for the final layer
  std::vector<int32_t> logits;
  int cls = 0;
  int32_t confidence = 0;  // top-1 minus top-2
};
// Top-1 class (first on ties) and margin over the runner-up.
void top1_margin(const std::vector<int32_t>& logits, int* cls, int32_t* margin);
// Applies a policy after the fact: `energy_low(k)` says whether the supply was below the
// threshold when tap k was evaluated.
Decision decide(const Model& model, const FixedRun& run, Policy policy, int32_t conf_margin,
                const std::function<bool(int)>& energy_low);

}  // namespace freeml::ref

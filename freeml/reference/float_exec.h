// The same network in double precision, from the dequantised weights and input, with a rigorous
// bound on how far the fixed-point execution may differ from it (the quantisation error of the
// activations; weights are the same numbers on both paths).
//
// Bound (FORMAT.md arithmetic, no saturation and no accumulator overflow): a layer with weights
// adds at most half an output LSB of rounding and scales the input error by the largest L1 norm
// of a weight row (a kernel window reads at most every weight of its row once); max pool, ReLU
// and flatten pass the error through; average pools add half an LSB. The exit logits after tap k
// carry, per tap j <= k, the L1 norm of W_j's rows times tap j's error plus half a logit LSB.
#pragma once

#include <vector>

#include "freeml/reference/model.h"

namespace freeml::ref {

struct FloatRun {
  std::vector<std::vector<double>> outputs;      // per layer, real values
  std::vector<std::vector<double>> exit_logits;  // per tap
  std::vector<double> output_bound;              // per layer: max |fixed - float| allowed
  std::vector<double> logit_bound;               // per tap
  bool saturated = false;  // some float value lies outside its i16 format: bound void
};

FloatRun run_float(const Model& model, const std::vector<int16_t>& input);

}  // namespace freeml::ref

// The same network in double precision, from the dequantised weights and input, with a rigorous
// bound on how far the fixed-point execution may differ from it (the quantisation error of the
// activations; weights are the same numbers on both paths).
//
// Bound (FORMAT.md arithmetic, no saturation and no accumulator overflow), kept per element: a
// layer with weights applies |W| to its input's error bounds and adds half an output LSB of
// rounding; max pool takes the window's largest error, average pools its mean plus half an LSB;
// a ReLU zeroes the error where the float pre-activation is at or below minus the error (both
// paths give 0) and caps it at pre-activation + error between that and 0. Exit logits add, per
// tap, |W_tap| applied to the pooled features' errors plus half a logit LSB. This is much tighter
// than one worst-case scalar per layer (largest row L1 norm times the largest input error), which
// exceeded the i16 range on the committed models so that every sample looked saturated.
#pragma once

#include <vector>

#include "freeml/reference/model.h"

namespace freeml::ref {

struct FloatRun {
  std::vector<std::vector<double>> outputs;       // per layer, real values
  std::vector<std::vector<double>> exit_logits;   // per tap
  std::vector<double> output_bound;               // per layer: max |fixed - float| allowed
  std::vector<std::vector<double>> output_error;  // per layer, per element: the same, elementwise
  std::vector<double> logit_bound;                // per tap
  bool saturated = false;  // some float value lies outside its i16 format: bound void
};

FloatRun run_float(const Model& model, const std::vector<int16_t>& input);

}  // namespace freeml::ref

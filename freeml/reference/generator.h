// Random but valid models for tests: every layer kind, dense or CSR weights, gNet taps. Formats
// are calibrated the way a compiler would do it: each layer's out_frac is the largest that keeps
// the float outputs of a few random inputs within half the i16 range, so the fixed-point path
// neither saturates nor overflows its accumulators on such inputs.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "freeml/reference/model.h"

namespace freeml::ref {

struct LayerSpec {
  LayerKind kind = LayerKind::kRelu;
  int out_c = 0;  // conv2d, pointwise, dense
  int kernel = 3;
  int stride = 1;
  int pad = 0;
  bool relu = false;
  bool csr = false;       // store sparse (about 60 % of weights zeroed)
  bool tap = false;       // a gNet exit point
  int tap_grid = 2;       // clamped to the layer's output size
  int unit_channels = 0;  // 0: whole layer
  int unit_elements = 0;  // non-zero: units of this many output elements (unit_channels ignored)
  int tap_unit_channels = 0;  // tapped channels per exit part (0: one part)
};

struct ModelSpec {
  Shape input{1, 8, 8};
  int input_frac = 12;
  int num_classes = 4;
  std::vector<LayerSpec> layers;  // the last must produce num_classes values
  Policy policy = Policy::kNone;
};

Model generate_model(const ModelSpec& spec, uint32_t seed);

// Inputs uniform in [-1, 1) at the model's input_frac.
std::vector<int16_t> random_input(const Model& model, std::mt19937& rng);

// A model exercising one kind of layer: the layer under test (tapped with a full-resolution grid,
// so the exit logits depend on every output value), then a dense classifier.
ModelSpec single_layer_spec(LayerKind kind, bool csr);
// A small CNN using every kind, with three taps and small intermittent units: whole channels,
// and element units that start and end inside rows and channels, and taps in parts.
ModelSpec mixed_spec();

}  // namespace freeml::ref

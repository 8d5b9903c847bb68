// In-memory form of a FreeML model blob (freeml/FORMAT.md): what the validator produces and the
// writer and the executors consume. Weights are always held dense here; `csr` only says how the
// blob stores them (the integer sums wrap modulo 2^32, so their order never changes a result).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace freeml::ref {

enum class LayerKind : uint8_t {
  kConv2d = 1,
  kDwConv2d = 2,
  kPointwise = 3,
  kDense = 4,
  kMaxPool = 5,
  kAvgPool = 6,
  kGap = 7,
  kRelu = 8,
  kFlatten = 9,
};
const char* to_string(LayerKind kind);
bool has_weights(LayerKind kind);

enum class Policy : uint8_t { kNone = 0, kEnergy = 1, kConfidence = 2, kEnergyConfidence = 3 };
const char* to_string(Policy policy);

struct Shape {
  int c = 0, h = 0, w = 0;
  int size() const { return c * h * w; }
  bool operator==(const Shape& o) const { return c == o.c && h == o.h && w == o.w; }
};

struct Layer {
  LayerKind kind = LayerKind::kRelu;
  bool relu = false;  // fused ReLU
  bool csr = false;   // stored as CSR in the blob
  int out_frac = 0;
  int w_frac = 0;
  Shape out;
  int kernel_h = 0, kernel_w = 0, stride_h = 0, stride_w = 0, pad_h = 0, pad_w = 0;
  // Intermittent units (FORMAT.md "Intermittent units"): unit_elements output elements (CHW order)
  // per unit when non-zero, else unit_channels channels (0: the whole layer).
  int unit_channels = 0;
  int unit_elements = 0;
  std::vector<int16_t> weights;  // dense layout of FORMAT.md; empty for kinds without weights
  std::vector<int32_t> bias;     // empty = no bias; else out.c values at in_frac + w_frac
};

struct Tap {
  int layer = 0;
  int grid_h = 1, grid_w = 1;
  int w_frac = 0;
  int features = 0;              // out_c * grid_h * grid_w of the tapped layer
  int unit_channels = 0;         // tapped channels per exit part (0: all in one part)
  std::vector<int16_t> weights;  // [num_classes][features]
};

struct Model {
  Shape input;
  int input_frac = 0;
  int logit_frac = 0;
  int num_classes = 0;
  Policy policy = Policy::kNone;
  int energy_mv = 0;
  int32_t conf_margin = 0;
  std::vector<Layer> layers;
  std::vector<Tap> taps;
  std::vector<int32_t> exit_bias;  // num_classes values at logit_frac (empty without taps)
  int unit_budget_kcycles = 0;     // every unit fits this many kilocycles (0: no promise made)
  // Where the device keeps the blob (header storage, FORMAT.md "Storage"): FRAM below 64 KB,
  // read in place by freeml_infer.elf, or above it, copied per step by freeml_infer_upper.elf.
  bool upper = false;

  Shape input_shape_of(size_t layer) const { return layer == 0 ? input : layers[layer - 1].out; }
  int input_frac_of(size_t layer) const {
    return layer == 0 ? input_frac : layers[layer - 1].out_frac;
  }
  // Largest of the input and every layer output, in words (header max_act_words).
  int max_act_words() const;
  // Products the engine computes in `layer` for one inference (conv2d, depthwise, pointwise,
  // dense; 0 for the others): kernel taps over the padding are skipped, zero weights count when
  // the layer is stored dense (the engine multiplies them) and not when it is CSR.
  uint64_t products(size_t layer) const;
};

// Shape a layer must produce from `in` (FORMAT.md "Output shapes"); `out_c` is taken from the
// layer for kinds that choose it. Returns false with a reason when the parameters do not fit.
bool expected_output_shape(const Layer& layer, const Shape& in, Shape* out, std::string* why);
// Number of i16 weights of the dense layout, given the input shape.
size_t dense_weight_count(const Layer& layer, const Shape& in);

}  // namespace freeml::ref

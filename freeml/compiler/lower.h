// Lowering a float net (and its gNet head) to the engine's integer model (freeml/FORMAT.md):
// ReLUs fused into the layer before them, flatten dropped before dense layers, 1x1 convolutions as
// pointwise, per-tensor fractional bits chosen from calibration data, CSR wherever it is smaller.
// Every layer is one intermittent unit here; emit sizes the units (freeml/reference/unit_cost.h).
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "freeml/compiler/dataset.h"
#include "freeml/compiler/gnet.h"
#include "freeml/compiler/net.h"
#include "freeml/reference/model.h"

namespace freeml {

struct LowerOptions {
  // Calibration: output ranges are the maxima over these images times `headroom`.
  double headroom = 1.25;
};

struct Lowered {
  ref::Model model;
  std::vector<int>
      emitted_of;  // net layer index -> index of the emitted layer producing it (-1 if none)
};

Lowered lower(const Net& net, const GnetHead* head, const torch::Tensor& calibration_images,
              const LowerOptions& options = {});

// Bytes of the blob that write_blob produces, and a per-layer breakdown.
struct Footprint {
  size_t blob_bytes = 0;       // whole blob: header, tables, weights, biases, taps
  size_t weight_bytes = 0;     // backbone weight arrays (dense or CSR) + biases
  size_t exit_bytes = 0;       // tap weights + exit bias
  size_t max_act_words = 0;    // header max_act_words: the engine's two buffers are this size
  size_t peak_pair_words = 0;  // largest input + output of one layer: exact ping-pong buffers
  nlohmann::json layers;       // per emitted layer: kind, params, nnz, csr, bytes
};
Footprint footprint(const ref::Model& model);

// Accuracy of the fixed-point model (bit-exact reference) on `split`: the final layer and, for
// each tap, the exit logits. Returns {"final": acc, "exits": [acc...], "predictions": ...}.
struct FixedAccuracy {
  double final_accuracy = 0;
  std::vector<double> exit_accuracy;
  std::vector<int> final_predictions;
};
FixedAccuracy fixed_accuracy(const ref::Model& model, const Split& split);

// The split's images as the engine's input words (raw bytes at kInputFracBits).
std::vector<int16_t> input_words(const Split& split, int64_t index);

}  // namespace freeml

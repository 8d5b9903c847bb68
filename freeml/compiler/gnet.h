// gNet: one global exit classifier shared by every exit point. Tap k is the output of the k-th
// layer marked `tap`, max-pooled without parameters to a small grid (adaptive max pool, as the
// engine does it); the classifier is one dense layer over the concatenation of all taps. Training
// freezes the backbone and, per batch, picks an exit k at random and zeroes the taps deeper than
// k, so the same weights classify from any prefix and the firmware can accumulate the logits tap
// by tap (logits_k = b + sum_{j<=k} W_j tap_j).
//
// For comparison, the conventional multi-exit design: one independent dense head per tap on the
// tap's full (unpooled) output, each trained with the backbone frozen.
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "freeml/compiler/dataset.h"
#include "freeml/compiler/net.h"
#include "freeml/compiler/train.h"

namespace freeml {

struct GnetHead {
  std::vector<int64_t> tap_layers;      // indices into net.layers (layers marked tap), in order
  std::vector<int64_t> grid_h, grid_w;  // per tap, clamped to the tapped output's size
  std::vector<torch::Tensor> weights;   // per tap [classes, features_k]
  torch::Tensor bias;                   // [classes]

  int64_t parameter_count() const;
  // Pooled, flattened tap vectors [N, features_k] of a batch.
  std::vector<torch::Tensor> tap_features(const Net& net, const torch::Tensor& x) const;
  // Logits [N, classes] after exit `exit` (0-based tap index): bias + sum over taps <= exit.
  torch::Tensor logits(const std::vector<torch::Tensor>& features, int64_t exit) const;
  int64_t exits() const { return int64_t(tap_layers.size()); }
};

// A head for `net` with freshly initialised weights (torch's generator: seed it first).
GnetHead make_gnet_head(const Net& net, int64_t grid);

struct GnetResult {
  GnetHead head;
  nlohmann::json report;  // accuracy per exit, memory overhead, per-tap head comparison
};

// Trains the global head (and the per-tap heads for the report). The backbone is not changed.
GnetResult train_gnet(const Net& net, const Dataset& data, int64_t grid,
                      const TrainOptions& options, bool compare_per_tap_heads, std::ostream* log);

// Saves/loads the head (TorchScript-free: a torch::serialize archive with the tap list).
void save_gnet_head(const GnetHead& head, const std::string& path);
GnetHead load_gnet_head(const std::string& path);

}  // namespace freeml

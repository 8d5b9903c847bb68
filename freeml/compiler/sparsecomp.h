// SparseComp (docs/architecture.md "Firmware and FreeML"): compress a trained net until its
// firmware model fits a memory budget. (1) Layer separation: take the Conv/Linear layers largest
// first and split each into thin layers (Tucker-2 for a convolution, truncated SVD for a dense
// layer) when that saves parameters, fine-tuning after each. (2) Sparsity imposed while retraining:
// repeatedly take the layer with the most stored bytes that is not fragile, lower its density one
// schedule step and retrain with iterative hard thresholding; a step that costs >= `fragile_drop`
// validation accuracy is undone and the layer marked fragile. Sizes are those of the actual blob
// (fixed point, CSR where smaller), and "fits" also requires the activation buffers to fit.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "freeml/compiler/dataset.h"
#include "freeml/compiler/lower.h"
#include "freeml/compiler/net.h"
#include "freeml/compiler/train.h"

namespace freeml {

struct SparseCompOptions {
  double target_kb = 16;            // blob bytes of the backbone (weights, biases, tables)
  double activation_budget_kb = 4;  // two activation buffers of the largest tensor
  std::string rank_rule = "vbmf";   // "vbmf" or "energy:<fraction>"
  bool separate = true;
  double fragile_drop = 0.05;  // accuracy (fraction) a step may cost before the layer is fragile
  int64_t separation_batches = 600;  // fine-tuning after each separation
  int64_t retrain_batches = 300;     // retraining after each sparsity step
  int64_t final_batches = 1500;      // final fine-tuning with the final masks
  int64_t calibration_count = 1000;  // training images used to choose fixed-point formats
  double min_density = 0.01;
  int max_steps = 300;
  TrainOptions train;  // batch size, learning rate, seed
};

struct SparseCompResult {
  Net net;
  bool fits = false;
  nlohmann::json report;
};

SparseCompResult sparsecomp(const Net& baseline, const Dataset& data,
                            const SparseCompOptions& options, std::ostream* log);

// Bytes of the backbone's blob and of its activation buffers.
struct Budget {
  size_t blob_bytes = 0;
  size_t activation_bytes = 0;  // 2 buffers x max_act_words x 2 bytes
  size_t peak_pair_bytes = 0;   // largest input + output of one layer
};
Budget measure(const Net& net, const torch::Tensor& calibration_images);

// Replaces layer `index` (Conv2d or Linear) by its low-rank separation. Returns false (and leaves
// the net unchanged) when the separation would not save parameters. `ranks` receives the ranks.
bool separate_layer(Net& net, size_t index, const std::string& rank_rule, nlohmann::json* ranks);

}  // namespace freeml

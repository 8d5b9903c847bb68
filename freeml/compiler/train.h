// Minibatch training and evaluation shared by baseline training, SparseComp retraining and gNet.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <ostream>

#include "freeml/compiler/dataset.h"
#include "freeml/compiler/net.h"

namespace freeml {

struct TrainOptions {
  int epochs = 3;
  int64_t batch_size = 64;
  double learning_rate = 1e-3;
  uint64_t seed = 1;  // shuffling order (model init uses torch's generator, seeded by the caller)
  int64_t max_batches = 0;  // per call; 0 = epochs * full passes
};

// Maps a batch of images to logits; `batch_index` counts optimiser steps (gNet picks its exit by
// it).
using ForwardFn = std::function<torch::Tensor(const torch::Tensor& images, int64_t batch_index)>;
// Runs after every optimiser step, e.g. to re-impose sparsity (iterative hard thresholding).
using StepHook = std::function<void()>;

// Adam on `params` with cross-entropy loss. Returns the mean loss of the last epoch.
double train_loop(const std::vector<torch::Tensor>& params, const ForwardFn& forward,
                  const Split& data, const TrainOptions& options, const StepHook& after_step = {},
                  std::ostream* log = nullptr);

// Trains every parameter of `net`.
double train_net(Net& net, const Split& data, const TrainOptions& options,
                 const StepHook& after_step = {}, std::ostream* log = nullptr);

// Class predictions [N] of `forward` (batch_index passed as 0) over a split, in batches.
torch::Tensor predict(const std::function<torch::Tensor(const torch::Tensor&)>& forward,
                      const Split& data, int64_t batch_size = 1000);
double accuracy(const Net& net, const Split& data);
double accuracy_of(const torch::Tensor& predictions, const Split& data);

}  // namespace freeml

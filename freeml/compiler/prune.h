// Magnitude pruning for iterative hard thresholding: after every optimiser step, each layer keeps
// exactly its top-|w| fraction of weights (biases are never pruned).
#pragma once

#include <torch/torch.h>

#include "freeml/compiler/net.h"

namespace freeml {

// round(density * numel), at least 1 while density > 0.
int64_t kept_count(int64_t numel, double density);

// 0/1 mask of `w`'s shape keeping exactly kept_count entries of largest |w| (ties: lower flat
// index).
torch::Tensor magnitude_mask(const torch::Tensor& w, double density);

// Zeroes, in place, all but the top-|w| fraction `layer.density` of every weighted layer.
void impose_sparsity(Net& net);

// The next density of SparseComp's schedule: 1.0, 0.9, ..., 0.1 in steps of 0.1, then x0.9.
double next_density(double density);

}  // namespace freeml

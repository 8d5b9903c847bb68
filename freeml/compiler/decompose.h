// Low-rank layer separation: truncated SVD for dense layers, Tucker-2 (HOSVD) for convolutions,
// and the two rank rules SparseComp can use (EVBMF, as the FreeML authors' code does, or an
// energy criterion).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace freeml {

// W [O, I] ~= second [O, r] x first [r, I].
struct SvdFactors {
  torch::Tensor first;
  torch::Tensor second;
};
SvdFactors truncated_svd(const torch::Tensor& w, int64_t rank);

// W [O, I, k, k] ~= core x_0 last x_1 first^T, i.e. a 1x1 conv I -> r_in (`first` [r_in, I]),
// the k x k core r_in -> r_out (`core` [r_out, r_in, k, k]) and a 1x1 conv r_out -> O (`last`
// [O, r_out]). Factors are the leading left singular vectors of the mode unfoldings (HOSVD).
struct Tucker2Factors {
  torch::Tensor first;
  torch::Tensor core;
  torch::Tensor last;
};
Tucker2Factors tucker2(const torch::Tensor& w, int64_t rank_out, int64_t rank_in);
torch::Tensor tucker2_reconstruct(const Tucker2Factors& f);

// Mode-n unfolding of a tensor: rows are indexed by dimension `mode`.
torch::Tensor unfold(const torch::Tensor& w, int64_t mode);

// Smallest rank whose singular values keep at least `energy` (0..1] of the squared sum.
int64_t energy_rank(const torch::Tensor& singular_values, double energy);

// Rank chosen by empirical variational Bayesian matrix factorisation (Nakajima et al. 2013,
// the analytic EVBMF solution with the noise variance estimated by a bounded 1-D search), as in
// the VBMF module the Tucker-decomposition code of the FreeML lineage calls. May return 0.
int64_t evbmf_rank(const torch::Tensor& matrix);

// "vbmf" or "energy:<fraction>"; the rank of `matrix` under that rule, clamped to [1, full].
int64_t choose_rank(const torch::Tensor& matrix, const std::string& rule);

}  // namespace freeml

#include "freeml/compiler/prune.h"

#include <cmath>

namespace freeml {

int64_t kept_count(int64_t numel, double density) {
  if (density <= 0) return 0;
  return std::clamp<int64_t>(int64_t(std::llround(density * double(numel))), 1, numel);
}

torch::Tensor magnitude_mask(const torch::Tensor& w, double density) {
  const auto flat = w.detach().abs().flatten();
  const int64_t keep = kept_count(flat.numel(), density);
  // A stable descending sort makes equal magnitudes keep the lower index, so the count is exact
  // and the choice deterministic.
  const auto order = std::get<1>(flat.sort(/*stable=*/true, /*dim=*/0, /*descending=*/true));
  auto mask = torch::zeros_like(flat);
  mask.index_fill_(0, order.slice(0, 0, keep), 1.0);
  return mask.view_as(w);
}

void impose_sparsity(Net& net) {
  torch::NoGradGuard no_grad;
  for (Layer& l : net.layers) {
    if (!l.has_weights() || l.density >= 1.0) continue;
    l.weight.mul_(magnitude_mask(l.weight, l.density));
  }
}

double next_density(double density) {
  // Rounded to 1e-6 so the 0.1-steps land exactly on 0.9, 0.8, ... despite binary fractions.
  if (density > 0.1 + 1e-9) return std::round((density - 0.1) * 1e6) / 1e6;
  return density * 0.9;
}

}  // namespace freeml

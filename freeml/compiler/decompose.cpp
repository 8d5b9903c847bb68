#include "freeml/compiler/decompose.h"

#include <cmath>
#include <stdexcept>
#include <vector>

namespace freeml {

SvdFactors truncated_svd(const torch::Tensor& w, int64_t rank) {
  const auto w64 = w.detach().to(torch::kFloat64);
  auto [u, s, vh] = torch::linalg::svd(w64, /*full_matrices=*/false, c10::nullopt);
  rank = std::min<int64_t>(rank, s.size(0));
  SvdFactors f;
  f.first = (s.slice(0, 0, rank).unsqueeze(1) * vh.slice(0, 0, rank)).to(w.dtype());
  f.second = u.slice(1, 0, rank).contiguous().to(w.dtype());
  return f;
}

torch::Tensor unfold(const torch::Tensor& w, int64_t mode) {
  return w.movedim(mode, 0).reshape({w.size(mode), -1});
}

Tucker2Factors tucker2(const torch::Tensor& w, int64_t rank_out, int64_t rank_in) {
  const auto w64 = w.detach().to(torch::kFloat64);
  auto leading = [&](int64_t mode, int64_t rank) {
    auto [u, s, vh] = torch::linalg::svd(unfold(w64, mode), false, c10::nullopt);
    return u.slice(1, 0, std::min<int64_t>(rank, u.size(1))).contiguous();
  };
  const auto u_out = leading(0, rank_out);  // [O, r_out]
  const auto u_in = leading(1, rank_in);    // [I, r_in]
  Tucker2Factors f;
  f.core = torch::einsum("oikl,or,is->rskl", {w64, u_out, u_in}).to(w.dtype());
  f.last = u_out.to(w.dtype());
  f.first = u_in.t().contiguous().to(w.dtype());
  return f;
}

torch::Tensor tucker2_reconstruct(const Tucker2Factors& f) {
  return torch::einsum("rskl,or,si->oikl", {f.core, f.last, f.first});
}

int64_t energy_rank(const torch::Tensor& singular_values, double energy) {
  const auto sq = singular_values.to(torch::kFloat64).pow(2);
  const double total = sq.sum().item<double>();
  if (total <= 0) return 1;
  const auto cum = sq.cumsum(0);
  for (int64_t r = 0; r < sq.size(0); ++r) {
    if (cum[r].item<double>() >= energy * total - 1e-12 * total) return r + 1;
  }
  return sq.size(0);
}

namespace {

// The EVBMF objective in the noise variance sigma2 (negative free energy up to constants).
double evb_objective(double sigma2, double l, double m, const std::vector<double>& s,
                     double residual, double xubar) {
  const double alpha = l / m;
  const double h = double(s.size());
  double obj = 0.0;
  for (double sv : s) {
    const double x = sv * sv / (m * sigma2);
    if (x > xubar) {
      const double tau =
          0.5 * (x - (1 + alpha) + std::sqrt((x - (1 + alpha)) * (x - (1 + alpha)) - 4 * alpha));
      obj += x - tau + std::log((tau + 1) / x) + alpha * std::log(tau / alpha + 1);
    } else {
      obj += x - std::log(x);
    }
  }
  return obj + residual / (m * sigma2) + (l - h) * std::log(sigma2);
}

}  // namespace

int64_t evbmf_rank(const torch::Tensor& matrix) {
  auto y = matrix.detach().to(torch::kFloat64);
  if (y.size(0) > y.size(1)) y = y.t();  // the analysis assumes L <= M
  const double l = double(y.size(0)), m = double(y.size(1));
  if (y.size(0) < 2) return y.size(0);
  const auto sv = torch::linalg::svdvals(y, c10::nullopt).contiguous();
  std::vector<double> s(sv.data_ptr<double>(), sv.data_ptr<double>() + sv.numel());
  const double alpha = l / m;
  const double tauubar = 2.5129 * std::sqrt(alpha);
  const double xubar = (1 + tauubar) * (1 + alpha / tauubar);
  const double residual = 0.0;  // H = L: every singular value is kept
  const int64_t h = int64_t(s.size());
  int64_t eh_ub = std::min<int64_t>(int64_t(std::ceil(l / (1 + alpha))) - 1, h) - 1;
  eh_ub = std::clamp<int64_t>(eh_ub, 0, h - 2);
  double sum_sq = 0, tail_sq = 0;
  for (int64_t i = 0; i < h; ++i) {
    sum_sq += s[i] * s[i];
    if (i > eh_ub) tail_sq += s[i] * s[i];
  }
  const double upper = (sum_sq + residual) / (l * m);
  const double lower =
      std::max(s[eh_ub + 1] * s[eh_ub + 1] / (m * xubar), tail_sq / double(h - eh_ub - 1) / m);
  // Golden-section search on [lower, upper], as scipy's bounded minimize_scalar would.
  double a = std::min(lower, upper), b = std::max(lower, upper);
  const double g = (std::sqrt(5.0) - 1) / 2;
  double c = b - g * (b - a), d = a + g * (b - a);
  for (int i = 0; i < 200 && (b - a) > 1e-12 * b; ++i) {
    if (evb_objective(c, l, m, s, residual, xubar) < evb_objective(d, l, m, s, residual, xubar)) {
      b = d;
    } else {
      a = c;
    }
    c = b - g * (b - a);
    d = a + g * (b - a);
  }
  const double sigma2 = (a + b) / 2;
  const double threshold = std::sqrt(m * sigma2 * (1 + tauubar) * (1 + alpha / tauubar));
  int64_t rank = 0;
  for (double v : s) rank += v > threshold;
  return rank;
}

int64_t choose_rank(const torch::Tensor& matrix, const std::string& rule) {
  const int64_t full = std::min(matrix.size(0), matrix.size(1));
  int64_t r = 0;
  if (rule == "vbmf") {
    r = evbmf_rank(matrix);
  } else if (rule.rfind("energy:", 0) == 0) {
    const double e = std::stod(rule.substr(7));
    if (!(e > 0 && e <= 1))
      throw std::invalid_argument("energy fraction must be in (0, 1]: " + rule);
    r = energy_rank(torch::linalg::svdvals(matrix.detach().to(torch::kFloat64), c10::nullopt), e);
  } else {
    throw std::invalid_argument("unknown rank rule '" + rule + "' (vbmf, energy:<fraction>)");
  }
  return std::clamp<int64_t>(r, 1, full);
}

}  // namespace freeml

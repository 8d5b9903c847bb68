#include "freeml/reference/float_exec.h"

#include <algorithm>
#include <cmath>

namespace freeml::ref {
namespace {

using Vec = std::vector<double>;

double lsb(int frac) {
  return std::ldexp(1.0, -frac);
}

// Largest L1 norm of a weight row (one output channel), in real units.
double max_row_l1(const Layer& l, int rows) {
  const size_t per_row = l.weights.size() / size_t(rows);
  double best = 0;
  for (int r = 0; r < rows; ++r) {
    double s = 0;
    for (size_t k = 0; k < per_row; ++k) s += std::abs(double(l.weights[size_t(r) * per_row + k]));
    best = std::max(best, s);
  }
  return best * lsb(l.w_frac);
}

Vec run_layer(const Model& m, size_t i, const Vec& x) {
  const Layer& l = m.layers[i];
  const Shape in = m.input_shape_of(i);
  const double wscale = lsb(l.w_frac);
  const double bscale = lsb(m.input_frac_of(i) + l.w_frac);
  Vec y(size_t(l.out.size()));
  auto bias = [&](int c) { return l.bias.empty() ? 0.0 : l.bias[size_t(c)] * bscale; };
  auto relu = [&](double v) { return (l.relu && v < 0) ? 0.0 : v; };
  switch (l.kind) {
    case LayerKind::kConv2d:
    case LayerKind::kDwConv2d: {
      const bool dw = l.kind == LayerKind::kDwConv2d;
      for (int co = 0; co < l.out.c; ++co)
        for (int oy = 0; oy < l.out.h; ++oy)
          for (int ox = 0; ox < l.out.w; ++ox) {
            double acc = bias(co);
            for (int ci = dw ? co : 0; ci < (dw ? co + 1 : in.c); ++ci)
              for (int ky = 0; ky < l.kernel_h; ++ky)
                for (int kx = 0; kx < l.kernel_w; ++kx) {
                  const int iy = oy * l.stride_h - l.pad_h + ky,
                            ix = ox * l.stride_w - l.pad_w + kx;
                  if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w) continue;
                  const int wrow = dw ? co : co * in.c + ci;
                  acc += l.weights[size_t((wrow * l.kernel_h + ky) * l.kernel_w + kx)] * wscale *
                         x[size_t((ci * in.h + iy) * in.w + ix)];
                }
            y[size_t((co * l.out.h + oy) * l.out.w + ox)] = relu(acc);
          }
      break;
    }
    case LayerKind::kPointwise: {
      const int hw = in.h * in.w;
      for (int co = 0; co < l.out.c; ++co)
        for (int p = 0; p < hw; ++p) {
          double acc = bias(co);
          for (int ci = 0; ci < in.c; ++ci)
            acc += l.weights[size_t(co * in.c + ci)] * wscale * x[size_t(ci * hw + p)];
          y[size_t(co * hw + p)] = relu(acc);
        }
      break;
    }
    case LayerKind::kDense: {
      const int n = in.size();
      for (int co = 0; co < l.out.c; ++co) {
        double acc = bias(co);
        for (int k = 0; k < n; ++k) acc += l.weights[size_t(co * n + k)] * wscale * x[size_t(k)];
        y[size_t(co)] = relu(acc);
      }
      break;
    }
    case LayerKind::kMaxPool:
    case LayerKind::kAvgPool: {
      const bool is_max = l.kind == LayerKind::kMaxPool;
      for (int c = 0; c < l.out.c; ++c)
        for (int oy = 0; oy < l.out.h; ++oy)
          for (int ox = 0; ox < l.out.w; ++ox) {
            double sum = 0, best = -INFINITY;
            for (int ky = 0; ky < l.kernel_h; ++ky)
              for (int kx = 0; kx < l.kernel_w; ++kx) {
                const double v =
                    x[size_t((c * in.h + oy * l.stride_h + ky) * in.w + ox * l.stride_w + kx)];
                sum += v;
                best = std::max(best, v);
              }
            y[size_t((c * l.out.h + oy) * l.out.w + ox)] =
                relu(is_max ? best : sum / (l.kernel_h * l.kernel_w));
          }
      break;
    }
    case LayerKind::kGap: {
      const int hw = in.h * in.w;
      for (int c = 0; c < in.c; ++c) {
        double sum = 0;
        for (int p = 0; p < hw; ++p) sum += x[size_t(c * hw + p)];
        y[size_t(c)] = relu(sum / hw);
      }
      break;
    }
    case LayerKind::kRelu:
    case LayerKind::kFlatten:
      for (size_t k = 0; k < x.size(); ++k)
        y[k] = (l.kind == LayerKind::kRelu || l.relu) ? std::max(x[k], 0.0) : x[k];
      break;
  }
  return y;
}

double layer_bound(const Model& m, size_t i, double e_in) {
  const Layer& l = m.layers[i];
  switch (l.kind) {
    case LayerKind::kConv2d:
    case LayerKind::kDwConv2d:
    case LayerKind::kPointwise:
    case LayerKind::kDense:
      return max_row_l1(l, l.out.c) * e_in + 0.5 * lsb(l.out_frac);
    case LayerKind::kAvgPool:
    case LayerKind::kGap:
      return e_in + 0.5 * lsb(l.out_frac);
    default:
      return e_in;
  }
}

}  // namespace

FloatRun run_float(const Model& m, const std::vector<int16_t>& input) {
  FloatRun run;
  Vec x(input.size());
  for (size_t k = 0; k < input.size(); ++k) x[k] = input[k] * lsb(m.input_frac);
  Vec logits(size_t(m.num_classes));
  for (int c = 0; c < m.num_classes && !m.exit_bias.empty(); ++c)
    logits[size_t(c)] = m.exit_bias[size_t(c)] * lsb(m.logit_frac);
  double e = 0, logit_e = 0;
  size_t next_tap = 0;
  for (size_t i = 0; i < m.layers.size(); ++i) {
    run.outputs.push_back(run_layer(m, i, run.outputs.empty() ? x : run.outputs.back()));
    e = layer_bound(m, i, e);
    run.output_bound.push_back(e);
    const Layer& l = m.layers[i];
    const double limit = 32767.0 * lsb(l.out_frac);
    for (double v : run.outputs.back())
      if (std::abs(v) + e > limit) run.saturated = true;
    if (next_tap < m.taps.size() && size_t(m.taps[next_tap].layer) == i) {
      const Tap& t = m.taps[next_tap];
      const Shape& s = l.out;
      const Vec& y = run.outputs.back();
      Vec f;
      for (int c = 0; c < s.c; ++c)
        for (int gi = 0; gi < t.grid_h; ++gi)
          for (int gj = 0; gj < t.grid_w; ++gj) {
            const int y0 = gi * s.h / t.grid_h, y1 = ((gi + 1) * s.h + t.grid_h - 1) / t.grid_h;
            const int x0 = gj * s.w / t.grid_w, x1 = ((gj + 1) * s.w + t.grid_w - 1) / t.grid_w;
            double best = -INFINITY;
            for (int yy = y0; yy < y1; ++yy)
              for (int xx = x0; xx < x1; ++xx)
                best = std::max(best, y[size_t((c * s.h + yy) * s.w + xx)]);
            f.push_back(best);
          }
      double row_l1 = 0;
      for (int c = 0; c < m.num_classes; ++c) {
        double acc = 0, l1 = 0;
        for (int k = 0; k < t.features; ++k) {
          const double w = t.weights[size_t(c * t.features + k)] * lsb(t.w_frac);
          acc += w * f[size_t(k)];
          l1 += std::abs(w);
        }
        logits[size_t(c)] += acc;
        row_l1 = std::max(row_l1, l1);
      }
      logit_e += row_l1 * e + 0.5 * lsb(m.logit_frac);
      run.exit_logits.push_back(logits);
      run.logit_bound.push_back(logit_e);
      ++next_tap;
    }
  }
  return run;
}

}  // namespace freeml::ref

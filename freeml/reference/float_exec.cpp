#include "freeml/reference/float_exec.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace freeml::ref {
namespace {

using Vec = std::vector<double>;

double lsb(int frac) {
  return std::ldexp(1.0, -frac);
}

bool has_relu(const Layer& l) {
  return l.relu || l.kind == LayerKind::kRelu;
}

// Layer l on input x (shape `in`, `in_frac` fractional bits) without its ReLU: the pre-activation
// values. A ReLU layer is the identity here.
Vec pre_activation(const Layer& l, const Shape& in, int in_frac, const Vec& x) {
  const double wscale = lsb(l.w_frac);
  const double bscale = lsb(in_frac + l.w_frac);
  Vec y(size_t(l.out.size()));
  auto bias = [&](int c) { return l.bias.empty() ? 0.0 : l.bias[size_t(c)] * bscale; };
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
            y[size_t((co * l.out.h + oy) * l.out.w + ox)] = acc;
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
          y[size_t(co * hw + p)] = acc;
        }
      break;
    }
    case LayerKind::kDense: {
      const int n = in.size();
      for (int co = 0; co < l.out.c; ++co) {
        double acc = bias(co);
        for (int k = 0; k < n; ++k) acc += l.weights[size_t(co * n + k)] * wscale * x[size_t(k)];
        y[size_t(co)] = acc;
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
                is_max ? best : sum / (l.kernel_h * l.kernel_w);
          }
      break;
    }
    case LayerKind::kGap: {
      const int hw = in.h * in.w;
      for (int c = 0; c < in.c; ++c) {
        double sum = 0;
        for (int p = 0; p < hw; ++p) sum += x[size_t(c * hw + p)];
        y[size_t(c)] = sum / hw;
      }
      break;
    }
    case LayerKind::kRelu:
    case LayerKind::kFlatten:
      y = x;
      break;
  }
  return y;
}

// Elementwise bound on |fixed - float| after layer l, from the bound e_in on its input and the
// float pre-activation values. A weighted layer's error is |W| applied to e_in (the same
// contraction as the layer itself, so pre_activation of a copy with |W| and no bias computes it)
// plus half an output LSB of rounding; pools take the window's largest (max) or mean (average,
// plus half an LSB) input error. A ReLU removes the error where the float pre-activation is below
// -error (both paths output 0) and caps it at pre + error where that is between -error and 0.
Vec layer_error(const Layer& l, const Shape& in, int in_frac, const Vec& e_in, const Vec& pre) {
  const double half_lsb = 0.5 * lsb(l.out_frac);
  Vec e;
  switch (l.kind) {
    case LayerKind::kConv2d:
    case LayerKind::kDwConv2d:
    case LayerKind::kPointwise:
    case LayerKind::kDense: {
      Layer abs_layer = l;
      for (int16_t& w : abs_layer.weights) w = int16_t(std::min(32767, std::abs(int32_t(w))));
      // |-32768| does not fit in i16: 32767 is smaller by one LSB, so add one weight LSB per input
      // element below as a margin where that happened.
      bool clipped = false;
      for (int16_t w : l.weights) clipped |= w == -32768;
      abs_layer.bias.clear();
      e = pre_activation(abs_layer, in, in_frac, e_in);
      if (clipped) {
        double sum_e = 0;
        for (double v : e_in) sum_e += v;
        for (double& v : e) v += sum_e * lsb(l.w_frac);
      }
      for (double& v : e) v += half_lsb;
      break;
    }
    case LayerKind::kAvgPool:
    case LayerKind::kGap:
    case LayerKind::kMaxPool:
      e = pre_activation(l, in, in_frac, e_in);
      if (l.kind != LayerKind::kMaxPool)
        for (double& v : e) v += half_lsb;
      break;
    default:
      e = e_in;
      break;
  }
  if (has_relu(l)) {
    for (size_t k = 0; k < e.size(); ++k)
      if (pre[k] < 0) e[k] = std::max(0.0, pre[k] + e[k]);
  }
  return e;
}

double max_of(const Vec& v) {
  double best = 0;
  for (double x : v) best = std::max(best, x);
  return best;
}

}  // namespace

FloatRun run_float(const Model& m, const std::vector<int16_t>& input) {
  FloatRun run;
  Vec x(input.size());
  for (size_t k = 0; k < input.size(); ++k) x[k] = input[k] * lsb(m.input_frac);
  Vec logits(size_t(m.num_classes));
  for (int c = 0; c < m.num_classes && !m.exit_bias.empty(); ++c)
    logits[size_t(c)] = m.exit_bias[size_t(c)] * lsb(m.logit_frac);
  Vec e(x.size(), 0.0);  // the input is exact on both paths
  Vec logit_e(size_t(m.num_classes), 0.0);
  size_t next_tap = 0;
  for (size_t i = 0; i < m.layers.size(); ++i) {
    const Vec& in = run.outputs.empty() ? x : run.outputs.back();
    const Layer& l = m.layers[i];
    const Shape in_shape = m.input_shape_of(i);
    const int in_frac = m.input_frac_of(i);
    const Vec pre = pre_activation(l, in_shape, in_frac, in);
    Vec y = pre;
    if (has_relu(l))
      for (double& v : y) v = std::max(v, 0.0);
    e = layer_error(l, in_shape, in_frac, e, pre);
    run.outputs.push_back(std::move(y));
    run.output_bound.push_back(max_of(e));
    run.output_error.push_back(e);
    const double limit = 32767.0 * lsb(l.out_frac);
    // Saturation of the fixed path cannot be excluded where float value + error reaches the i16
    // range: the bound is then void. (Below a ReLU, saturation on the negative side is harmless:
    // both paths output 0 there, which the output value and its error already say.)
    const Vec& y_out = run.outputs.back();
    for (size_t k = 0; k < y_out.size(); ++k)
      if (std::abs(y_out[k]) + e[k] > limit) run.saturated = true;
    if (next_tap < m.taps.size() && size_t(m.taps[next_tap].layer) == i) {
      const Tap& t = m.taps[next_tap];
      const Shape& s = l.out;
      const Vec& y = run.outputs.back();
      Vec f, f_e;  // pooled features and their error bounds (max over the cell of each)
      for (int c = 0; c < s.c; ++c)
        for (int gi = 0; gi < t.grid_h; ++gi)
          for (int gj = 0; gj < t.grid_w; ++gj) {
            const int y0 = gi * s.h / t.grid_h, y1 = ((gi + 1) * s.h + t.grid_h - 1) / t.grid_h;
            const int x0 = gj * s.w / t.grid_w, x1 = ((gj + 1) * s.w + t.grid_w - 1) / t.grid_w;
            double best = -INFINITY, best_e = 0;
            for (int yy = y0; yy < y1; ++yy)
              for (int xx = x0; xx < x1; ++xx) {
                const size_t k = size_t((c * s.h + yy) * s.w + xx);
                best = std::max(best, y[k]);
                best_e = std::max(best_e, e[k]);
              }
            f.push_back(best);
            f_e.push_back(best_e);
          }
      for (int c = 0; c < m.num_classes; ++c) {
        double acc = 0, err = 0;
        for (int k = 0; k < t.features; ++k) {
          const double w = t.weights[size_t(c * t.features + k)] * lsb(t.w_frac);
          acc += w * f[size_t(k)];
          err += std::abs(w) * f_e[size_t(k)];
        }
        logits[size_t(c)] += acc;
        logit_e[size_t(c)] += err + 0.5 * lsb(m.logit_frac);
      }
      run.exit_logits.push_back(logits);
      run.logit_bound.push_back(max_of(logit_e));
      ++next_tap;
    }
  }
  return run;
}

}  // namespace freeml::ref

#include "freeml/reference/fixed_exec.h"

#include <algorithm>

namespace freeml::ref {

int32_t round_shift(int32_t acc, int shift) {
  if (shift == 0) return acc;
  // The add wraps modulo 2^32 like the MSP430's 32-bit add; the shift is arithmetic.
  const uint32_t sum = uint32_t(acc) + (uint32_t(1) << (shift - 1));
  return int32_t(sum) >> shift;
}

int16_t saturate16(int32_t v) {
  return int16_t(std::clamp<int32_t>(v, -32768, 32767));
}

int16_t avg_round(int32_t sum, int32_t n) {
  const int32_t q = sum >= 0 ? (sum + n / 2) / n : -((-sum + n / 2) / n);
  return saturate16(q);
}

namespace {

using Tensor = std::vector<int16_t>;

int16_t finish(int32_t acc, int shift, bool relu) {
  int16_t y = saturate16(round_shift(acc, shift));
  return (relu && y < 0) ? int16_t(0) : y;
}

int32_t mac(int32_t acc, int16_t w, int16_t x) {
  return int32_t(uint32_t(acc) + uint32_t(int32_t(w) * int32_t(x)));
}

Tensor run_conv(const Layer& l, const Shape& in, int shift, const Tensor& x, bool depthwise) {
  Tensor y(size_t(l.out.size()));
  for (int co = 0; co < l.out.c; ++co) {
    const int ci_begin = depthwise ? co : 0, ci_end = depthwise ? co + 1 : in.c;
    for (int oy = 0; oy < l.out.h; ++oy) {
      for (int ox = 0; ox < l.out.w; ++ox) {
        int32_t acc = l.bias.empty() ? 0 : l.bias[size_t(co)];
        for (int ci = ci_begin; ci < ci_end; ++ci) {
          const int wrow = depthwise ? co : co * in.c + ci;
          for (int ky = 0; ky < l.kernel_h; ++ky) {
            const int iy = oy * l.stride_h - l.pad_h + ky;
            if (iy < 0 || iy >= in.h) continue;
            for (int kx = 0; kx < l.kernel_w; ++kx) {
              const int ix = ox * l.stride_w - l.pad_w + kx;
              if (ix < 0 || ix >= in.w) continue;
              acc = mac(acc, l.weights[size_t((wrow * l.kernel_h + ky) * l.kernel_w + kx)],
                        x[size_t((ci * in.h + iy) * in.w + ix)]);
            }
          }
        }
        y[size_t((co * l.out.h + oy) * l.out.w + ox)] = finish(acc, shift, l.relu);
      }
    }
  }
  return y;
}

Tensor run_pointwise(const Layer& l, const Shape& in, int shift, const Tensor& x) {
  Tensor y(size_t(l.out.size()));
  const int hw = in.h * in.w;
  for (int co = 0; co < l.out.c; ++co) {
    for (int p = 0; p < hw; ++p) {
      int32_t acc = l.bias.empty() ? 0 : l.bias[size_t(co)];
      for (int ci = 0; ci < in.c; ++ci)
        acc = mac(acc, l.weights[size_t(co * in.c + ci)], x[size_t(ci * hw + p)]);
      y[size_t(co * hw + p)] = finish(acc, shift, l.relu);
    }
  }
  return y;
}

Tensor run_dense(const Layer& l, const Shape& in, int shift, const Tensor& x) {
  Tensor y(size_t(l.out.c));
  const int n = in.size();
  for (int co = 0; co < l.out.c; ++co) {
    int32_t acc = l.bias.empty() ? 0 : l.bias[size_t(co)];
    for (int i = 0; i < n; ++i) acc = mac(acc, l.weights[size_t(co * n + i)], x[size_t(i)]);
    y[size_t(co)] = finish(acc, shift, l.relu);
  }
  return y;
}

Tensor run_pool(const Layer& l, const Shape& in, const Tensor& x, bool is_max) {
  Tensor y(size_t(l.out.size()));
  for (int c = 0; c < l.out.c; ++c) {
    for (int oy = 0; oy < l.out.h; ++oy) {
      for (int ox = 0; ox < l.out.w; ++ox) {
        int32_t sum = 0;
        int16_t best = -32768;
        for (int ky = 0; ky < l.kernel_h; ++ky) {
          for (int kx = 0; kx < l.kernel_w; ++kx) {
            const int16_t v =
                x[size_t((c * in.h + oy * l.stride_h + ky) * in.w + ox * l.stride_w + kx)];
            sum += v;
            best = std::max(best, v);
          }
        }
        int16_t v = is_max ? best : avg_round(sum, l.kernel_h * l.kernel_w);
        if (l.relu && v < 0) v = 0;
        y[size_t((c * l.out.h + oy) * l.out.w + ox)] = v;
      }
    }
  }
  return y;
}

Tensor run_gap(const Layer& l, const Shape& in, const Tensor& x) {
  Tensor y(size_t(in.c));
  const int hw = in.h * in.w;
  for (int c = 0; c < in.c; ++c) {
    int32_t sum = 0;
    for (int p = 0; p < hw; ++p) sum += x[size_t(c * hw + p)];
    int16_t v = avg_round(sum, hw);
    if (l.relu && v < 0) v = 0;
    y[size_t(c)] = v;
  }
  return y;
}

Tensor run_layer(const Model& m, size_t i, const Tensor& x) {
  const Layer& l = m.layers[i];
  const Shape in = m.input_shape_of(i);
  const int shift = m.input_frac_of(i) + l.w_frac - l.out_frac;
  switch (l.kind) {
    case LayerKind::kConv2d:
      return run_conv(l, in, shift, x, false);
    case LayerKind::kDwConv2d:
      return run_conv(l, in, shift, x, true);
    case LayerKind::kPointwise:
      return run_pointwise(l, in, shift, x);
    case LayerKind::kDense:
      return run_dense(l, in, shift, x);
    case LayerKind::kMaxPool:
      return run_pool(l, in, x, true);
    case LayerKind::kAvgPool:
      return run_pool(l, in, x, false);
    case LayerKind::kGap:
      return run_gap(l, in, x);
    case LayerKind::kRelu:
    case LayerKind::kFlatten: {
      Tensor y = x;
      if (l.kind == LayerKind::kRelu || l.relu) {
        for (auto& v : y) v = std::max<int16_t>(v, 0);
      }
      return y;
    }
  }
  return {};
}

}  // namespace

std::vector<int16_t> tap_features(const Tap& t, const Shape& s, const std::vector<int16_t>& y) {
  std::vector<int16_t> f;
  for (int c = 0; c < s.c; ++c) {
    for (int i = 0; i < t.grid_h; ++i) {
      const int y0 = i * s.h / t.grid_h, y1 = ((i + 1) * s.h + t.grid_h - 1) / t.grid_h;
      for (int j = 0; j < t.grid_w; ++j) {
        const int x0 = j * s.w / t.grid_w, x1 = ((j + 1) * s.w + t.grid_w - 1) / t.grid_w;
        int16_t best = -32768;
        for (int yy = y0; yy < y1; ++yy)
          for (int xx = x0; xx < x1; ++xx)
            best = std::max(best, y[size_t((c * s.h + yy) * s.w + xx)]);
        f.push_back(best);
      }
    }
  }
  return f;
}

FixedRun run_fixed(const Model& m, const std::vector<int16_t>& input) {
  FixedRun run;
  std::vector<int32_t> logits = m.exit_bias;
  size_t next_tap = 0;
  const std::vector<int16_t>* x = &input;
  for (size_t i = 0; i < m.layers.size(); ++i) {
    run.outputs.push_back(run_layer(m, i, *x));
    x = &run.outputs.back();
    if (next_tap < m.taps.size() && size_t(m.taps[next_tap].layer) == i) {
      const Tap& t = m.taps[next_tap];
      const auto f = tap_features(t, m.layers[i].out, *x);
      const int shift = m.layers[i].out_frac + t.w_frac - m.logit_frac;
      for (int c = 0; c < m.num_classes; ++c) {
        int32_t acc = 0;
        for (int k = 0; k < t.features; ++k)
          acc = mac(acc, t.weights[size_t(c * t.features + k)], f[size_t(k)]);
        logits[size_t(c)] =
            int32_t(uint32_t(logits[size_t(c)]) + uint32_t(round_shift(acc, shift)));
      }
      run.exit_logits.push_back(logits);
      ++next_tap;
    }
  }
  return run;
}

void top1_margin(const std::vector<int32_t>& logits, int* cls, int32_t* margin) {
  int best = 0;
  for (size_t c = 1; c < logits.size(); ++c)
    if (logits[c] > logits[size_t(best)]) best = int(c);
  *cls = best;
  if (logits.size() < 2) {
    *margin = 0;
    return;
  }
  bool have = false;
  int32_t second = 0;
  for (size_t c = 0; c < logits.size(); ++c) {
    if (int(c) == best) continue;
    if (!have || logits[c] > second) second = logits[c];
    have = true;
  }
  *margin = int32_t(uint32_t(logits[size_t(best)]) - uint32_t(second));
}

Decision decide(const Model& m, const FixedRun& run, Policy policy, int32_t conf_margin,
                const std::function<bool(int)>& energy_low) {
  Decision d;
  const bool use_energy = (uint8_t(policy) & 1u) != 0;
  const bool use_conf = (uint8_t(policy) & 2u) != 0;
  for (size_t k = 0; k < run.exit_logits.size(); ++k) {
    int cls = 0;
    int32_t margin = 0;
    top1_margin(run.exit_logits[k], &cls, &margin);
    const bool exit_now = (use_energy && energy_low(int(k))) || (use_conf && margin >= conf_margin);
    if (exit_now) {
      d.exit_layer = m.taps[k].layer;
      d.tap = int(k);
      d.logits = run.exit_logits[k];
      d.cls = cls;
      d.confidence = margin;
      return d;
    }
  }
  d.exit_layer = int(m.layers.size()) - 1;
  d.logits.assign(run.outputs.back().begin(), run.outputs.back().end());
  top1_margin(d.logits, &d.cls, &d.confidence);
  return d;
}

}  // namespace freeml::ref

#include "freeml/reference/generator.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "freeml/reference/float_exec.h"

namespace freeml::ref {
namespace {

int fan_in(const Layer& l, const Shape& in) {
  switch (l.kind) {
    case LayerKind::kConv2d:
      return in.c * l.kernel_h * l.kernel_w;
    case LayerKind::kDwConv2d:
      return l.kernel_h * l.kernel_w;
    case LayerKind::kPointwise:
      return in.c;
    case LayerKind::kDense:
      return in.size();
    default:
      return 1;
  }
}

// Largest fractional bits (<= cap) at which |max_abs| * headroom still fits in i16.
int frac_for(double max_abs, double headroom, int cap) {
  int f = cap;
  while (f > 0 && max_abs * headroom * std::ldexp(1.0, f) > 32767.0) --f;
  return f;
}

Layer make_layer(const LayerSpec& s, const Shape& in) {
  Layer l;
  l.kind = s.kind;
  l.relu = s.relu;
  l.csr = s.csr && has_weights(s.kind);
  l.unit_channels = s.unit_channels;
  switch (s.kind) {
    case LayerKind::kConv2d:
    case LayerKind::kDwConv2d:
      l.kernel_h = l.kernel_w = s.kernel;
      l.stride_h = l.stride_w = s.stride;
      l.pad_h = l.pad_w = s.pad;
      l.out.c = s.kind == LayerKind::kConv2d ? s.out_c : in.c;
      break;
    case LayerKind::kMaxPool:
    case LayerKind::kAvgPool:
      l.kernel_h = l.kernel_w = s.kernel;
      l.stride_h = l.stride_w = s.stride;
      break;
    case LayerKind::kPointwise:
      l.kernel_h = l.kernel_w = l.stride_h = l.stride_w = 1;
      l.out.c = s.out_c;
      break;
    case LayerKind::kDense:
      l.out.c = s.out_c;
      break;
    default:
      break;
  }
  std::string why;
  if (!expected_output_shape(l, in, &l.out, &why))
    throw std::invalid_argument(std::string("generate_model: ") + to_string(s.kind) + ": " + why);
  l.unit_channels = std::min(l.unit_channels, l.out.c);
  l.unit_elements = std::min(s.unit_elements, l.out.size());
  if (l.unit_elements != 0) l.unit_channels = 0;
  return l;
}

}  // namespace

std::vector<int16_t> random_input(const Model& m, std::mt19937& rng) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<int16_t> x(size_t(m.input.size()));
  for (auto& v : x) v = int16_t(std::lround(u(rng) * std::ldexp(1.0, m.input_frac) * 0.999));
  return x;
}

Model generate_model(const ModelSpec& spec, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Model m;
  m.input = spec.input;
  m.input_frac = spec.input_frac;
  m.num_classes = spec.num_classes;
  m.policy = spec.policy;
  std::vector<std::vector<int16_t>> calib;
  for (int k = 0; k < 8; ++k) calib.push_back(random_input(m, rng));

  for (const LayerSpec& s : spec.layers) {
    const size_t i = m.layers.size();
    const Shape in = m.input_shape_of(i);
    const int in_frac = m.input_frac_of(i);
    Layer l = make_layer(s, in);
    if (!has_weights(l.kind)) {
      l.out_frac = in_frac;
      m.layers.push_back(std::move(l));
      continue;
    }
    const double a = 1.7 / std::sqrt(double(fan_in(l, in)));
    // Accumulators hold values at in_frac + w_frac: keep that <= 26 for i32 headroom.
    l.w_frac = std::max(0, std::min(frac_for(a, 1.0, 14), 26 - in_frac));
    l.weights.resize(dense_weight_count(l, in));
    for (auto& w : l.weights) {
      const bool zero = l.csr && unit(rng) < 0.6;
      w = zero ? int16_t(0) : int16_t(std::lround(u(rng) * a * std::ldexp(1.0, l.w_frac)));
    }
    l.bias.resize(size_t(l.out.c));
    for (auto& b : l.bias)
      b = int32_t(std::lround(u(rng) * 0.2 * std::ldexp(1.0, in_frac + l.w_frac)));
    // Calibrate out_frac on the float outputs of the prefix ending with this layer.
    m.layers.push_back(std::move(l));
    double max_abs = 1e-9;
    for (const auto& x : calib) {
      const FloatRun fr = run_float(m, x);
      for (double v : fr.outputs.back()) max_abs = std::max(max_abs, std::abs(v));
    }
    Layer& placed = m.layers.back();
    placed.out_frac = frac_for(max_abs, 2.0, std::min(15, in_frac + placed.w_frac));
  }
  if (m.layers.back().out.size() != m.num_classes)
    throw std::invalid_argument("generate_model: the last layer must produce num_classes values");

  // gNet taps: weights at w_frac 12, logits at the smallest tap scale (capped at 14).
  int logit_frac = 14;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    if (!spec.layers[i].tap) continue;
    const Layer& l = m.layers[i];
    Tap t;
    t.layer = int(i);
    t.grid_h = std::clamp(spec.layers[i].tap_grid, 1, l.out.h);
    t.grid_w = std::clamp(spec.layers[i].tap_grid, 1, l.out.w);
    t.features = l.out.c * t.grid_h * t.grid_w;
    t.unit_channels = std::min(spec.layers[i].tap_unit_channels, l.out.c);
    const double a = 1.5 / std::sqrt(double(t.features));
    t.w_frac = frac_for(a, 1.0, 12);
    for (int k = 0; k < m.num_classes * t.features; ++k)
      t.weights.push_back(int16_t(std::lround(u(rng) * a * std::ldexp(1.0, t.w_frac))));
    logit_frac = std::min(logit_frac, l.out_frac + t.w_frac);
    m.taps.push_back(std::move(t));
  }
  if (!m.taps.empty()) {
    m.logit_frac = logit_frac;
    for (int c = 0; c < m.num_classes; ++c)
      m.exit_bias.push_back(int32_t(std::lround(u(rng) * 0.3 * std::ldexp(1.0, logit_frac))));
  }
  m.energy_mv = 2200;
  m.conf_margin = int32_t(std::ldexp(1.0, m.logit_frac));  // a margin of 1.0
  return m;
}

ModelSpec single_layer_spec(LayerKind kind, bool csr) {
  ModelSpec s;
  s.input = {3, 8, 8};
  s.num_classes = 5;
  LayerSpec l;
  l.kind = kind;
  l.csr = csr;
  l.tap = true;
  l.tap_grid = 8;  // full resolution: the exit logits see every output value
  l.unit_channels = 2;
  switch (kind) {
    case LayerKind::kConv2d:
      l.out_c = 4, l.kernel = 3, l.stride = 2, l.pad = 1, l.relu = true;
      break;
    case LayerKind::kDwConv2d:
      l.kernel = 3, l.stride = 1, l.pad = 1;
      break;
    case LayerKind::kPointwise:
      l.out_c = 6, l.relu = true;
      break;
    case LayerKind::kDense:
      l.out_c = 12, l.relu = true;
      break;
    case LayerKind::kMaxPool:
      l.kernel = 2, l.stride = 2;
      break;
    case LayerKind::kAvgPool:
      l.kernel = 3, l.stride = 2;
      break;
    default:
      break;
  }
  s.layers.push_back(l);
  LayerSpec head;
  head.kind = LayerKind::kDense;
  head.out_c = s.num_classes;
  head.csr = csr;
  head.unit_channels = 3;
  s.layers.push_back(head);
  return s;
}

ModelSpec mixed_spec() {
  ModelSpec s;
  s.input = {1, 12, 12};
  s.num_classes = 6;
  auto add = [&s](LayerSpec l) { s.layers.push_back(l); };
  LayerSpec l;
  l = {};
  l.kind = LayerKind::kConv2d, l.out_c = 6, l.kernel = 3, l.pad = 1, l.relu = true;
  l.unit_elements = 100, l.tap = true, l.tap_grid = 2, l.tap_unit_channels = 4;
  add(l);
  l = {};
  l.kind = LayerKind::kMaxPool, l.kernel = 2, l.stride = 2, l.unit_elements = 50;
  add(l);
  l = {};
  l.kind = LayerKind::kDwConv2d, l.kernel = 3, l.pad = 1, l.csr = true, l.unit_channels = 3;
  add(l);
  l = {};
  l.kind = LayerKind::kPointwise, l.out_c = 8, l.relu = true, l.csr = true, l.unit_elements = 40;
  l.tap = true, l.tap_grid = 2, l.tap_unit_channels = 3;
  add(l);
  l = {};
  l.kind = LayerKind::kConv2d, l.out_c = 8, l.kernel = 3, l.stride = 2, l.csr = true;
  l.unit_channels = 4;
  add(l);
  l = {};
  l.kind = LayerKind::kRelu;
  add(l);
  l = {};
  l.kind = LayerKind::kAvgPool, l.kernel = 2, l.stride = 1, l.unit_elements = 7;
  add(l);
  l = {};
  l.kind = LayerKind::kGap, l.tap = true, l.tap_grid = 1, l.tap_unit_channels = 5;
  add(l);
  l = {};
  l.kind = LayerKind::kFlatten, l.unit_elements = 5;
  add(l);
  l = {};
  l.kind = LayerKind::kDense, l.out_c = 10, l.relu = true, l.unit_elements = 3;
  add(l);
  l = {};
  l.kind = LayerKind::kDense, l.out_c = s.num_classes, l.csr = true;
  add(l);
  return s;
}

}  // namespace freeml::ref

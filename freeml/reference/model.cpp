#include "freeml/reference/model.h"

#include <algorithm>
#include <vector>

namespace freeml::ref {

const char* to_string(LayerKind kind) {
  switch (kind) {
    case LayerKind::kConv2d:
      return "conv2d";
    case LayerKind::kDwConv2d:
      return "dwconv2d";
    case LayerKind::kPointwise:
      return "pointwise";
    case LayerKind::kDense:
      return "dense";
    case LayerKind::kMaxPool:
      return "maxpool";
    case LayerKind::kAvgPool:
      return "avgpool";
    case LayerKind::kGap:
      return "gap";
    case LayerKind::kRelu:
      return "relu";
    case LayerKind::kFlatten:
      return "flatten";
  }
  return "unknown";
}

bool has_weights(LayerKind kind) {
  return kind == LayerKind::kConv2d || kind == LayerKind::kDwConv2d ||
         kind == LayerKind::kPointwise || kind == LayerKind::kDense;
}

const char* to_string(Policy policy) {
  switch (policy) {
    case Policy::kNone:
      return "none";
    case Policy::kEnergy:
      return "energy";
    case Policy::kConfidence:
      return "confidence";
    case Policy::kEnergyConfidence:
      return "energy+confidence";
  }
  return "unknown";
}

uint64_t Model::products(size_t layer) const {
  const Layer& l = layers[layer];
  const Shape in = input_shape_of(layer);
  const auto counted = [&](int16_t w) { return !l.csr || w != 0; };  // CSR stores non-zeros only
  uint64_t n = 0;
  switch (l.kind) {
    case LayerKind::kDense:
    case LayerKind::kPointwise: {
      const uint64_t positions = l.kind == LayerKind::kDense ? 1 : uint64_t(in.h) * uint64_t(in.w);
      for (int16_t w : l.weights) n += counted(w) ? positions : 0;
      return n;
    }
    case LayerKind::kConv2d:
    case LayerKind::kDwConv2d: {
      // For each kernel tap (ky, kx), the output positions where it falls inside the input (the
      // engine skips the padding).
      std::vector<uint64_t> inside(size_t(l.kernel_h * l.kernel_w), 0);
      for (int oy = 0; oy < l.out.h; ++oy) {
        for (int ox = 0; ox < l.out.w; ++ox) {
          for (int ky = 0; ky < l.kernel_h; ++ky) {
            for (int kx = 0; kx < l.kernel_w; ++kx) {
              const int y = oy * l.stride_h - l.pad_h + ky, x = ox * l.stride_w - l.pad_w + kx;
              inside[size_t(ky * l.kernel_w + kx)] += y >= 0 && y < in.h && x >= 0 && x < in.w;
            }
          }
        }
      }
      for (size_t i = 0; i < l.weights.size(); ++i) {
        if (counted(l.weights[i])) n += inside[i % inside.size()];
      }
      return n;
    }
    default:
      return 0;
  }
}

int Model::max_act_words() const {
  int words = input.size();
  for (const auto& l : layers) words = std::max(words, l.out.size());
  return words;
}

namespace {

bool window_out(int in, int pad, int kernel, int stride, int* out) {
  if (kernel < 1 || stride < 1 || in + 2 * pad < kernel) return false;
  *out = (in + 2 * pad - kernel) / stride + 1;
  return true;
}

}  // namespace

bool expected_output_shape(const Layer& l, const Shape& in, Shape* out, std::string* why) {
  Shape s;
  switch (l.kind) {
    case LayerKind::kConv2d:
    case LayerKind::kDwConv2d:
    case LayerKind::kMaxPool:
    case LayerKind::kAvgPool:
      s.c = (l.kind == LayerKind::kConv2d) ? l.out.c : in.c;
      if (!window_out(in.h, l.pad_h, l.kernel_h, l.stride_h, &s.h) ||
          !window_out(in.w, l.pad_w, l.kernel_w, l.stride_w, &s.w)) {
        *why = "kernel/stride/padding do not fit the input";
        return false;
      }
      break;
    case LayerKind::kPointwise:
      s = {l.out.c, in.h, in.w};
      break;
    case LayerKind::kDense:
      s = {l.out.c, 1, 1};
      break;
    case LayerKind::kGap:
      s = {in.c, 1, 1};
      break;
    case LayerKind::kRelu:
      s = in;
      break;
    case LayerKind::kFlatten:
      s = {in.size(), 1, 1};
      break;
    default:
      *why = "unknown layer kind";
      return false;
  }
  *out = s;
  return true;
}

size_t dense_weight_count(const Layer& l, const Shape& in) {
  switch (l.kind) {
    case LayerKind::kConv2d:
      return size_t(l.out.c) * in.c * l.kernel_h * l.kernel_w;
    case LayerKind::kDwConv2d:
      return size_t(in.c) * l.kernel_h * l.kernel_w;
    case LayerKind::kPointwise:
      return size_t(l.out.c) * in.c;
    case LayerKind::kDense:
      return size_t(l.out.c) * in.size();
    default:
      return 0;
  }
}

}  // namespace freeml::ref

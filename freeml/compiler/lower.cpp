#include "freeml/compiler/lower.h"

#include <cmath>
#include <stdexcept>

#include "freeml/compiler/core/csr.h"
#include "freeml/compiler/core/fixed_point.h"
#include "freeml/reference/blob_io.h"
#include "freeml/reference/fixed_exec.h"

namespace freeml {

namespace {

constexpr int kMaxFrac = 15;
constexpr size_t kHeaderBytes = 48, kLayerRecordBytes = 32, kTapRecordBytes = 16;  // FORMAT.md
constexpr double kAccumulatorLimit = 2147483648.0;  // 2^31: i32 accumulators must not wrap

std::vector<float> to_vector(const torch::Tensor& t) {
  const auto c = t.detach().to(torch::kFloat32).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

// Largest frac in [0, 15] with max_abs * 2^frac <= 32767 (an i16 tensor holds the range).
int activation_frac(double max_abs) {
  int f = kMaxFrac;
  while (f > 0 && std::ldexp(max_abs, f) > 32767.0) --f;
  return f;
}

int32_t to_i32(double x, int frac) {
  const double v = std::round(std::ldexp(x, frac));
  if (std::fabs(v) >= kAccumulatorLimit) throw std::runtime_error("bias does not fit in i32");
  return int32_t(v);
}

double max_abs(const torch::Tensor& t) {
  return t.numel() ? t.abs().max().item<double>() : 0.0;
}

}  // namespace

Lowered lower(const Net& net, const GnetHead* head, const torch::Tensor& calibration_images,
              const LowerOptions& options) {
  torch::NoGradGuard no_grad;
  // Float outputs of every net layer on the calibration images.
  std::vector<double> out_max(net.layers.size());
  {
    torch::Tensor y = calibration_images;
    for (size_t i = 0; i < net.layers.size(); ++i) {
      Net one;
      one.layers = {net.layers[i]};
      y = one.forward(y);
      out_max[i] = max_abs(y);
    }
  }

  Lowered out;
  ref::Model& m = out.model;
  m.input = {int(net.input.c), int(net.input.h), int(net.input.w)};
  m.input_frac = kInputFracBits;
  m.num_classes = int(net.classes);
  out.emitted_of.assign(net.layers.size(), -1);
  const auto shapes = net.shapes();

  int in_frac = m.input_frac;
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    if (l.op == Op::Flatten && i + 1 < net.layers.size() && net.layers[i + 1].op == Op::Linear) {
      // The engine's dense layer reads the CHW vector directly, the same order as torch's flatten.
      out.emitted_of[i] = int(m.layers.size()) - 1;
      continue;
    }
    ref::Layer e;
    const Shape s = shapes[i];
    e.out = {int(s.c), int(s.h), int(s.w)};
    out.emitted_of[i] = int(m.layers.size());
    size_t last = i;  // the net layer whose output this emitted layer produces
    if (l.has_weights()) {
      const bool fuse_relu = i + 1 < net.layers.size() && net.layers[i + 1].op == Op::ReLU;
      if (fuse_relu) {
        last = i + 1;
        out.emitted_of[i + 1] = out.emitted_of[i];
        e.relu = true;
      }
      const bool pointwise = l.op == Op::Conv2d && l.kernel == 1 && l.stride == 1 && l.padding == 0;
      e.kind = l.op == Op::Linear ? ref::LayerKind::kDense
               : pointwise        ? ref::LayerKind::kPointwise
                                  : ref::LayerKind::kConv2d;
      if (e.kind == ref::LayerKind::kConv2d) {
        e.kernel_h = e.kernel_w = int(l.kernel);
        e.stride_h = e.stride_w = int(l.stride);
        e.pad_h = e.pad_w = int(l.padding);
      } else if (e.kind == ref::LayerKind::kPointwise) {
        e.kernel_h = e.kernel_w = e.stride_h = e.stride_w = 1;
      }
      const auto weights = to_vector(l.weight);
      int w_frac = std::min(kMaxFrac, choose_frac_bits(weights, kMaxFrac));
      if (w_frac < 0) throw std::runtime_error(l.name + ": weights too large for i16");
      // The pre-activation sum, at scale in_frac + w_frac, must stay inside i32.
      const double pre_max = out_max[i] * options.headroom;
      while (w_frac > 0 && std::ldexp(pre_max, in_frac + w_frac) >= kAccumulatorLimit) --w_frac;
      int out_frac = activation_frac(out_max[last] * options.headroom);
      out_frac = std::min(out_frac, in_frac + w_frac);  // the shift cannot be negative
      e.w_frac = w_frac;
      e.out_frac = out_frac;
      e.weights = quantize(weights, w_frac).values;
      if (l.bias.defined()) {
        for (float b : to_vector(l.bias)) e.bias.push_back(to_i32(b, in_frac + w_frac));
      }
      size_t nnz = 0;
      for (int16_t w : e.weights) nnz += w != 0;
      e.csr = csr_bytes(size_t(e.out.c), nnz) <
              dense_bytes(size_t(e.out.c), e.weights.size() / size_t(e.out.c));
      in_frac = out_frac;
      m.layers.push_back(e);
      i = last;
      continue;
    }
    e.out_frac = in_frac;
    switch (l.op) {
      case Op::ReLU:
        e.kind = ref::LayerKind::kRelu;
        break;
      case Op::MaxPool2d:
        e.kind = ref::LayerKind::kMaxPool;
        e.kernel_h = e.kernel_w = int(l.kernel);
        e.stride_h = e.stride_w = int(l.stride);
        break;
      case Op::Flatten:
        e.kind = ref::LayerKind::kFlatten;
        break;
      default:
        throw std::logic_error("unreachable layer op");
    }
    m.layers.push_back(e);
  }

  if (head && head->exits() > 0) {
    const auto features = head->tap_features(net, calibration_images);
    std::vector<int> tap_frac(head->exits());
    std::vector<std::vector<float>> tap_weights(head->exits());
    int logit_frac = 31;
    torch::Tensor partial =
        head->bias.detach().unsqueeze(0).expand({calibration_images.size(0), -1});
    double logit_max = max_abs(partial);
    for (int64_t k = 0; k < head->exits(); ++k) {
      ref::Tap t;
      t.layer = out.emitted_of[size_t(head->tap_layers[k])];
      if (t.layer < 0 || t.layer + 1 >= int(m.layers.size())) {
        throw std::runtime_error("tap on layer " + net.layers[head->tap_layers[k]].name +
                                 " does not map to a non-final emitted layer");
      }
      t.grid_h = int(head->grid_h[k]);
      t.grid_w = int(head->grid_w[k]);
      t.features = int(head->weights[k].size(1));
      const int frac = m.layers[size_t(t.layer)].out_frac;
      tap_weights[k] = to_vector(head->weights[k]);
      int w_frac = std::min(kMaxFrac, choose_frac_bits(tap_weights[k], kMaxFrac));
      const auto contribution = features[k].matmul(head->weights[k].t());
      const double contrib_max = max_abs(contribution) * options.headroom;
      while (w_frac > 0 && std::ldexp(contrib_max, frac + w_frac) >= kAccumulatorLimit) --w_frac;
      t.w_frac = w_frac;
      tap_frac[k] = frac;
      logit_frac = std::min(logit_frac, frac + w_frac);
      partial = partial + contribution;
      logit_max = std::max(logit_max, max_abs(partial));
      m.taps.push_back(t);
    }
    while (logit_frac > 0 &&
           std::ldexp(logit_max * options.headroom, logit_frac) >= kAccumulatorLimit) {
      --logit_frac;
    }
    m.logit_frac = logit_frac;
    for (int64_t k = 0; k < head->exits(); ++k) {
      m.taps[k].weights = quantize(tap_weights[k], m.taps[k].w_frac).values;
    }
    for (float b : to_vector(head->bias)) m.exit_bias.push_back(to_i32(b, logit_frac));
  }
  return out;
}

Footprint footprint(const ref::Model& model) {
  Footprint f;
  // Computed from FORMAT.md's layout rather than by writing the blob, so that models above the
  // format's 64 KB limit (uncompressed baselines) can still be measured.
  f.blob_bytes =
      kHeaderBytes + kLayerRecordBytes * model.layers.size() + kTapRecordBytes * model.taps.size();
  f.max_act_words = size_t(model.max_act_words());
  for (size_t i = 0; i < model.layers.size(); ++i) {
    const ref::Layer& l = model.layers[i];
    const ref::Shape in = model.input_shape_of(i);
    f.peak_pair_words = std::max(f.peak_pair_words, size_t(in.size() + l.out.size()));
    size_t nnz = 0;
    for (int16_t w : l.weights) nnz += w != 0;
    const size_t weight_bytes =
        l.weights.empty() ? 0
        : l.csr           ? csr_bytes(size_t(l.out.c), nnz)
                          : dense_bytes(size_t(l.out.c), l.weights.size() / size_t(l.out.c));
    const size_t bias_bytes = 4 * l.bias.size();
    f.weight_bytes += weight_bytes + bias_bytes;
    f.blob_bytes += weight_bytes + bias_bytes;
    f.layers.push_back({{"kind", ref::to_string(l.kind)},
                        {"out", {l.out.c, l.out.h, l.out.w}},
                        {"params", l.weights.size() + l.bias.size()},
                        {"nonzero_weights", nnz},
                        {"csr", l.csr},
                        {"weight_bytes", weight_bytes},
                        {"bias_bytes", bias_bytes},
                        {"w_frac", l.w_frac},
                        {"out_frac", l.out_frac},
                        {"unit_channels", l.unit_channels}});
  }
  for (const ref::Tap& t : model.taps) f.exit_bytes += 2 * t.weights.size();
  f.exit_bytes += 4 * model.exit_bias.size();
  f.blob_bytes += f.exit_bytes;
  return f;
}

std::vector<int16_t> input_words(const Split& split, int64_t index) {
  const auto p = split.pixels[index].flatten().to(torch::kInt16).contiguous();
  return std::vector<int16_t>(p.data_ptr<int16_t>(), p.data_ptr<int16_t>() + p.numel());
}

FixedAccuracy fixed_accuracy(const ref::Model& model, const Split& split) {
  FixedAccuracy acc;
  std::vector<int64_t> exit_correct(model.taps.size(), 0);
  int64_t final_correct = 0;
  const auto labels = split.labels.contiguous();
  for (int64_t n = 0; n < split.size(); ++n) {
    const ref::FixedRun run = ref::run_fixed(model, input_words(split, n));
    const int64_t label = labels[n].item<int64_t>();
    const auto& y = run.outputs.back();
    std::vector<int32_t> final_logits(y.begin(), y.end());
    int cls = 0;
    int32_t margin = 0;
    ref::top1_margin(final_logits, &cls, &margin);
    acc.final_predictions.push_back(cls);
    final_correct += cls == label;
    for (size_t k = 0; k < run.exit_logits.size(); ++k) {
      ref::top1_margin(run.exit_logits[k], &cls, &margin);
      exit_correct[k] += cls == label;
    }
  }
  const double n = double(std::max<int64_t>(1, split.size()));
  acc.final_accuracy = double(final_correct) / n;
  for (int64_t c : exit_correct) acc.exit_accuracy.push_back(double(c) / n);
  return acc;
}

}  // namespace freeml

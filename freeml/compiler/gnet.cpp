#include "freeml/compiler/gnet.h"

#include <cmath>
#include <random>
#include <stdexcept>

namespace freeml {

namespace {

// Flattened tap outputs of a whole split, computed once: the backbone is frozen, so the head
// trains on fixed features (pooled for gNet, full for the per-tap heads).
std::vector<torch::Tensor> split_features(
    const std::function<std::vector<torch::Tensor>(const torch::Tensor&)>& f, const Split& split) {
  torch::NoGradGuard no_grad;
  std::vector<std::vector<torch::Tensor>> parts;
  const int64_t batch = 1000;
  for (int64_t start = 0; start < split.size(); start += batch) {
    const auto feats = f(split.images.slice(0, start, std::min(split.size(), start + batch)));
    if (parts.empty()) parts.resize(feats.size());
    for (size_t k = 0; k < feats.size(); ++k) parts[k].push_back(feats[k]);
  }
  std::vector<torch::Tensor> out;
  for (auto& p : parts) out.push_back(torch::cat(p));
  return out;
}

Split feature_split(const torch::Tensor& features, const Split& like) {
  return {features, like.labels, {}};
}

torch::Tensor init_uniform(int64_t rows, int64_t cols, int64_t fan_in) {
  const double bound = 1.0 / std::sqrt(double(fan_in));
  return torch::empty({rows, cols}).uniform_(-bound, bound);
}

int64_t head_bytes(int64_t weights, int64_t classes) {
  return 2 * weights + 4 * classes;
}

}  // namespace

int64_t GnetHead::parameter_count() const {
  int64_t n = bias.numel();
  for (const auto& w : weights) n += w.numel();
  return n;
}

std::vector<torch::Tensor> GnetHead::tap_features(const Net& net, const torch::Tensor& x) const {
  std::vector<torch::Tensor> taps;
  net.forward(x, &taps);
  if (taps.size() != tap_layers.size())
    throw std::logic_error("gNet head does not match the net's taps");
  std::vector<torch::Tensor> out;
  for (size_t k = 0; k < taps.size(); ++k) {
    torch::Tensor t = taps[k];
    if (t.dim() == 4) t = std::get<0>(torch::adaptive_max_pool2d(t, {grid_h[k], grid_w[k]}));
    out.push_back(t.flatten(1));
  }
  return out;
}

torch::Tensor GnetHead::logits(const std::vector<torch::Tensor>& features, int64_t exit) const {
  torch::Tensor y = bias.unsqueeze(0);
  for (int64_t k = 0; k <= exit; ++k) y = y + features[size_t(k)].matmul(weights[size_t(k)].t());
  return y;
}

GnetHead make_gnet_head(const Net& net, int64_t grid) {
  GnetHead h;
  const auto shapes = net.shapes();
  int64_t total = 0;
  for (size_t i = 0; i < net.layers.size(); ++i) {
    if (!net.layers[i].tap) continue;
    if (i + 1 == net.layers.size()) throw std::invalid_argument("the final layer cannot be a tap");
    h.tap_layers.push_back(int64_t(i));
    h.grid_h.push_back(std::min(grid, shapes[i].h));
    h.grid_w.push_back(std::min(grid, shapes[i].w));
    total += shapes[i].c * h.grid_h.back() * h.grid_w.back();
  }
  if (h.tap_layers.empty()) throw std::invalid_argument("the net has no layer marked as a tap");
  for (size_t k = 0; k < h.tap_layers.size(); ++k) {
    const Shape s = shapes[size_t(h.tap_layers[k])];
    h.weights.push_back(
        init_uniform(net.classes, s.c * h.grid_h[k] * h.grid_w[k], total).set_requires_grad(true));
  }
  h.bias = torch::zeros({net.classes}).set_requires_grad(true);
  return h;
}

GnetResult train_gnet(const Net& backbone, const Dataset& data, int64_t grid,
                      const TrainOptions& options, bool compare_per_tap_heads, std::ostream* log) {
  Net net = backbone.clone();
  net.set_requires_grad(false);  // frozen
  GnetResult r;
  r.head = make_gnet_head(net, grid);
  GnetHead& head = r.head;
  const int64_t exits = head.exits();
  auto pooled = [&](const torch::Tensor& x) { return head.tap_features(net, x); };
  const auto train_f = split_features(pooled, data.train);
  const auto val_f = split_features(pooled, data.val);
  const auto test_f = split_features(pooled, data.test);

  // Train on the concatenated pooled taps; each batch picks its exit from its own generator.
  std::vector<int64_t> offsets{0};
  for (const auto& f : train_f) offsets.push_back(offsets.back() + f.size(1));
  const Split train_cat = feature_split(torch::cat(train_f, 1), data.train);
  std::mt19937_64 exit_rng(options.seed * 7919u + 17u);
  std::vector<torch::Tensor> params = head.weights;
  params.push_back(head.bias);
  train_loop(
      params,
      [&](const torch::Tensor& x, int64_t) {
        const int64_t exit = std::uniform_int_distribution<int64_t>(0, exits - 1)(exit_rng);
        std::vector<torch::Tensor> f;
        for (int64_t k = 0; k < exits; ++k) f.push_back(x.slice(1, offsets[k], offsets[k + 1]));
        return head.logits(f, exit);  // deeper taps contribute nothing: they are "zeroed"
      },
      train_cat, options, {}, log);
  for (auto& t : head.weights) t = t.detach();
  head.bias = head.bias.detach();

  nlohmann::json exit_rows = nlohmann::json::array();
  const auto shapes = net.shapes();
  int64_t gnet_weights = 0;
  for (int64_t k = 0; k < exits; ++k) {
    torch::NoGradGuard no_grad;
    gnet_weights += head.weights[k].numel();
    const double val = head.logits(val_f, k)
                           .argmax(1)
                           .eq(data.val.labels)
                           .to(torch::kFloat64)
                           .mean()
                           .item<double>();
    const double test = head.logits(test_f, k)
                            .argmax(1)
                            .eq(data.test.labels)
                            .to(torch::kFloat64)
                            .mean()
                            .item<double>();
    const Shape s = shapes[size_t(head.tap_layers[k])];
    exit_rows.push_back({{"exit", k},
                         {"layer", net.layers[size_t(head.tap_layers[k])].name},
                         {"tap_shape", {s.c, s.h, s.w}},
                         {"grid", {head.grid_h[k], head.grid_w[k]}},
                         {"features", head.weights[k].size(1)},
                         {"gnet_val_accuracy", val},
                         {"gnet_test_accuracy", test}});
  }
  const int64_t classes = net.classes;
  // FORMAT.md: i16 weights per tap, one i32 bias per class, and a 16-byte tap record per exit.
  const int64_t gnet_bytes = head_bytes(gnet_weights, classes) + 16 * exits;
  r.report = {{"exits", exit_rows},
              {"grid", grid},
              {"backbone_test_accuracy", accuracy(net, data.test)},
              {"gnet_parameters", head.parameter_count()},
              {"gnet_bytes", gnet_bytes},
              {"train",
               {{"epochs", options.epochs},
                {"batch_size", options.batch_size},
                {"learning_rate", options.learning_rate},
                {"seed", options.seed}}}};
  if (log) *log << "gnet: " << exits << " exits, " << gnet_bytes << " bytes\n";

  if (compare_per_tap_heads) {
    // Conventional multi-exit: an independent dense head per tap on the full tap output.
    auto full = [&](const torch::Tensor& x) {
      std::vector<torch::Tensor> taps;
      net.forward(x, &taps);
      for (auto& t : taps) t = t.flatten(1);
      return taps;
    };
    const auto train_full = split_features(full, data.train);
    const auto test_full = split_features(full, data.test);
    int64_t per_tap_bytes = 0;
    for (int64_t k = 0; k < exits; ++k) {
      const int64_t features = train_full[k].size(1);
      torch::Tensor w = init_uniform(classes, features, features).set_requires_grad(true);
      torch::Tensor b = torch::zeros({classes}).set_requires_grad(true);
      TrainOptions t = options;
      t.seed = options.seed + 101 * uint64_t(k + 1);
      train_loop(
          {w, b}, [&](const torch::Tensor& x, int64_t) { return torch::linear(x, w, b); },
          feature_split(train_full[k], data.train), t);
      torch::NoGradGuard no_grad;
      const double test = torch::linear(test_full[k], w, b)
                              .argmax(1)
                              .eq(data.test.labels)
                              .to(torch::kFloat64)
                              .mean()
                              .item<double>();
      const int64_t bytes = head_bytes(w.numel(), classes);
      per_tap_bytes += bytes;
      exit_rows[size_t(k)]["per_tap_head_test_accuracy"] = test;
      exit_rows[size_t(k)]["per_tap_head_bytes"] = bytes;
    }
    r.report["exits"] = exit_rows;
    r.report["per_tap_heads_bytes"] = per_tap_bytes;
    r.report["memory_ratio_per_tap_over_gnet"] = double(per_tap_bytes) / double(gnet_bytes);
    if (log)
      *log << "gnet: per-tap heads " << per_tap_bytes << " bytes ("
           << double(per_tap_bytes) / double(gnet_bytes) << "x)\n";
  }
  return r;
}

void save_gnet_head(const GnetHead& head, const std::string& path) {
  torch::serialize::OutputArchive a;
  a.write("tap_layers", torch::tensor(head.tap_layers, torch::kInt64));
  a.write("grid_h", torch::tensor(head.grid_h, torch::kInt64));
  a.write("grid_w", torch::tensor(head.grid_w, torch::kInt64));
  for (size_t k = 0; k < head.weights.size(); ++k)
    a.write("w" + std::to_string(k), head.weights[k]);
  a.write("bias", head.bias);
  a.save_to(path);
}

GnetHead load_gnet_head(const std::string& path) {
  torch::serialize::InputArchive a;
  try {
    a.load_from(path);
  } catch (const c10::Error& e) {
    throw std::runtime_error(path + ": not a gNet head archive (" +
                             std::string(e.what_without_backtrace()) + ")");
  }
  auto vec = [&](const char* key) {
    torch::Tensor t;
    a.read(key, t);
    return std::vector<int64_t>(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel());
  };
  GnetHead h;
  h.tap_layers = vec("tap_layers");
  h.grid_h = vec("grid_h");
  h.grid_w = vec("grid_w");
  for (size_t k = 0; k < h.tap_layers.size(); ++k) {
    torch::Tensor w;
    a.read("w" + std::to_string(k), w);
    h.weights.push_back(w);
  }
  a.read("bias", h.bias);
  return h;
}

}  // namespace freeml

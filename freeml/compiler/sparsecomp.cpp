#include "freeml/compiler/sparsecomp.h"

#include <algorithm>
#include <chrono>

#include "freeml/compiler/decompose.h"
#include "freeml/compiler/prune.h"

namespace freeml {

namespace {

Layer thin_layer(const Layer& original, const std::string& suffix, Op op, int64_t in, int64_t out,
                 int64_t kernel, int64_t stride, int64_t padding, const torch::Tensor& weight,
                 const torch::Tensor& bias) {
  Layer l;
  l.op = op;
  l.name = original.name + "." + suffix;
  l.origin = original.origin;
  l.in = in;
  l.out = out;
  l.kernel = kernel;
  l.stride = stride;
  l.padding = padding;
  l.weight = weight.detach().clone().set_requires_grad(true);
  if (bias.defined()) l.bias = bias.detach().clone().set_requires_grad(true);
  return l;
}

nlohmann::json layer_table(const Net& net) {
  nlohmann::json rows = nlohmann::json::array();
  for (const Layer& l : net.layers) {
    if (!l.has_weights()) continue;
    const int64_t nonzero = l.weight.ne(0).sum().item<int64_t>();
    rows.push_back({{"name", l.name},
                    {"origin", l.origin},
                    {"op", op_name(l.op)},
                    {"in", l.in},
                    {"out", l.out},
                    {"kernel", l.kernel},
                    {"params", l.weight.numel() + (l.bias.defined() ? l.bias.numel() : 0)},
                    {"nonzero_weights", nonzero},
                    {"density", l.density},
                    {"sparsity", 1.0 - double(nonzero) / double(l.weight.numel())}});
  }
  return rows;
}

// Emitted-layer bytes per net layer index (weights + bias as stored in the blob).
std::vector<size_t> stored_bytes_per_layer(const Net& net, const torch::Tensor& calibration) {
  const Lowered lowered = lower(net, nullptr, calibration);
  const Footprint f = footprint(lowered.model);
  std::vector<size_t> bytes(net.layers.size(), 0);
  for (size_t i = 0; i < net.layers.size(); ++i) {
    if (!net.layers[i].has_weights()) continue;
    const auto& row = f.layers.at(size_t(lowered.emitted_of[i]));
    bytes[i] = row.at("weight_bytes").get<size_t>() + row.at("bias_bytes").get<size_t>();
  }
  return bytes;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Budget measure(const Net& net, const torch::Tensor& calibration_images) {
  const Footprint f = footprint(lower(net, nullptr, calibration_images).model);
  return {f.blob_bytes, 4 * f.max_act_words, 2 * f.peak_pair_words};
}

bool separate_layer(Net& net, size_t index, const std::string& rank_rule, nlohmann::json* ranks) {
  const Layer original = net.layers.at(index);
  std::vector<Layer> replacement;
  const int64_t before = original.weight.numel();
  if (original.op == Op::Linear) {
    const int64_t r = choose_rank(original.weight, rank_rule);
    if (r * (original.in + original.out) >= before) return false;
    const SvdFactors f = truncated_svd(original.weight, r);
    replacement.push_back(
        thin_layer(original, "v", Op::Linear, original.in, r, 0, 1, 0, f.first, {}));
    replacement.push_back(
        thin_layer(original, "u", Op::Linear, r, original.out, 0, 1, 0, f.second, original.bias));
    if (ranks) *ranks = {{"rank", r}};
  } else if (original.op == Op::Conv2d) {
    const int64_t k = original.kernel;
    const int64_t r_out = choose_rank(unfold(original.weight, 0), rank_rule);
    const int64_t r_in = choose_rank(unfold(original.weight, 1), rank_rule);
    // A factor of full rank is the identity up to a rotation: leave that 1x1 out.
    const bool use_first = r_in < original.in, use_last = r_out < original.out;
    const int64_t core_in = use_first ? r_in : original.in;
    const int64_t core_out = use_last ? r_out : original.out;
    const int64_t after = (use_first ? r_in * original.in : 0) + core_out * core_in * k * k +
                          (use_last ? original.out * r_out : 0);
    if (after >= before) return false;
    Tucker2Factors f = tucker2(original.weight, core_out, core_in);
    // With a factor left out, fold its (orthogonal, full-rank) rotation back into the core.
    if (!use_first) f.core = torch::einsum("rskl,si->rikl", {f.core, f.first});
    if (!use_last) f.core = torch::einsum("rskl,or->oskl", {f.core, f.last});
    if (use_first) {
      replacement.push_back(thin_layer(original, "in", Op::Conv2d, original.in, r_in, 1, 1, 0,
                                       f.first.unsqueeze(2).unsqueeze(3), {}));
    }
    replacement.push_back(thin_layer(original, "core", Op::Conv2d, core_in, core_out, k,
                                     original.stride, original.padding, f.core,
                                     use_last ? torch::Tensor() : original.bias));
    if (use_last) {
      replacement.push_back(thin_layer(original, "out", Op::Conv2d, r_out, original.out, 1, 1, 0,
                                       f.last.unsqueeze(2).unsqueeze(3), original.bias));
    }
    if (ranks) *ranks = {{"rank_in", core_in}, {"rank_out", core_out}};
  } else {
    return false;
  }
  net.layers.erase(net.layers.begin() + int64_t(index));
  net.layers.insert(net.layers.begin() + int64_t(index), replacement.begin(), replacement.end());
  net.shapes();
  return true;
}

SparseCompResult sparsecomp(const Net& baseline, const Dataset& data, const SparseCompOptions& o,
                            std::ostream* log) {
  const auto start = std::chrono::steady_clock::now();
  const torch::Tensor calibration =
      data.train.images.slice(0, 0, std::min<int64_t>(o.calibration_count, data.train.size()));
  const size_t target_bytes = size_t(o.target_kb * 1024);
  const size_t activation_budget = size_t(o.activation_budget_kb * 1024);
  auto fits = [&](const Budget& b) {
    return b.blob_bytes <= target_bytes && b.activation_bytes <= activation_budget;
  };

  SparseCompResult result;
  Net net = baseline.clone();
  TrainOptions train = o.train;
  uint64_t retrain_calls = 0;
  // Each retraining call shuffles with its own seed so runs are reproducible step by step.
  auto retrain = [&](Net& n, int64_t batches) {
    TrainOptions t = train;
    t.max_batches = batches;
    t.epochs = int(batches * t.batch_size / std::max<int64_t>(1, data.train.size())) + 1;
    t.seed = train.seed * 1000003u + ++retrain_calls;
    train_net(n, data.train, t, [&] { impose_sparsity(n); });
  };

  nlohmann::json steps = nlohmann::json::array();
  double accuracy_now = accuracy(net, data.val);
  auto record = [&](const std::string& action, const nlohmann::json& detail, double acc,
                    bool accepted) {
    const Budget b = measure(net, calibration);
    nlohmann::json step = {{"step", steps.size()},
                           {"action", action},
                           {"detail", detail},
                           {"accepted", accepted},
                           {"val_accuracy", acc},
                           {"blob_bytes", b.blob_bytes},
                           {"activation_bytes", b.activation_bytes},
                           {"parameters", net.parameter_count()},
                           {"layers", layer_table(net)},
                           {"seconds", seconds_since(start)}};
    if (log) {
      *log << "sparsecomp step " << steps.size() << ": " << action << " " << detail.dump()
           << " -> val " << acc << ", blob " << b.blob_bytes << " B, activations "
           << b.activation_bytes << " B" << (accepted ? "" : " (undone)") << "\n";
    }
    steps.push_back(step);
  };
  record("baseline", {}, accuracy_now, true);

  // (1) Layer separation, largest layer first, while the model does not fit.
  if (o.separate) {
    std::vector<std::string> order;
    {
      std::vector<const Layer*> weighted;
      for (const Layer& l : net.layers) {
        if (l.has_weights()) weighted.push_back(&l);
      }
      std::stable_sort(weighted.begin(), weighted.end(), [](const Layer* a, const Layer* b) {
        return a->weight.numel() > b->weight.numel();
      });
      for (const Layer* l : weighted) order.push_back(l->name);
    }
    for (const std::string& name : order) {
      if (fits(measure(net, calibration))) break;
      size_t index = 0;
      while (net.layers[index].name != name) ++index;
      Net candidate = net.clone();
      nlohmann::json ranks;
      if (!separate_layer(candidate, index, o.rank_rule, &ranks)) {
        record("separate", {{"layer", name}, {"result", "no parameter saving at the chosen rank"}},
               accuracy_now, false);
        continue;
      }
      if (measure(candidate, calibration).activation_bytes > activation_budget) {
        record("separate",
               {{"layer", name}, {"ranks", ranks}, {"result", "activations over budget"}},
               accuracy_now, false);
        continue;
      }
      retrain(candidate, o.separation_batches);
      const double acc = accuracy(candidate, data.val);
      const bool accepted = accuracy_now - acc < o.fragile_drop;
      if (accepted) {
        net = candidate;
        accuracy_now = acc;
      }
      nlohmann::json detail = {{"layer", name}, {"ranks", ranks}, {"rank_rule", o.rank_rule}};
      record("separate", detail, acc, accepted);
    }
  }

  // (2) Sparsity while retraining, until the blob fits.
  std::vector<std::string> fragile;
  for (int step = 0; step < o.max_steps; ++step) {
    const Budget b = measure(net, calibration);
    if (fits(b)) break;
    if (b.activation_bytes > activation_budget) break;  // pruning cannot shrink activations
    const auto bytes = stored_bytes_per_layer(net, calibration);
    int64_t pick = -1;
    for (size_t i = 0; i < net.layers.size(); ++i) {
      const Layer& l = net.layers[i];
      if (!l.has_weights() || l.density <= o.min_density) continue;
      if (std::find(fragile.begin(), fragile.end(), l.name) != fragile.end()) continue;
      if (pick < 0 || bytes[i] > bytes[size_t(pick)]) pick = int64_t(i);
    }
    if (pick < 0) break;
    Net candidate = net.clone();
    Layer& layer = candidate.layers[size_t(pick)];
    const double density = next_density(layer.density);
    layer.density = density;
    impose_sparsity(candidate);
    retrain(candidate, o.retrain_batches);
    const double acc = accuracy(candidate, data.val);
    const bool accepted = accuracy_now - acc < o.fragile_drop;
    if (accepted) {
      net = candidate;
      accuracy_now = acc;
    } else {
      fragile.push_back(layer.name);
    }
    record("sparsify", {{"layer", layer.name}, {"density", density}, {"fragile", !accepted}}, acc,
           accepted);
  }

  // Final fine-tuning with the final densities.
  retrain(net, o.final_batches);
  impose_sparsity(net);
  accuracy_now = accuracy(net, data.val);
  record("finetune", {{"batches", o.final_batches}}, accuracy_now, true);

  const Budget final_budget = measure(net, calibration);
  result.fits = fits(final_budget);
  result.net = net;
  result.report = {{"target_bytes", target_bytes},
                   {"activation_budget_bytes", activation_budget},
                   {"fits", result.fits},
                   {"blob_bytes", final_budget.blob_bytes},
                   {"activation_bytes", final_budget.activation_bytes},
                   {"peak_pair_bytes", final_budget.peak_pair_bytes},
                   {"fragile_layers", fragile},
                   {"steps", steps},
                   {"seconds", seconds_since(start)}};
  return result;
}

}  // namespace freeml

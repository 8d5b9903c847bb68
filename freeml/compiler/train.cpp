#include "freeml/compiler/train.h"

#include <random>

namespace freeml {

double train_loop(const std::vector<torch::Tensor>& params, const ForwardFn& forward,
                  const Split& data, const TrainOptions& options, const StepHook& after_step,
                  std::ostream* log) {
  torch::optim::Adam optimizer(params, torch::optim::AdamOptions(options.learning_rate));
  const int64_t n = data.size();
  const int64_t batches_per_epoch = (n + options.batch_size - 1) / options.batch_size;
  std::mt19937_64 rng(options.seed);
  std::vector<int64_t> order(n);
  int64_t step = 0;
  double last_epoch_loss = 0.0;
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    for (int64_t i = 0; i < n; ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
    const auto perm = torch::tensor(order, torch::kInt64);
    double loss_sum = 0.0;
    int64_t loss_count = 0;
    for (int64_t b = 0; b < batches_per_epoch; ++b) {
      if (options.max_batches > 0 && step >= options.max_batches) break;
      const auto idx =
          perm.slice(0, b * options.batch_size, std::min(n, (b + 1) * options.batch_size));
      const auto x = data.images.index_select(0, idx);
      const auto y = data.labels.index_select(0, idx);
      optimizer.zero_grad();
      const auto loss = torch::nn::functional::cross_entropy(forward(x, step), y);
      loss.backward();
      optimizer.step();
      if (after_step) {
        torch::NoGradGuard no_grad;
        after_step();
      }
      loss_sum += loss.item<double>();
      ++loss_count;
      ++step;
    }
    last_epoch_loss = loss_count ? loss_sum / loss_count : 0.0;
    if (log) *log << "  epoch " << epoch + 1 << ": mean loss " << last_epoch_loss << "\n";
    if (options.max_batches > 0 && step >= options.max_batches) break;
  }
  return last_epoch_loss;
}

double train_net(Net& net, const Split& data, const TrainOptions& options,
                 const StepHook& after_step, std::ostream* log) {
  net.set_requires_grad(true);
  return train_loop(
      net.parameters(), [&](const torch::Tensor& x, int64_t) { return net.forward(x); }, data,
      options, after_step, log);
}

torch::Tensor predict(const std::function<torch::Tensor(const torch::Tensor&)>& forward,
                      const Split& data, int64_t batch_size) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < data.size(); start += batch_size) {
    const auto x = data.images.slice(0, start, std::min(data.size(), start + batch_size));
    parts.push_back(forward(x).argmax(1));
  }
  return torch::cat(parts);
}

double accuracy_of(const torch::Tensor& predictions, const Split& data) {
  return predictions.eq(data.labels).to(torch::kFloat64).mean().item<double>();
}

double accuracy(const Net& net, const Split& data) {
  return accuracy_of(predict([&](const torch::Tensor& x) { return net.forward(x); }, data), data);
}

}  // namespace freeml

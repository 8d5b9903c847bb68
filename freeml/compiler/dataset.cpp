#include "freeml/compiler/dataset.h"

#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>

#include "freeml/compiler/core/idx.h"

namespace freeml {

namespace {

Split read_split(const std::string& dir, const std::string& prefix) {
  const std::string images_path = dir + "/" + prefix + "-images-idx3-ubyte";
  const std::string labels_path = dir + "/" + prefix + "-labels-idx1-ubyte";
  for (const auto& p : {images_path, labels_path}) {
    if (!std::filesystem::exists(p)) {
      throw std::runtime_error(p +
                               ": not found (run scripts/fetch-datasets, or set EHSIM_DATA_DIR)");
    }
  }
  IdxArray images = read_idx(images_path);
  IdxArray labels = read_idx(labels_path);
  if (images.dims.size() != 3)
    throw std::runtime_error(images_path + ": expected 3 dimensions (N, H, W)");
  if (labels.dims.size() != 1) throw std::runtime_error(labels_path + ": expected 1 dimension (N)");
  if (images.dims[0] != labels.dims[0]) {
    throw std::runtime_error(images_path + ": " + std::to_string(images.dims[0]) + " images but " +
                             labels_path + " has " + std::to_string(labels.dims[0]) + " labels");
  }
  const int64_t n = images.dims[0], h = images.dims[1], w = images.dims[2];
  Split s;
  s.pixels = torch::from_blob(images.data.data(), {n, h, w}, torch::kUInt8).clone();
  s.labels = torch::from_blob(labels.data.data(), {n}, torch::kUInt8).to(torch::kInt64);
  if (s.labels.max().item<int64_t>() > 9) throw std::runtime_error(labels_path + ": label above 9");
  s.images = s.pixels.to(torch::kFloat32).div(256.0).unsqueeze(1);
  return s;
}

Split take(const Split& s, const torch::Tensor& index) {
  return {s.images.index_select(0, index), s.labels.index_select(0, index),
          s.pixels.index_select(0, index)};
}

}  // namespace

std::string default_data_root() {
  if (const char* d = std::getenv("EHSIM_DATA_DIR"); d && *d) return d;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.cache/ehsim/datasets";
}

nlohmann::json Dataset::describe() const {
  return {{"name", name},
          {"split_seed", options.seed},
          {"val_count", options.val_count},
          {"train_count", train.size()},
          {"test_count", test.size()},
          {"test_split", "official t10k, first " + std::to_string(test.size()) + " in file order"},
          {"val_split",
           "std::mt19937_64(split_seed) Fisher-Yates permutation of the official training split; "
           "the first val_count indices are validation, the rest training"}};
}

Dataset load_dataset(const std::string& name, const std::string& root,
                     const SplitOptions& options) {
  if (name != "mnist" && name != "fashion-mnist") {
    throw std::invalid_argument("unknown dataset '" + name + "' (mnist, fashion-mnist)");
  }
  Dataset d;
  d.name = name;
  d.dir = root + "/" + name;
  d.options = options;
  Split full = read_split(d.dir, "train");
  d.test = read_split(d.dir, "t10k");
  if (options.test_limit > 0 && options.test_limit < d.test.size()) {
    d.test = take(d.test, torch::arange(options.test_limit));
  }

  // Our own permutation (not torch::randperm) so the split does not depend on torch's generator
  // state or version.
  const int64_t n = full.size();
  if (options.val_count <= 0 || options.val_count >= n) {
    throw std::invalid_argument("validation count must be in 1.." + std::to_string(n - 1));
  }
  std::vector<int64_t> order(n);
  for (int64_t i = 0; i < n; ++i) order[i] = i;
  std::mt19937_64 rng(options.seed);
  for (int64_t i = n - 1; i > 0; --i) {
    std::swap(order[i], order[std::uniform_int_distribution<int64_t>(0, i)(rng)]);
  }
  auto index = torch::tensor(order, torch::kInt64);
  d.val = take(full, index.slice(0, 0, options.val_count));
  int64_t train_end = n;
  if (options.train_limit > 0) train_end = std::min(n, options.val_count + options.train_limit);
  d.train = take(full, index.slice(0, options.val_count, train_end));
  return d;
}

}  // namespace freeml

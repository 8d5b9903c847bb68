// MNIST-style datasets as tensors: the official test split untouched, and a validation split
// carved from the official training split by a seeded permutation.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace freeml {

// Pixels are scaled by 1/256 (not 1/255) so that the firmware's input is the raw byte read as a
// fixed-point number with 8 fraction bits: float input and quantized input are then identical.
constexpr int kInputFracBits = 8;

struct Split {
  torch::Tensor images;  // float [N, 1, H, W], pixel / 256
  torch::Tensor labels;  // int64 [N]
  torch::Tensor pixels;  // uint8 [N, H, W], the raw bytes (for the sample export)
  int64_t size() const { return labels.size(0); }
};

struct SplitOptions {
  uint64_t seed = 1;
  int64_t val_count = 5000;  // carved from the official training split
  int64_t train_limit = 0;   // 0 = all remaining training samples (a smoke test uses fewer)
  int64_t test_limit = 0;    // 0 = the whole official test split
};

struct Dataset {
  std::string name;  // "mnist" or "fashion-mnist"
  std::string dir;
  SplitOptions options;
  Split train, val, test;
  nlohmann::json describe() const;  // what a report needs to reproduce the split
};

// ${EHSIM_DATA_DIR:-$HOME/.cache/ehsim/datasets}, where scripts/fetch-datasets puts them.
std::string default_data_root();

// Loads <root>/<name>/{train,t10k}-{images-idx3,labels-idx1}-ubyte. Throws std::runtime_error
// (naming the file and suggesting scripts/fetch-datasets) when a file is missing or malformed.
Dataset load_dataset(const std::string& name, const std::string& root, const SplitOptions& options);

}  // namespace freeml

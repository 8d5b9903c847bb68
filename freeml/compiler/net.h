// The compiler's network representation: a plain sequence of layers whose tensors are libtorch
// tensors. SparseComp rewrites the sequence (layer separation) and the masks (sparsity), gNet reads
// the outputs of the layers marked as taps, and the emitter walks it layer by layer, so a flat list
// is the one shape every stage agrees on.
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace freeml {

enum class Op { Conv2d, Linear, ReLU, MaxPool2d, Flatten };

const char* op_name(Op op);
Op op_from_name(const std::string& name);  // throws std::invalid_argument

struct Layer {
  Op op = Op::ReLU;
  std::string name;    // unique in the net, e.g. "fc1" or "fc1.v" after separation
  std::string origin;  // the baseline layer this one was separated from (== name if not)
  int64_t in = 0;      // input channels (conv) or features (linear)
  int64_t out = 0;     // output channels or features
  int64_t kernel = 0;  // conv kernel side, or pooling window side
  int64_t stride = 1;
  int64_t padding = 0;
  torch::Tensor weight;  // conv [out, in, k, k], linear [out, in]; undefined for other ops
  torch::Tensor bias;    // [out] or undefined (separated inner layers have none)
  double density = 1.0;  // fraction of weights kept by iterative hard thresholding
  bool tap = false;      // this layer's output is a gNet exit point
  bool has_weights() const { return op == Op::Conv2d || op == Op::Linear; }
};

struct Shape {
  int64_t c = 0, h = 0, w = 0;  // a flat vector is {features, 1, 1}
  int64_t count() const { return c * h * w; }
};

struct Net {
  std::string arch;  // "lenet", "cnn3", or "imported"
  Shape input;
  int64_t classes = 0;
  std::vector<Layer> layers;

  // Runs the net on a batch [N, C, H, W]. When `taps` is given it receives the output of every
  // layer marked `tap`, in order.
  torch::Tensor forward(const torch::Tensor& x, std::vector<torch::Tensor>* taps = nullptr) const;
  // Output shape of every layer (index i = after layers[i]); checks the layers chain.
  std::vector<Shape> shapes() const;
  std::vector<torch::Tensor> parameters() const;
  void set_requires_grad(bool on);
  Net clone() const;  // deep copy of every tensor
  int64_t parameter_count() const;

  nlohmann::json arch_json() const;                    // everything but the tensors
  static Net from_arch_json(const nlohmann::json& j);  // tensors left undefined
};

// Builds a freshly initialised baseline ("lenet" or "cnn3") for 1x28x28 inputs and 10 classes.
// Initialisation draws from torch's global generator, so seed it first.
Net make_arch(const std::string& arch);

}  // namespace freeml

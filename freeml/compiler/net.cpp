#include "freeml/compiler/net.h"

#include <stdexcept>

namespace freeml {

namespace {

Layer conv(const std::string& name, int64_t in, int64_t out, int64_t k, int64_t stride,
           int64_t padding) {
  Layer l;
  l.op = Op::Conv2d;
  l.name = l.origin = name;
  l.in = in;
  l.out = out;
  l.kernel = k;
  l.stride = stride;
  l.padding = padding;
  torch::nn::Conv2d m(torch::nn::Conv2dOptions(in, out, k).stride(stride).padding(padding));
  l.weight = m->weight.detach().clone();
  l.bias = m->bias.detach().clone();
  return l;
}

Layer linear(const std::string& name, int64_t in, int64_t out) {
  Layer l;
  l.op = Op::Linear;
  l.name = l.origin = name;
  l.in = in;
  l.out = out;
  torch::nn::Linear m(in, out);
  l.weight = m->weight.detach().clone();
  l.bias = m->bias.detach().clone();
  return l;
}

Layer simple(Op op, const std::string& name, bool tap = false, int64_t k = 0) {
  Layer l;
  l.op = op;
  l.name = l.origin = name;
  l.kernel = k;
  l.stride = k > 0 ? k : 1;
  l.tap = tap;
  return l;
}

}  // namespace

const char* op_name(Op op) {
  switch (op) {
    case Op::Conv2d:
      return "conv2d";
    case Op::Linear:
      return "linear";
    case Op::ReLU:
      return "relu";
    case Op::MaxPool2d:
      return "maxpool2d";
    case Op::Flatten:
      return "flatten";
  }
  return "?";
}

Op op_from_name(const std::string& name) {
  for (Op op : {Op::Conv2d, Op::Linear, Op::ReLU, Op::MaxPool2d, Op::Flatten}) {
    if (name == op_name(op)) return op;
  }
  throw std::invalid_argument("unknown layer op '" + name + "'");
}

torch::Tensor Net::forward(const torch::Tensor& x, std::vector<torch::Tensor>* taps) const {
  torch::Tensor y = x;
  for (const Layer& l : layers) {
    switch (l.op) {
      case Op::Conv2d:
        y = torch::conv2d(y, l.weight, l.bias, l.stride, l.padding);
        break;
      case Op::Linear:
        y = torch::linear(y, l.weight, l.bias);
        break;
      case Op::ReLU:
        y = torch::relu(y);
        break;
      case Op::MaxPool2d:
        y = torch::max_pool2d(y, l.kernel, l.stride);
        break;
      case Op::Flatten:
        y = y.flatten(1);
        break;
    }
    if (taps && l.tap) taps->push_back(y);
  }
  return y;
}

std::vector<Shape> Net::shapes() const {
  std::vector<Shape> out;
  Shape s = input;
  for (const Layer& l : layers) {
    switch (l.op) {
      case Op::Conv2d:
        if (s.c != l.in)
          throw std::invalid_argument(l.name + ": expects " + std::to_string(l.in) +
                                      " input channels, gets " + std::to_string(s.c));
        s = {l.out, (s.h + 2 * l.padding - l.kernel) / l.stride + 1,
             (s.w + 2 * l.padding - l.kernel) / l.stride + 1};
        break;
      case Op::Linear:
        if (s.count() != l.in || s.h != 1 || s.w != 1) {
          throw std::invalid_argument(l.name + ": expects a flat vector of " +
                                      std::to_string(l.in) + " features");
        }
        s = {l.out, 1, 1};
        break;
      case Op::ReLU:
        break;
      case Op::MaxPool2d:
        s = {s.c, (s.h - l.kernel) / l.stride + 1, (s.w - l.kernel) / l.stride + 1};
        break;
      case Op::Flatten:
        s = {s.count(), 1, 1};
        break;
    }
    out.push_back(s);
  }
  return out;
}

std::vector<torch::Tensor> Net::parameters() const {
  std::vector<torch::Tensor> out;
  for (const Layer& l : layers) {
    if (l.weight.defined()) out.push_back(l.weight);
    if (l.bias.defined()) out.push_back(l.bias);
  }
  return out;
}

void Net::set_requires_grad(bool on) {
  for (torch::Tensor& t : parameters()) t.set_requires_grad(on);
}

Net Net::clone() const {
  Net n = *this;
  for (Layer& l : n.layers) {
    if (l.weight.defined()) l.weight = l.weight.detach().clone().set_requires_grad(true);
    if (l.bias.defined()) l.bias = l.bias.detach().clone().set_requires_grad(true);
  }
  return n;
}

int64_t Net::parameter_count() const {
  int64_t n = 0;
  for (const torch::Tensor& t : parameters()) n += t.numel();
  return n;
}

nlohmann::json Net::arch_json() const {
  nlohmann::json j;
  j["arch"] = arch;
  j["input"] = {input.c, input.h, input.w};
  j["classes"] = classes;
  for (const Layer& l : layers) {
    j["layers"].push_back({{"op", op_name(l.op)},
                           {"name", l.name},
                           {"origin", l.origin},
                           {"in", l.in},
                           {"out", l.out},
                           {"kernel", l.kernel},
                           {"stride", l.stride},
                           {"padding", l.padding},
                           {"bias", l.bias.defined()},
                           {"density", l.density},
                           {"tap", l.tap}});
  }
  return j;
}

Net Net::from_arch_json(const nlohmann::json& j) {
  Net n;
  n.arch = j.at("arch").get<std::string>();
  n.input = {j.at("input").at(0).get<int64_t>(), j.at("input").at(1).get<int64_t>(),
             j.at("input").at(2).get<int64_t>()};
  n.classes = j.at("classes").get<int64_t>();
  for (const auto& lj : j.at("layers")) {
    Layer l;
    l.op = op_from_name(lj.at("op").get<std::string>());
    l.name = lj.at("name").get<std::string>();
    l.origin = lj.at("origin").get<std::string>();
    l.in = lj.at("in").get<int64_t>();
    l.out = lj.at("out").get<int64_t>();
    l.kernel = lj.at("kernel").get<int64_t>();
    l.stride = lj.at("stride").get<int64_t>();
    l.padding = lj.at("padding").get<int64_t>();
    l.density = lj.at("density").get<double>();
    l.tap = lj.at("tap").get<bool>();
    n.layers.push_back(l);
  }
  return n;
}

Net make_arch(const std::string& arch) {
  Net n;
  n.arch = arch;
  n.input = {1, 28, 28};
  n.classes = 10;
  auto& L = n.layers;
  if (arch == "lenet") {
    // LeNet-5 with a stride-2 first convolution in place of conv + 2x2 pooling: the classic
    // conv1 output (6x24x24 = 3456 words) alone would exceed a 4 KB activation budget, this one
    // keeps every layer's input + output under 2048 words.
    // 1x28x28 -> 6x12x12 -> 16x8x8 -> 16x4x4 -> 120 -> 84 -> 10.
    L.push_back(conv("conv1", 1, 6, 5, 2, 0));
    L.push_back(simple(Op::ReLU, "relu1", true));
    L.push_back(conv("conv2", 6, 16, 5, 1, 0));
    L.push_back(simple(Op::ReLU, "relu2"));
    L.push_back(simple(Op::MaxPool2d, "pool2", true, 2));
    L.push_back(simple(Op::Flatten, "flatten"));
    L.push_back(linear("fc1", 256, 120));
    L.push_back(simple(Op::ReLU, "relu3", true));
    L.push_back(linear("fc2", 120, 84));
    L.push_back(simple(Op::ReLU, "relu4", true));
    L.push_back(linear("fc3", 84, 10));
  } else if (arch == "cnn3") {
    // All-convolutional with strides instead of pooling. Six first-layer channels keep its
    // output (6x12x12 = 864 words) and so both activation buffers inside a 4 KB budget; eight
    // would need 1152 words per buffer. 1x28x28 -> 6x12x12 -> 16x5x5 -> 32x3x3 -> 64 -> 10.
    L.push_back(conv("conv1", 1, 6, 5, 2, 0));
    L.push_back(simple(Op::ReLU, "relu1", true));
    L.push_back(conv("conv2", 6, 16, 3, 2, 0));
    L.push_back(simple(Op::ReLU, "relu2", true));
    L.push_back(conv("conv3", 16, 32, 3, 1, 0));
    L.push_back(simple(Op::ReLU, "relu3", true));
    L.push_back(simple(Op::Flatten, "flatten"));
    L.push_back(linear("fc1", 288, 64));
    L.push_back(simple(Op::ReLU, "relu4", true));
    L.push_back(linear("fc2", 64, 10));
  } else if (arch == "wide5") {
    // A model for upper FRAM (issue 16): some 117 k weights (233 KB as dense i16 before
    // compression) and five gNet taps. Every output stays within the engine's 5120-word
    // activation buffers (conv2's 32x12x12 = 4608 words is the largest).
    // 1x28x28 -> 16x12x12 -> 32x12x12 -> 32x6x6 -> 64x6x6 -> 64x6x6 -> 64x3x3 -> 96 -> 10.
    L.push_back(conv("conv1", 1, 16, 5, 2, 0));
    L.push_back(simple(Op::ReLU, "relu1", true));
    L.push_back(conv("conv2", 16, 32, 3, 1, 1));
    L.push_back(simple(Op::ReLU, "relu2"));
    L.push_back(simple(Op::MaxPool2d, "pool2", true, 2));
    L.push_back(conv("conv3", 32, 64, 3, 1, 1));
    L.push_back(simple(Op::ReLU, "relu3", true));
    L.push_back(conv("conv4", 64, 64, 3, 1, 1));
    L.push_back(simple(Op::ReLU, "relu4"));
    L.push_back(simple(Op::MaxPool2d, "pool4", true, 2));
    L.push_back(simple(Op::Flatten, "flatten"));
    L.push_back(linear("fc1", 576, 96));
    L.push_back(simple(Op::ReLU, "relu5", true));
    L.push_back(linear("fc2", 96, 10));
  } else {
    throw std::invalid_argument("unknown architecture '" + arch + "' (lenet, cnn3, wide5)");
  }
  n.shapes();  // validates the chain
  n.set_requires_grad(true);
  return n;
}

}  // namespace freeml

#include "freeml/compiler/model_io.h"

#include <torch/script.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "freeml/compiler/onnx_import.h"

namespace freeml {

namespace {

constexpr const char* kArchAttribute = "freeml_arch";

std::string param_name(const Layer& l, const char* what) {
  std::string s = l.name + "_" + what;
  for (char& c : s) {
    if (c == '.') c = '_';
  }
  return s;
}

std::vector<int64_t> int_list(const c10::IValue& v, const std::string& what) {
  if (v.isInt()) return {v.toInt(), v.toInt()};
  if (v.isIntList()) return v.toIntVector();
  if (v.isTuple()) {
    std::vector<int64_t> out;
    for (const auto& e : v.toTupleRef().elements()) out.push_back(e.toInt());
    return out;
  }
  throw std::runtime_error(what + " is not an int or a pair of ints");
}

// A hyper-parameter of a scripted torch.nn module: a class constant when scripted.
c10::IValue module_setting(const torch::jit::Module& m, const std::string& module_name,
                           const std::string& key) {
  const auto type = m.type();
  if (type->hasConstant(key)) return type->getConstant(key);
  if (m.hasattr(key)) return m.attr(key);
  throw std::runtime_error("imported model: cannot read '" + key + "' of submodule '" +
                           module_name +
                           "' (export the model with torch.jit.script, not torch.jit.trace)");
}

int64_t square(const std::vector<int64_t>& v, const std::string& what) {
  if (v.size() != 2 || v[0] != v[1]) throw std::runtime_error(what + " must be square");
  return v[0];
}

// The importer reads a module's submodules, not its code: a forward() that calls functional ops
// (F.relu, torch.flatten) or its submodules in another order than they were registered would be
// imported as a different net without any error. So the imported net must compute what the
// module itself computes, on a probe input.
void check_forward_matches(const torch::jit::Module& root, const Net& net,
                           const std::vector<std::string>& modules) {
  torch::NoGradGuard no_grad;
  // A fixed probe in [0, 1], not drawn from torch's global generator (callers seed that).
  const int64_t n = 2;
  const torch::Tensor x = torch::arange(n * net.input.count(), torch::kFloat)
                              .mul(0.37)
                              .sin()
                              .add(1)
                              .mul(0.5)
                              .reshape({n, net.input.c, net.input.h, net.input.w});
  torch::Tensor theirs;
  std::string names;
  for (const auto& m : modules) names += (names.empty() ? "" : ", ") + m;
  try {
    torch::jit::Module m = root;  // forward() is not const; the copy shares the module
    theirs = m.forward({x}).toTensor();
  } catch (const c10::Error& e) {
    throw std::runtime_error("imported model: its forward() fails on a " + std::to_string(n) + "x" +
                             std::to_string(net.input.c) + "x" + std::to_string(net.input.h) + "x" +
                             std::to_string(net.input.w) + " input (" + e.what_without_backtrace() +
                             ")");
  }
  const torch::Tensor ours = net.forward(x);
  const bool same_shape = theirs.sizes() == ours.sizes();
  const double diff = same_shape ? (theirs - ours).abs().max().item<double>() : -1;
  if (!same_shape || diff > 1e-4 * (1 + theirs.abs().max().item<double>())) {
    throw std::runtime_error(
        "imported model: its submodules in registration order (" + names +
        ") do not compute what its forward() does (" +
        (same_shape ? "max difference " + std::to_string(diff) : std::string("other shape")) +
        "). forward() must call exactly those submodules in that order, and nothing else "
        "(functional calls such as F.relu or torch.flatten are invisible to the importer); or "
        "export the model to ONNX");
  }
}

Net import_foreign(const torch::jit::Module& root, const Shape& input) {
  Net net;
  net.arch = "imported";
  net.input = input;
  int index = 0;
  std::vector<std::string> modules;
  for (const auto& item : root.named_modules()) {
    const torch::jit::Module& m = item.value;
    if (m.children().size() > 0) continue;  // containers: their leaves follow
    const std::string type = m.type()->name() ? m.type()->name()->name() : "?";
    const std::string where = item.name.empty() ? type : item.name;
    modules.push_back(where);
    Layer l;
    l.name = l.origin = "l" + std::to_string(index++);
    if (type == "Conv2d") {
      l.op = Op::Conv2d;
      l.weight = m.attr("weight").toTensor().detach().clone();
      const auto bias = m.attr("bias");
      if (bias.isTensor()) l.bias = bias.toTensor().detach().clone();
      l.out = l.weight.size(0);
      l.in = l.weight.size(1);
      l.kernel = square(l.weight.sizes().slice(2).vec(), where + ": kernel");
      l.stride = square(int_list(module_setting(m, where, "stride"), where + ".stride"),
                        where + ".stride");
      const auto padding = module_setting(m, where, "padding");
      if (padding.isString()) throw std::runtime_error(where + ": string padding is not supported");
      l.padding = square(int_list(padding, where + ".padding"), where + ".padding");
      if (square(int_list(module_setting(m, where, "dilation"), where), where) != 1 ||
          module_setting(m, where, "groups").toInt() != 1) {
        throw std::runtime_error(where + ": dilated or grouped convolutions are not supported");
      }
    } else if (type == "Linear") {
      l.op = Op::Linear;
      l.weight = m.attr("weight").toTensor().detach().clone();
      const auto bias = m.attr("bias");
      if (bias.isTensor()) l.bias = bias.toTensor().detach().clone();
      l.out = l.weight.size(0);
      l.in = l.weight.size(1);
    } else if (type == "ReLU") {
      l.op = Op::ReLU;
    } else if (type == "MaxPool2d") {
      l.op = Op::MaxPool2d;
      l.kernel =
          square(int_list(module_setting(m, where, "kernel_size"), where), where + ".kernel_size");
      const auto stride = module_setting(m, where, "stride");
      l.stride = stride.isNone() ? l.kernel : square(int_list(stride, where), where + ".stride");
    } else if (type == "Flatten") {
      l.op = Op::Flatten;
    } else {
      throw std::runtime_error("imported model: submodule '" + where + "' of type " + type +
                               " is not supported (Conv2d, Linear, ReLU, MaxPool2d, Flatten)");
    }
    net.layers.push_back(l);
  }
  finish_import(&net);
  check_forward_matches(root, net, modules);
  return net;
}

}  // namespace

void finish_import(Net* net_ptr) {
  Net& net = *net_ptr;
  if (net.layers.empty() || !net.layers.back().has_weights()) {
    throw std::runtime_error("imported model: must end with a Linear (or Conv2d) classifier");
  }
  net.classes = net.layers.back().out;
  // Exit points: the end of every block, i.e. the last layer before each weighted layer but the
  // first.
  bool seen_weights = false;
  for (size_t i = 0; i + 1 < net.layers.size(); ++i) {
    seen_weights |= net.layers[i].has_weights();
    if (seen_weights && net.layers[i + 1].has_weights() && !net.layers[i].has_weights() &&
        net.layers[i].op != Op::Flatten) {
      net.layers[i].tap = true;
    } else if (seen_weights && net.layers[i].op == Op::Flatten && i > 0) {
      net.layers[i - 1].tap = true;
    }
  }
  try {
    net.shapes();
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string("imported model: ") + e.what());
  }
  net.set_requires_grad(true);
}

bool is_onnx_path(const std::string& path) {
  std::string ext = path.substr(std::min(path.size(), path.find_last_of('.')));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (ext == ".onnx") return true;
  if (ext == ".pt" || ext == ".pth" || ext == ".ptl" || ext == ".zip") return false;
  // Neither extension: TorchScript archives are zip files (local file header "PK\3\4").
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  if (!in.read(magic, 4)) return false;  // unreadable or tiny: the TorchScript error says so
  return !starts_like_zip(std::string(magic, 4));
}

bool starts_like_zip(const std::string& bytes) {
  return bytes.compare(0, 4, "PK\x03\x04") == 0;
}

std::string torchscript_forward(const Net& net) {
  std::ostringstream s;
  s << "def forward(self, x):\n";
  for (const Layer& l : net.layers) {
    const std::string bias = l.bias.defined() ? "self." + param_name(l, "bias") : "None";
    switch (l.op) {
      case Op::Conv2d:
        s << "    x = torch.conv2d(x, self." << param_name(l, "weight") << ", " << bias << ", ["
          << l.stride << ", " << l.stride << "], [" << l.padding << ", " << l.padding << "])\n";
        break;
      case Op::Linear:
        s << "    x = torch.linear(x, self." << param_name(l, "weight") << ", " << bias << ")\n";
        break;
      case Op::ReLU:
        s << "    x = torch.relu(x)\n";
        break;
      case Op::MaxPool2d:
        s << "    x = torch.max_pool2d(x, [" << l.kernel << ", " << l.kernel << "], [" << l.stride
          << ", " << l.stride << "])\n";
        break;
      case Op::Flatten:
        s << "    x = torch.flatten(x, 1)\n";
        break;
    }
  }
  s << "    return x\n";
  return s.str();
}

void save_net(const Net& net, const std::string& path) {
  torch::jit::Module m("FreemlNet");
  for (const Layer& l : net.layers) {
    if (l.weight.defined())
      m.register_parameter(param_name(l, "weight"), l.weight.detach().clone(), false);
    if (l.bias.defined())
      m.register_parameter(param_name(l, "bias"), l.bias.detach().clone(), false);
  }
  m.register_attribute(kArchAttribute, c10::StringType::get(), net.arch_json().dump());
  m.define(torchscript_forward(net));
  m.save(path);
}

Net load_net(const std::string& path, const Shape& input) {
  if (is_onnx_path(path)) return import_onnx(path, input);
  torch::jit::Module m;
  try {
    m = torch::jit::load(path);
  } catch (const c10::Error& e) {
    throw std::runtime_error(path + ": not a TorchScript archive (" +
                             std::string(e.what_without_backtrace()) + ")");
  }
  if (!m.hasattr(kArchAttribute)) {
    try {
      return import_foreign(m, input);
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(path + ": " + e.what());
    }
  }
  Net net = Net::from_arch_json(nlohmann::json::parse(m.attr(kArchAttribute).toStringRef()));
  for (Layer& l : net.layers) {
    if (!l.has_weights()) continue;
    l.weight = m.attr(param_name(l, "weight")).toTensor().detach().clone();
    if (m.hasattr(param_name(l, "bias")))
      l.bias = m.attr(param_name(l, "bias")).toTensor().detach().clone();
  }
  net.shapes();
  net.set_requires_grad(true);
  return net;
}

}  // namespace freeml

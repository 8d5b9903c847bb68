#include "freeml/compiler/onnx_import.h"

#include <stdexcept>

#ifdef FREEML_HAVE_ONNX

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/proto_utils.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <vector>

#include "freeml/compiler/model_io.h"

// ONNX stores raw_data little-endian (IR.md, "Tensor definition"); it is copied as is.
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the ONNX importer copies little-endian raw_data directly"
#endif

namespace freeml {

namespace {

// Opsets whose definitions of the supported operators import_onnx follows. Below 9, Flatten,
// Gemm and MaxPool had other defaults; above 17 is newer than libonnx 1.12's schemas (which the
// checker needs). The operators' semantics are the same throughout this range (Operators.md,
// "Changelog"): Reshape 14 only added allowzero, MaxPool 10-12 added ceil_mode and dilations.
constexpr int64_t kMinOpset = 9;
constexpr int64_t kMaxOpset = 17;
// Larger than any model the firmware's 16 KB could hold, small enough that a corrupt dimension
// cannot make the importer allocate gigabytes.
constexpr int64_t kMaxElements = int64_t(1) << 26;

const std::set<std::string>& supported() {
  static const std::set<std::string> ops = {"Conv",     "Gemm",    "MatMul",  "Add",
                                            "Relu",     "MaxPool", "Flatten", "Reshape",
                                            "Constant", "Identity"};
  return ops;
}

class Importer {
 public:
  Importer(std::string path, const Shape& fallback) : path_(std::move(path)), fallback_(fallback) {}

  Net run() {
    parse();
    check_header();
    check_ops();  // before the checker: a clear "not supported" beats a schema complaint
    try {
      onnx::checker::check_model(model_);
    } catch (const onnx::checker::ValidationError& e) {
      fail(std::string("invalid ONNX model: ") + e.what());
    }
    return map_graph();
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(path_ + ": " + what);
  }

  static std::string node_label(const onnx::NodeProto& n, int index) {
    return n.name().empty() ? "#" + std::to_string(index) : n.name();
  }

  [[noreturn]] void fail_node(const onnx::NodeProto& n, int index, const std::string& what) const {
    fail("node '" + node_label(n, index) + "' (" + n.op_type() + "): " + what);
  }

  void parse() {
    std::ifstream in(path_, std::ios::binary);
    if (!in) fail("cannot open file");
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    if (bytes.empty()) fail("empty file, not an ONNX model");
    if (!onnx::ParseProtoFromBytes(&model_, bytes.data(), bytes.size())) {
      // A TorchScript archive is a zip file; say so rather than only "cannot parse".
      if (starts_like_zip(bytes))
        fail("a zip archive (TorchScript?), not an ONNX model: name it .pt");
      fail("not a valid ONNX model (protobuf parsing failed: truncated or not ONNX)");
    }
  }

  void check_header() {
    if (!model_.has_graph() || model_.graph().node_size() == 0)
      fail("not an ONNX model (no graph with nodes; truncated?)");
    if (model_.ir_version() < 1 || model_.ir_version() > onnx::IR_VERSION) {
      fail("ir_version " + std::to_string(model_.ir_version()) + " is outside 1.." +
           std::to_string(onnx::IR_VERSION) + " (what libonnx " FREEML_ONNX_VERSION " reads)");
    }
    bool found = false;
    for (const auto& op : model_.opset_import()) {
      if (op.domain().empty() || op.domain() == "ai.onnx") {
        found = true;
        opset_ = op.version();
      }
    }
    if (!found) fail("no opset_import for the default ONNX domain");
    if (opset_ < kMinOpset || opset_ > kMaxOpset) {
      fail("opset " + std::to_string(opset_) + " is not supported (" + std::to_string(kMinOpset) +
           ".." + std::to_string(kMaxOpset) + "; torch.onnx.export(..., opset_version=13) works)");
    }
  }

  void check_ops() const {
    const auto& g = model_.graph();
    for (int i = 0; i < g.node_size(); ++i) {
      const auto& n = g.node(i);
      const bool default_domain = n.domain().empty() || n.domain() == "ai.onnx";
      if (!default_domain || !supported().count(n.op_type())) {
        fail("node '" + node_label(n, i) + "' (" +
             (default_domain ? n.op_type() : n.domain() + "." + n.op_type()) +
             ") is not supported; the engine supports: " + onnx_supported_ops());
      }
    }
  }

  // --- tensors -----------------------------------------------------------------------------

  torch::Tensor to_tensor(const onnx::TensorProto& p, const std::string& what) const {
    if (p.data_location() == onnx::TensorProto_DataLocation_EXTERNAL)
      fail(what + ": external tensor data is not supported (save the model in one file)");
    std::vector<int64_t> dims;
    int64_t count = 1;
    for (int64_t d : p.dims()) {
      if (d < 0 || (d > 0 && count > kMaxElements / d)) fail(what + ": bad dimensions");
      dims.push_back(d);
      count *= d;
    }
    const std::string& raw = p.raw_data();
    auto from_raw = [&](size_t width, torch::ScalarType type) {
      if (raw.size() != size_t(count) * width) {
        fail(what + ": holds " + std::to_string(raw.size()) + " bytes, its dimensions need " +
             std::to_string(size_t(count) * width));
      }
      torch::Tensor t = torch::empty(dims, type);
      if (count > 0) std::memcpy(t.data_ptr(), raw.data(), raw.size());
      return t;
    };
    auto from_field = [&](const auto& field, torch::ScalarType type) {
      if (field.size() != count) {
        fail(what + ": holds " + std::to_string(field.size()) + " values, its dimensions need " +
             std::to_string(count));
      }
      torch::Tensor t = torch::empty(dims, type);
      using T = typename std::decay_t<decltype(field)>::value_type;
      std::copy(field.begin(), field.end(), t.data_ptr<T>());
      return t;
    };
    switch (p.data_type()) {
      case onnx::TensorProto_DataType_FLOAT:
        return raw.empty() && count > 0 ? from_field(p.float_data(), torch::kFloat)
                                        : from_raw(4, torch::kFloat);
      case onnx::TensorProto_DataType_DOUBLE:
        return (raw.empty() && count > 0 ? from_field(p.double_data(), torch::kDouble)
                                         : from_raw(8, torch::kDouble))
            .to(torch::kFloat);
      case onnx::TensorProto_DataType_INT64:
        return raw.empty() && count > 0 ? from_field(p.int64_data(), torch::kLong)
                                        : from_raw(8, torch::kLong);
      default:
        fail(what + ": data type " + std::to_string(p.data_type()) +
             " is not supported (float32 weights expected)");
    }
  }

  // A node input that must be a constant (an initializer or a Constant node's output).
  const torch::Tensor& constant(const onnx::NodeProto& n, int index, int input,
                                const std::string& role) const {
    if (input >= n.input_size() || n.input(input).empty())
      fail_node(n, index, "missing its " + role);
    const auto it = constants_.find(n.input(input));
    if (it == constants_.end()) {
      fail_node(n, index,
                "its " + role + " '" + n.input(input) +
                    "' must be a constant (an initializer), not computed");
    }
    return it->second;
  }

  const torch::Tensor* optional_constant(const onnx::NodeProto& n, int index, int input,
                                         const std::string& role) const {
    if (input >= n.input_size() || n.input(input).empty()) return nullptr;
    return &constant(n, index, input, role);
  }

  // --- attributes --------------------------------------------------------------------------

  static const onnx::AttributeProto* attr(const onnx::NodeProto& n, const std::string& name) {
    for (const auto& a : n.attribute())
      if (a.name() == name) return &a;
    return nullptr;
  }
  static int64_t attr_int(const onnx::NodeProto& n, const std::string& name, int64_t def) {
    const auto* a = attr(n, name);
    return a ? a->i() : def;
  }
  static float attr_float(const onnx::NodeProto& n, const std::string& name, float def) {
    const auto* a = attr(n, name);
    return a ? a->f() : def;
  }
  static std::vector<int64_t> attr_ints(const onnx::NodeProto& n, const std::string& name,
                                        std::vector<int64_t> def) {
    const auto* a = attr(n, name);
    return a ? onnx::RetrieveValues<int64_t>(*a) : def;
  }

  // One value for a 2-D attribute given per axis (kernel, strides, pads): both axes must agree.
  int64_t square(const onnx::NodeProto& n, int index, const std::string& name,
                 const std::vector<int64_t>& v) const {
    if (v.empty()) fail_node(n, index, name + " is empty");
    for (int64_t x : v)
      if (x != v[0]) fail_node(n, index, name + " must be the same on every axis (square)");
    return v[0];
  }

  void check_auto_pad(const onnx::NodeProto& n, int index) const {
    const auto* a = attr(n, "auto_pad");
    if (a && a->s() != "NOTSET" && a->s() != "VALID")
      fail_node(n, index, "auto_pad " + a->s() + " is not supported (explicit pads are)");
  }

  // --- the graph ---------------------------------------------------------------------------

  Net map_graph() {
    const auto& g = model_.graph();
    for (const auto& init : g.initializer())
      constants_[init.name()] = to_tensor(init, "initializer '" + init.name() + "'");
    // The one non-constant graph input is the image. (Before IR 4, initializers were also listed
    // as inputs.)
    std::string current;
    Net net;
    net.arch = "imported";
    net.input = fallback_;
    for (const auto& in : g.input()) {
      if (constants_.count(in.name())) continue;
      if (!current.empty()) fail("the graph has several inputs; one image input is supported");
      current = in.name();
      const auto& type = in.type().tensor_type();
      if (type.elem_type() != onnx::TensorProto_DataType_FLOAT)
        fail("input '" + in.name() + "' is not float32");
      // [N, C, H, W] with known C, H, W gives the sample shape; symbolic ones keep the fallback.
      if (type.has_shape()) {
        const auto& dims = type.shape().dim();
        if (dims.size() != 4) fail("input '" + in.name() + "' is not 4-D [N, C, H, W]");
        if (dims[1].has_dim_value() && dims[2].has_dim_value() && dims[3].has_dim_value())
          net.input = {dims[1].dim_value(), dims[2].dim_value(), dims[3].dim_value()};
      }
    }
    if (current.empty()) fail("the graph has no input");

    bool matmul_open = false;  // the last layer came from a MatMul and may take an Add as bias
    for (int i = 0; i < g.node_size(); ++i) {
      const auto& n = g.node(i);
      const std::string& op = n.op_type();
      if (op == "Constant") {
        const auto* v = attr(n, "value");
        if (!v || !v->has_t() || n.output_size() != 1)
          fail_node(n, i, "only a Constant with a tensor 'value' is supported");
        constants_[n.output(0)] = to_tensor(v->t(), "Constant '" + node_label(n, i) + "'");
        continue;
      }
      if (op == "Identity") {
        // torch.onnx.export writes these for aliased initializers (e.g. a BatchNorm's buffers
        // after it folded the BatchNorm into the convolution), rarely on the data path.
        if (n.input_size() == 1 && n.output_size() == 1) {
          const auto it = constants_.find(n.input(0));
          if (it != constants_.end()) {
            const torch::Tensor value = it->second;
            constants_[n.output(0)] = value;
            continue;
          }
          if (n.input(0) == current) {
            current = n.output(0);
            continue;
          }
        }
        fail_node(n, i, "reads neither a constant nor the previous layer's output");
      }
      if (n.output_size() < 1) fail_node(n, i, "has no output");
      // A chain: the node reads the previous layer's output (for Add, either operand may).
      int data = 0;
      if (op == "Add" && n.input_size() == 2 && n.input(1) == current) data = 1;
      if (n.input_size() < 1 || n.input(data) != current) {
        fail_node(n, i,
                  "reads '" + (n.input_size() ? n.input(data) : std::string()) +
                      "', not the previous layer's output '" + current +
                      "': only a single chain of layers is supported");
      }
      if (op == "MaxPool" && n.output_size() > 1 && !n.output(1).empty())
        fail_node(n, i, "the Indices output is not supported");

      Layer l;
      if (op == "Conv") {
        const torch::Tensor& w = constant(n, i, 1, "weight");
        if (w.dim() != 4) fail_node(n, i, "only 2-D convolutions are supported");
        if (attr_int(n, "group", 1) != 1) fail_node(n, i, "grouped convolutions are not supported");
        check_auto_pad(n, i);
        if (square(n, i, "dilations", attr_ints(n, "dilations", {1, 1})) != 1)
          fail_node(n, i, "dilated convolutions are not supported");
        l.op = Op::Conv2d;
        l.weight = w.to(torch::kFloat).clone();
        l.out = w.size(0);
        l.in = w.size(1);
        if (w.size(2) != w.size(3)) fail_node(n, i, "the kernel must be square");
        l.kernel = w.size(2);
        const auto kernel = attr_ints(n, "kernel_shape", {l.kernel, l.kernel});
        if (kernel.size() != 2 || square(n, i, "kernel_shape", kernel) != l.kernel)
          fail_node(n, i, "kernel_shape disagrees with the weight");
        l.stride = square(n, i, "strides", attr_ints(n, "strides", {1, 1}));
        l.padding = square(n, i, "pads", attr_ints(n, "pads", {0, 0, 0, 0}));
        if (const torch::Tensor* b = optional_constant(n, i, 2, "bias")) {
          if (b->numel() != l.out) fail_node(n, i, "bias size differs from the output channels");
          l.bias = b->to(torch::kFloat).flatten().clone();
        }
      } else if (op == "Gemm") {
        if (attr_float(n, "alpha", 1.0f) != 1.0f || attr_float(n, "beta", 1.0f) != 1.0f)
          fail_node(n, i, "alpha and beta must be 1");
        if (attr_int(n, "transA", 0) != 0) fail_node(n, i, "transA is not supported");
        const torch::Tensor& b = constant(n, i, 1, "weight (B)");
        if (b.dim() != 2) fail_node(n, i, "the weight must be 2-D");
        l.op = Op::Linear;
        // Linear's weight is [out, in]: B itself when transB (what torch exports), else B^T.
        l.weight = (attr_int(n, "transB", 0) ? b : b.t()).to(torch::kFloat).contiguous().clone();
        l.out = l.weight.size(0);
        l.in = l.weight.size(1);
        if (const torch::Tensor* c = optional_constant(n, i, 2, "bias (C)")) {
          if (c->numel() != l.out) fail_node(n, i, "bias size differs from the output features");
          l.bias = c->to(torch::kFloat).flatten().clone();
        }
      } else if (op == "MatMul") {
        const torch::Tensor& b = constant(n, i, 1, "weight");
        if (b.dim() != 2) fail_node(n, i, "the weight must be 2-D");
        l.op = Op::Linear;
        l.weight = b.t().to(torch::kFloat).contiguous().clone();
        l.out = l.weight.size(0);
        l.in = l.weight.size(1);
      } else if (op == "Add") {
        // Only as the bias of the dense layer just before it (MatMul + Add is how a Linear
        // without Gemm exports).
        if (!matmul_open) {
          fail_node(n, i, "Add is supported only as the bias right after a MatMul");
        }
        const torch::Tensor& c = constant(n, i, 1 - data, "bias");
        Layer& prev = net.layers.back();
        if (c.numel() != prev.out || (c.dim() == 2 && c.size(0) != 1) || c.dim() > 2)
          fail_node(n, i, "the bias must be a vector of the MatMul's output features");
        prev.bias = c.to(torch::kFloat).flatten().clone();
        matmul_open = false;
        current = n.output(0);
        continue;
      } else if (op == "Relu") {
        l.op = Op::ReLU;
      } else if (op == "MaxPool") {
        check_auto_pad(n, i);
        if (attr_int(n, "ceil_mode", 0) != 0) fail_node(n, i, "ceil_mode is not supported");
        if (square(n, i, "dilations", attr_ints(n, "dilations", {1, 1})) != 1)
          fail_node(n, i, "dilated pooling is not supported");
        const auto kernel = attr_ints(n, "kernel_shape", {});
        if (kernel.size() != 2) fail_node(n, i, "only 2-D pooling is supported");
        l.op = Op::MaxPool2d;
        l.kernel = square(n, i, "kernel_shape", kernel);
        // ONNX's default stride is 1 (not the window, as in torch).
        l.stride = square(n, i, "strides", attr_ints(n, "strides", {1, 1}));
        if (square(n, i, "pads", attr_ints(n, "pads", {0, 0, 0, 0})) != 0)
          fail_node(n, i, "padded pooling is not supported (the engine's pools have no padding)");
      } else if (op == "Flatten") {
        if (attr_int(n, "axis", 1) != 1) fail_node(n, i, "only axis 1 is supported");
        l.op = Op::Flatten;
      } else if (op == "Reshape") {
        check_flattening_reshape(n, i, net);
        l.op = Op::Flatten;
      } else {
        fail_node(n, i, "is not supported");  // check_ops() lets nothing else through
      }
      l.name = l.origin = "l" + std::to_string(net.layers.size());
      net.layers.push_back(l);
      matmul_open = op == "MatMul";
      current = n.output(0);
      try {
        net.shapes();  // every layer must chain onto the one before, as the Net runs them
      } catch (const std::invalid_argument& e) {
        fail_node(n, i, e.what());
      }
    }
    if (g.output_size() != 1 || g.output(0).name() != current)
      fail("the graph's output must be the last layer's output (one output)");
    try {
      finish_import(&net);
    } catch (const std::runtime_error& e) {
      fail(e.what());
    }
    return net;
  }

  // Reshape to [batch, features] is a flatten; nothing else is.
  void check_flattening_reshape(const onnx::NodeProto& n, int index, const Net& net) const {
    const torch::Tensor& s = constant(n, index, 1, "shape");
    const std::vector<Shape> shapes = net.shapes();
    const int64_t features = shapes.empty() ? net.input.count() : shapes.back().count();
    bool ok = s.scalar_type() == torch::kLong && s.dim() == 1 && s.numel() == 2;
    if (ok) {
      const int64_t batch = s[0].item<int64_t>(), width = s[1].item<int64_t>();
      // 0 copies the batch dimension unless allowzero (opset 14); 1 is a batch-1 export.
      const bool allowzero = attr_int(n, "allowzero", 0) != 0;
      ok = (batch == -1 || batch == 1 || (batch == 0 && !allowzero)) &&
           (width == features || (width == -1 && batch != -1));
    }
    if (!ok) {
      fail_node(n, index,
                "only a reshape to [batch, " + std::to_string(features) +
                    "] (a flatten) is "
                    "supported");
    }
  }

  std::string path_;
  Shape fallback_;
  onnx::ModelProto model_;
  int64_t opset_ = 0;
  std::map<std::string, torch::Tensor> constants_;
};

}  // namespace

bool onnx_import_available() {
  return true;
}

Net import_onnx(const std::string& path, const Shape& fallback_input) {
  return Importer(path, fallback_input).run();
}

}  // namespace freeml

#else  // !FREEML_HAVE_ONNX

namespace freeml {

bool onnx_import_available() {
  return false;
}

Net import_onnx(const std::string& path, const Shape&) {
  throw std::runtime_error(path +
                           ": this freeml-compile was built without ONNX support (install "
                           "libonnx-dev and libprotobuf-dev: scripts/install-deps --torch, then "
                           "re-run cmake)");
}

}  // namespace freeml

#endif

namespace freeml {

const char* onnx_supported_ops() {
  return "Conv, Gemm, MatMul (+ Add as its bias), Relu, MaxPool, Flatten, Reshape (to a flat "
         "vector), Constant, Identity";
}

}  // namespace freeml

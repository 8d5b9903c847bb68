// Importing a user's ONNX model (https://onnx.ai/onnx/repo-docs/IR.html) into the compiler's Net,
// the same flat layer list the TorchScript import produces (model_io.h). The file is parsed and
// checked with Debian's libonnx (onnx::ModelProto, onnx::checker); the graph must be one chain
// of the operators the compiler and the engine have:
//   Conv (2-D, square kernel, equal strides and pads, no dilation or groups), Gemm (alpha = beta
//   = 1, no transA), MatMul with a constant right operand, optionally followed by Add of a
//   constant bias (a dense layer), Relu, MaxPool (square, no padding, no ceil_mode), Flatten
//   (axis 1), Reshape to [batch, features] (a flatten), and Constant and Identity nodes (the
//   exporter's aliases) feeding those.
// Any other node is rejected naming the file, the node and its op type. Weights are the graph's
// initializers (or Constant nodes), float32.
#pragma once

#include <string>

#include "freeml/compiler/net.h"

namespace freeml {

// False when freeml-compile was built without libonnx-dev (import_onnx then always throws).
bool onnx_import_available();

// Throws std::runtime_error naming `path` for an unreadable, truncated or malformed file and for
// a graph the engine cannot run. `fallback_input` is used when the graph's input shape is not
// fully known (symbolic dimensions).
Net import_onnx(const std::string& path, const Shape& fallback_input = {1, 28, 28});

// The operator types import_onnx accepts, for messages and --help ("Conv, Gemm, ...").
const char* onnx_supported_ops();

}  // namespace freeml

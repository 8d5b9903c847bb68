// Saving and loading nets as TorchScript archives. Our own nets are saved as a scripted module
// whose forward() is generated from the layer list (so Python's torch.jit.load can run them) with
// the layer list itself as the string attribute `freeml_arch`. A user's own TorchScript model
// without that attribute is imported by walking its submodules (Conv2d, Linear, ReLU, MaxPool2d,
// Flatten, in registration order); any other module is rejected with its name and type, and the
// imported layers must reproduce the module's own forward() on a probe input (a forward that
// calls functional ops, or calls its submodules in another order, is rejected rather than
// silently imported wrong). A user's ONNX model is imported by onnx_import.h into the same Net.
#pragma once

#include <string>

#include "freeml/compiler/net.h"

namespace freeml {

void save_net(const Net& net, const std::string& path);

// Loads one of our nets, or imports a user's TorchScript or ONNX model. ONNX is chosen by the
// extension .onnx, or for a file that is not a zip archive (TorchScript archives are zips) and
// not named .pt/.pth. `input` is the sample shape of imported models whose file does not record
// it (TorchScript; ours record it, ONNX graphs usually do).
Net load_net(const std::string& path, const Shape& input = {1, 28, 28});

// True when load_net would read `path` as ONNX.
bool is_onnx_path(const std::string& path);

// True when `bytes` starts like a zip archive (local file header "PK\3\4"), which is what a
// TorchScript archive is.
bool starts_like_zip(const std::string& bytes);

// The last step of both imports: checks the layers chain and end in a weighted classifier, sets
// `classes`, and marks the exit points (taps) the way our own architectures have them: after the
// activation (or pooling) that ends each block. Throws std::runtime_error.
void finish_import(Net* net);

// The TorchScript source of `net`'s forward(), exposed for tests and for reading.
std::string torchscript_forward(const Net& net);

}  // namespace freeml

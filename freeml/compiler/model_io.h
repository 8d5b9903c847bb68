// Saving and loading nets as TorchScript archives. Our own nets are saved as a scripted module
// whose forward() is generated from the layer list (so Python's torch.jit.load can run them) with
// the layer list itself as the string attribute `freeml_arch`. A user's own TorchScript model
// without that attribute is imported by walking its submodules (Conv2d, Linear, ReLU, MaxPool2d,
// Flatten, in registration order); any other module is rejected with its name and type.
#pragma once

#include <string>

#include "freeml/compiler/net.h"

namespace freeml {

void save_net(const Net& net, const std::string& path);

// `input` is the sample shape (used for imported models; ours record it).
Net load_net(const std::string& path, const Shape& input = {1, 28, 28});

// The TorchScript source of `net`'s forward(), exposed for tests and for reading.
std::string torchscript_forward(const Net& net);

}  // namespace freeml

// freeml-compile: host side of FreeML. Trains baselines on real data, compresses them with
// SparseComp to a memory budget, trains the gNet exit classifier, and emits firmware model blobs.
#include <exception>
#include <iostream>
#include <string>

#include "freeml/compiler/commands.h"
#include "freeml/compiler/onnx_import.h"
#include "sim/scenario/units.h"

namespace {

struct Subcommand {
  const char* name;
  int (*run)(int argc, char** argv);
  const char* summary;
};

const Subcommand kSubcommands[] = {
    {"train", freeml::cmd_train, "train a baseline on MNIST or Fashion-MNIST"},
    {"compress", freeml::cmd_compress, "SparseComp: separate layers and prune to a memory budget"},
    {"gnet", freeml::cmd_gnet, "train the global exit classifier (and per-tap heads to compare)"},
    {"emit", freeml::cmd_emit, "quantize and write the firmware model blob"},
    {"export-samples", freeml::cmd_export_samples, "write the test split as simulator samples"},
};

void print_usage(std::ostream& out) {
  out << "usage: freeml-compile <command> [options]\n\ncommands:\n";
  for (const auto& sub : kSubcommands) out << "  " << sub.name << "\t" << sub.summary << "\n";
  out << "\nModels (--model) are our own TorchScript archives or a user's pre-trained model,\n"
         "on 1x28x28 inputs scaled as pixel / 256 (see freeml/models/README.md):\n"
         "  TorchScript (.pt): torch.jit.script of Conv2d, Linear, ReLU, MaxPool2d and Flatten\n"
         "    submodules, called in registration order\n"
         "  ONNX (.onnx, or any file that is not a zip archive), opset 9..17"
      << (freeml::onnx_import_available() ? "" : " (NOT IN THIS BUILD: no libonnx-dev)")
      << ":\n    " << freeml::onnx_supported_ops() << "\n";
  out << "\n'freeml-compile <command> --help' describes a command's options.\n";
}

}  // namespace

namespace freeml {

int parse_options(const char* command, int argc, char** argv,
                  const boost::program_options::options_description& visible,
                  boost::program_options::variables_map* vm) {
  namespace po = boost::program_options;
  try {
    po::store(po::command_line_parser(argc, argv).options(visible).run(), *vm);
    if (vm->count("help")) {
      std::cout << visible;
      return 0;
    }
    po::notify(*vm);
  } catch (const po::error& e) {
    std::cerr << "freeml-compile " << command << ": " << e.what() << "\n" << visible;
    return 2;
  }
  return -1;
}

}  // namespace freeml

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(std::cerr);
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(std::cout);
    return 0;
  }
  for (const auto& sub : kSubcommands) {
    if (name != sub.name) continue;
    try {
      return sub.run(argc - 1, argv + 1);
    } catch (const std::invalid_argument& e) {
      std::cerr << "freeml-compile " << name << ": " << e.what() << "\n";
      return 2;
    } catch (const ehsim::InputError& e) {  // an option's value, named in the message
      std::cerr << "freeml-compile " << name << ": " << e.what() << "\n";
      return 2;
    } catch (const std::exception& e) {
      std::cerr << "freeml-compile " << name << ": " << e.what() << "\n";
      return 1;
    }
  }
  std::cerr << "freeml-compile: unknown command '" << name << "'\n";
  print_usage(std::cerr);
  return 2;
}

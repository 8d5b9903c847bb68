// freeml-compile gnet: train the global exit classifier on a frozen backbone.
#include <chrono>
#include <iostream>

#include "freeml/compiler/commands.h"
#include "freeml/compiler/gnet.h"
#include "freeml/compiler/model_io.h"
#include "freeml/compiler/options.h"
#include "freeml/compiler/report.h"

namespace freeml {

namespace po = boost::program_options;

int cmd_gnet(int argc, char** argv) {
  po::options_description opts("freeml-compile gnet options");
  opts.add_options()("help,h", "this help")(
      "model", po::value<std::string>()->required(),
      "backbone: TorchScript (.pt, usually compressed) or ONNX (.onnx)")(
      "grid", po::value<int64_t>()->default_value(2), "max-pool grid side of convolutional taps")(
      "epochs", po::value<int>()->default_value(3), "passes over the training split")(
      "batch-size", po::value<int64_t>()->default_value(64), "minibatch size")(
      "lr", po::value<double>()->default_value(1e-3), "Adam learning rate")(
      "no-compare", "do not train the conventional per-tap heads")(
      "out", po::value<std::string>()->required(), "head archive to write (report: .json)");
  add_dataset_options(&opts);
  po::variables_map vm;
  if (int rc = parse_options("gnet", argc, argv, opts, &vm); rc >= 0) return rc;

  const Dataset data = dataset_from_options(vm);
  const Net net = load_net(vm["model"].as<std::string>());
  TrainOptions t;
  t.epochs = vm["epochs"].as<int>();
  t.batch_size = vm["batch-size"].as<int64_t>();
  t.learning_rate = vm["lr"].as<double>();
  t.seed = vm["seed"].as<uint64_t>();
  torch::manual_seed(t.seed);
  const auto start = std::chrono::steady_clock::now();
  const GnetResult r =
      train_gnet(net, data, vm["grid"].as<int64_t>(), t, !vm.count("no-compare"), &std::cerr);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const std::string out = vm["out"].as<std::string>();
  save_gnet_head(r.head, out);
  nlohmann::json report = r.report;
  report["command"] = "gnet";
  report["head"] = out;
  report["model"] = vm["model"].as<std::string>();
  report["dataset"] = data.describe();
  report["seconds"] = seconds;
  report["versions"] = versions_json();
  write_json(report, report_path_for(out));
  for (const auto& e : report["exits"]) {
    std::cerr << "gnet: exit " << e["exit"] << " (" << e["layer"].get<std::string>() << "): test "
              << e["gnet_test_accuracy"] << "\n";
  }
  std::cout << report_path_for(out) << "\n";
  return 0;
}

}  // namespace freeml

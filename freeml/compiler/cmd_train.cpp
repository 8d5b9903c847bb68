// freeml-compile train: a baseline from scratch on the training split, evaluated on validation
// and on the untouched official test split.
#include <chrono>
#include <iostream>

#include "freeml/compiler/commands.h"
#include "freeml/compiler/dataset.h"
#include "freeml/compiler/model_io.h"
#include "freeml/compiler/report.h"
#include "freeml/compiler/train.h"

namespace freeml {

namespace po = boost::program_options;

int cmd_train(int argc, char** argv) {
  po::options_description opts("freeml-compile train options");
  opts.add_options()("help,h", "this help")(
      "dataset", po::value<std::string>()->default_value("mnist"), "mnist or fashion-mnist")(
      "arch", po::value<std::string>()->default_value("lenet"),
      "lenet, cnn3 or wide5 (a model for upper FRAM)")("epochs", po::value<int>()->default_value(3),
                                                       "passes over the training split")(
      "batch-size", po::value<int64_t>()->default_value(32), "minibatch size")(
      "lr", po::value<double>()->default_value(1e-3), "Adam learning rate")(
      "seed", po::value<uint64_t>()->default_value(1),
      "seeds the split, the init and the shuffling")(
      "val-count", po::value<int64_t>()->default_value(5000),
      "validation samples carved from train")("train-limit", po::value<int64_t>()->default_value(0),
                                              "use only this many training samples (0 = all)")(
      "test-limit", po::value<int64_t>()->default_value(0),
      "evaluate only this many test samples (0 = all)")(
      "threads", po::value<int>()->default_value(2),
      "torch intra-op threads (results depend on it)")(
      "data-dir", po::value<std::string>()->default_value(default_data_root()),
      "dataset cache root")("out", po::value<std::string>()->required(),
                            "TorchScript file to write (report: same name, .json)");
  po::variables_map vm;
  if (int rc = parse_options("train", argc, argv, opts, &vm); rc >= 0) return rc;

  fix_threads(vm["threads"].as<int>());
  const uint64_t seed = vm["seed"].as<uint64_t>();
  SplitOptions split;
  split.seed = seed;
  split.val_count = vm["val-count"].as<int64_t>();
  split.train_limit = vm["train-limit"].as<int64_t>();
  split.test_limit = vm["test-limit"].as<int64_t>();
  const Dataset data =
      load_dataset(vm["dataset"].as<std::string>(), vm["data-dir"].as<std::string>(), split);

  torch::manual_seed(seed);
  Net net = make_arch(vm["arch"].as<std::string>());
  TrainOptions train;
  train.epochs = vm["epochs"].as<int>();
  train.batch_size = vm["batch-size"].as<int64_t>();
  train.learning_rate = vm["lr"].as<double>();
  train.seed = seed;

  std::cerr << "train: " << net.arch << " (" << net.parameter_count() << " parameters) on "
            << data.name << ", " << data.train.size() << " training samples\n";
  const auto start = std::chrono::steady_clock::now();
  train_net(net, data.train, train, {}, &std::cerr);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double val_acc = accuracy(net, data.val);
  const double test_acc = accuracy(net, data.test);
  std::cerr << "train: " << seconds << " s, val accuracy " << val_acc << ", test accuracy "
            << test_acc << "\n";

  const std::string out = vm["out"].as<std::string>();
  save_net(net, out);
  nlohmann::json report = {{"command", "train"},
                           {"model", out},
                           {"arch", net.arch_json()},
                           {"parameters", net.parameter_count()},
                           {"dataset", data.describe()},
                           {"seed", seed},
                           {"epochs", train.epochs},
                           {"batch_size", train.batch_size},
                           {"learning_rate", train.learning_rate},
                           {"optimizer", "Adam"},
                           {"train_seconds", seconds},
                           {"accuracy", {{"val", val_acc}, {"test", test_acc}}},
                           {"versions", versions_json()}};
  write_json(report, report_path_for(out));
  std::cout << report_path_for(out) << "\n";
  return 0;
}

}  // namespace freeml

#include "freeml/compiler/options.h"

#include "freeml/compiler/report.h"

namespace freeml {

namespace po = boost::program_options;

void add_dataset_options(po::options_description* opts) {
  opts->add_options()("dataset", po::value<std::string>()->default_value("mnist"),
                      "mnist or fashion-mnist")("seed", po::value<uint64_t>()->default_value(1),
                                                "seeds the split, the init and the shuffling")(
      "val-count", po::value<int64_t>()->default_value(5000),
      "validation samples carved from train")("train-limit", po::value<int64_t>()->default_value(0),
                                              "use only this many training samples (0 = all)")(
      "test-limit", po::value<int64_t>()->default_value(0),
      "use only this many test samples (0 = all)")("threads", po::value<int>()->default_value(2),
                                                   "torch intra-op threads (results depend on it)")(
      "data-dir", po::value<std::string>()->default_value(default_data_root()),
      "dataset cache root");
}

Dataset dataset_from_options(const po::variables_map& vm) {
  fix_threads(vm["threads"].as<int>());
  SplitOptions split;
  split.seed = vm["seed"].as<uint64_t>();
  split.val_count = vm["val-count"].as<int64_t>();
  split.train_limit = vm["train-limit"].as<int64_t>();
  split.test_limit = vm["test-limit"].as<int64_t>();
  return load_dataset(vm["dataset"].as<std::string>(), vm["data-dir"].as<std::string>(), split);
}

}  // namespace freeml

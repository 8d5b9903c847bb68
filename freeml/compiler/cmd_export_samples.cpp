// freeml-compile export-samples: a dataset split in the simulator's sample format (FMLS,
// freeml/FORMAT.md), so scenarios and tests can replay the official test split on the firmware.
#include <iostream>

#include "freeml/compiler/commands.h"
#include "freeml/compiler/lower.h"
#include "freeml/compiler/options.h"
#include "freeml/reference/blob_io.h"
#include "freeml/reference/samples.h"

namespace freeml {

namespace po = boost::program_options;

int cmd_export_samples(int argc, char** argv) {
  po::options_description opts("freeml-compile export-samples options");
  opts.add_options()("help,h", "this help")(
      "split", po::value<std::string>()->default_value("test"), "test, val or train")(
      "first", po::value<int64_t>()->default_value(0), "index of the first sample in the split")(
      "count", po::value<int64_t>()->default_value(0), "samples to write (0 = to the end)")(
      "out", po::value<std::string>()->required(), "sample file to write");
  add_dataset_options(&opts);
  po::variables_map vm;
  if (int rc = parse_options("export-samples", argc, argv, opts, &vm); rc >= 0) return rc;

  const Dataset data = dataset_from_options(vm);
  const std::string which = vm["split"].as<std::string>();
  const Split* split = which == "test"    ? &data.test
                       : which == "val"   ? &data.val
                       : which == "train" ? &data.train
                                          : nullptr;
  if (!split) throw std::invalid_argument("unknown split '" + which + "' (test, val, train)");
  const int64_t first = vm["first"].as<int64_t>();
  int64_t count = vm["count"].as<int64_t>();
  if (first < 0 || first > split->size()) throw std::invalid_argument("--first outside the split");
  if (count <= 0 || first + count > split->size()) count = split->size() - first;

  ref::SampleSet set;
  set.words = int(split->pixels[0].numel());
  set.frac = kInputFracBits;  // raw pixel bytes read as Q.8: identical to the float input
  const auto labels = split->labels.contiguous();
  for (int64_t i = first; i < first + count; ++i) {
    set.samples.push_back(input_words(*split, i));
    set.labels.push_back(uint16_t(labels[i].item<int64_t>()));
  }
  const std::string out = vm["out"].as<std::string>();
  ref::write_file(out, ref::write_samples(set));
  std::cerr << "export-samples: " << count << " " << which << " samples of " << data.name
            << " (from index " << first << ") to " << out << "\n";
  return 0;
}

}  // namespace freeml

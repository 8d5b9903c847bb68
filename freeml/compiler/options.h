// Command-line options several subcommands share (dataset, seed, threads) and turning them into
// a loaded dataset.
#pragma once

#include <boost/program_options.hpp>

#include "freeml/compiler/dataset.h"

namespace freeml {

void add_dataset_options(boost::program_options::options_description* opts);
// Fixes the thread count and loads the dataset the options name.
Dataset dataset_from_options(const boost::program_options::variables_map& vm);

}  // namespace freeml

#include "sim/cli/cli.h"

#include <iostream>

namespace ehsim {

namespace po = boost::program_options;

int parse_command_line(const char* command, int argc, char** argv,
                       const po::options_description& visible, const char* positional_key,
                       const char* positional_label, po::variables_map* vm) {
  po::options_description all;
  all.add(visible).add_options()(positional_key, po::value<std::string>());
  po::positional_options_description positional;
  positional.add(positional_key, 1);
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), *vm);
    po::notify(*vm);
  } catch (const po::error& e) {
    std::cerr << "ehsim " << command << ": " << e.what() << "\n" << visible;
    return 2;
  }
  if (vm->count("help")) {
    std::cout << visible;
    return 0;
  }
  if (!vm->count(positional_key)) {
    std::cerr << "ehsim " << command << ": missing " << positional_label << "\n" << visible;
    return 2;
  }
  return -1;
}

}  // namespace ehsim

// The freeml-compile subcommands, one per cmd_*.cpp. Each returns the process exit status:
// 0 success, 1 failure while running, 2 bad command line or input.
#pragma once

#include <boost/program_options.hpp>

namespace freeml {

int cmd_train(int argc, char** argv);
int cmd_compress(int argc, char** argv);
int cmd_gnet(int argc, char** argv);
int cmd_emit(int argc, char** argv);
int cmd_export_samples(int argc, char** argv);

// Parses argv (starting at the subcommand name) into `vm`. Returns -1 to go on, else the exit
// status (0 after --help, 2 after an error, which it prints with `visible`).
int parse_options(const char* command, int argc, char** argv,
                  const boost::program_options::options_description& visible,
                  boost::program_options::variables_map* vm);

}  // namespace freeml

// Command-line parsing shared by the ehsim subcommands: named options plus one positional input
// file, `--help`, and the same error and exit-status conventions everywhere.
#pragma once

#include <boost/program_options.hpp>
#include <string>

namespace ehsim {

// Parses argv (starting at the subcommand's name) against `visible` plus one positional argument
// stored in `vm` under `positional_key` as a std::string. Returns -1 to go on; otherwise the exit
// status to return: 0 after printing help, 2 after printing an error naming `command` (a parse
// error or a missing positional argument, described to the user as `positional_label`).
int parse_command_line(const char* command, int argc, char** argv,
                       const boost::program_options::options_description& visible,
                       const char* positional_key, const char* positional_label,
                       boost::program_options::variables_map* vm);

}  // namespace ehsim

// ehsim: command-line entry point. Each subcommand lives in its own sim/cmd_*.cpp.
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <systemc>

#include "sim/commands.h"

namespace {

struct Subcommand {
  const char* name;
  int (*run)(int argc, char** argv);
  const char* summary;
};

const Subcommand kSubcommands[] = {
    {"exec", ehsim::cmd_exec, "run an MSP430 ELF on continuous power"},
    {"run", ehsim::cmd_run, "run firmware on harvested power from a scenario"},
    {"supply", ehsim::cmd_supply, "simulate the power circuit alone from a scenario"},
    {"sweep", ehsim::cmd_sweep, "run a scenario over parameter values, one process per point"},
};

void print_usage(std::ostream& out) {
  out << "usage: ehsim <command> [options]\n\ncommands:\n";
  for (const auto& sub : kSubcommands) out << "  " << sub.name << "\t" << sub.summary << "\n";
  out << "\n'ehsim <command> --help' describes a command's options.\n";
}

}  // namespace

// Our own main() instead of the one in libsystemc: sc_elab_and_sim() prints the kernel's banner
// before sc_main() runs unless this variable is set, and ehsim's output must stay clean.
int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}

int sc_main(int argc, char** argv) {
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
    if (name == sub.name) return sub.run(argc - 1, argv + 1);
  }
  std::cerr << "ehsim: unknown command '" << name << "'\n";
  print_usage(std::cerr);
  return 2;
}

// ehsim: command-line entry point. Each subcommand lives in its own sim/cmd_*.cpp.
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <systemc>

#include "sim/commands.h"
#include "sim/units.h"

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

// Runs a subcommand so that no exception reaches SystemC's sc_elab_and_sim(), which would print
// "E549 uncaught exception" on stdout and exit 1, the status reserved for firmware faults.
// InputError is bad input (exit 2); anything else is ehsim's own failure (exit 3).
int run_guarded(const Subcommand& sub, int argc, char** argv) {
  // SystemC errors are thrown, never printed by the kernel: the handlers below report them.
  sc_core::sc_report_handler::set_actions(sc_core::SC_ERROR, sc_core::SC_THROW);
  sc_core::sc_report_handler::set_actions(sc_core::SC_FATAL, sc_core::SC_THROW);
  try {
    return sub.run(argc, argv);
  } catch (const ehsim::InputError& e) {
    std::cerr << "ehsim " << sub.name << ": " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "ehsim " << sub.name << ": out of memory\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "ehsim " << sub.name << ": internal error: " << e.what() << "\n";
    return 3;
  } catch (...) {
    std::cerr << "ehsim " << sub.name << ": internal error: unknown exception\n";
    return 3;
  }
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
    if (name == sub.name) return run_guarded(sub, argc - 1, argv + 1);
  }
  std::cerr << "ehsim: unknown command '" << name << "'\n";
  print_usage(std::cerr);
  return 2;
}

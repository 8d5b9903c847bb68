// Subcommands of the ehsim executable. Each takes argv starting at the subcommand's name and
// returns the process exit status (0 ok, 1 simulation ended in failure, 2 bad input).
#pragma once

namespace ehsim {

int cmd_exec(int argc, char** argv);
int cmd_check(int argc, char** argv);
int cmd_supply(int argc, char** argv);
int cmd_run(int argc, char** argv);
int cmd_sweep(int argc, char** argv);
int cmd_compare(int argc, char** argv);

}  // namespace ehsim

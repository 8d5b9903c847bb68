// `ehsim compare A.elf B.elf --scenario S.json`: each firmware runs as its own `ehsim run` child
// process (SystemC allows one simulation per process), exactly as the user would run it.
#pragma once

#include <string>
#include <vector>

namespace ehsim::compare {

struct ChildRun {
  int status = -1;          // exit status, or 128 + signal
  std::string stdout_text;  // captured; the child's stderr goes to ours (its progress bar)
};

// Runs `executable args...` and waits for it.
ChildRun run_child(const std::string& executable, const std::vector<std::string>& args);

// The arguments of `ehsim run` for one side: the scenario with `firmware` (and the user's --set
// overrides after it) into out_dir, with --profile when asked.
std::vector<std::string> run_arguments(const std::string& scenario, const std::string& firmware,
                                       const std::vector<std::string>& sets,
                                       const std::string& out_dir, bool profile);

// The firmware as the scenario's "firmware" key should name it: an existing file relative to the
// working directory becomes absolute (the scenario would otherwise look next to itself first); a
// name found nowhere here stays as given, for the build's firmware directory.
std::string firmware_argument(const std::string& given);

// The path of the running ehsim executable (/proc/self/exe).
std::string self_executable();

}  // namespace ehsim::compare

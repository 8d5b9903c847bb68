// The "Profile" section of a run's report.html, from profile.json and profile.folded in the run's
// directory (`ehsim run --profile`, docs/profile.md): a table of the top functions and a flame
// graph drawn as SVG here (no scripts, like the report's other plots).
#pragma once

#include <string>

namespace ehsim {

// The section's HTML, or "" when the directory holds no profile.json (profiling was off).
// Throws InputError naming the file when a profile file is unreadable.
std::string profile_section(const std::string& out_dir);

// A flame graph of folded stacks ("a;b;c 123" per line): each frame a box as wide as its cycles,
// callers below callees, children in name order (flamegraph.pl's layout).
std::string render_flame_graph(const std::string& folded, int width = 960);

}  // namespace ehsim

// Reading a scenario file into a JSON document, with the limits that keep any input from
// crashing, hanging or exhausting the host: regular files only, a size limit, a nesting limit,
// an object at the top level, and --set overrides applied. Used by every subcommand that reads a
// scenario, so all of them reject the same inputs with the same messages.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ehsim {

// A scenario is a few kilobytes; this bound only stops runaway inputs (/dev/zero, a log file
// given by mistake) before they are read into memory.
constexpr std::size_t kMaxScenarioBytes = 1 << 20;
// Deeper than any scenario needs; deep nesting only serves to blow up outputs (scenario.json).
constexpr int kMaxScenarioDepth = 32;
// A scenario's free-text "description" is echoed into outputs and reports.
constexpr std::size_t kMaxDescriptionChars = 4096;

// Throws InputError("FILE: what was expected") unless `file` names a regular, readable file of at
// most max_bytes; returns its content.
std::string read_input_file(const std::string& file, std::size_t max_bytes, const char* what);

// Reads and parses a scenario file, applies the overrides ("a.b=value", in order) and checks the
// limits above. Every error is an InputError that names the file and, where there is one, the
// JSON path or the --set argument.
nlohmann::json load_scenario_document(const std::string& file,
                                      const std::vector<std::string>& overrides);

}  // namespace ehsim

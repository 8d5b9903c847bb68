// Pieces every JSON report shares: tool and library versions, thread count, and file output.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace freeml {

// Torch results change with the thread count (libtorch 1.13), so every command fixes it and
// records it: it is part of what makes a run reproducible.
void fix_threads(int threads);

nlohmann::json versions_json();  // freeml-compile, libtorch, compiler, thread count

// Writes `j` (pretty, trailing newline); throws std::runtime_error naming the path on failure.
void write_json(const nlohmann::json& j, const std::string& path);
nlohmann::json read_json(const std::string& path);

// "model.pt" -> "model.json": where a command puts the report of the artifact it writes.
std::string report_path_for(const std::string& artifact_path);

}  // namespace freeml

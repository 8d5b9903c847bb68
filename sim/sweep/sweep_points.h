// The layout of a sweep directory, shared by running the points (sweep_run) and collecting their
// results (sweep_collect): DIR/plan.json,
// DIR/points/<name>/{point.json,result.json,summary.json,...}.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "sim/sweep/sweep_spec.h"

namespace ehsim {

// Directory of a point, inside the sweep directory.
std::string point_dir(const std::string& sweep_dir, const SweepPoint& point);

// The point's identity in its result marker: its parameters (not paths, so results gathered from
// another machine still match).
nlohmann::ordered_json point_params(const SweepPoint& point);

// True when the point finished successfully earlier (its result marker says ok for the same
// parameters, and summary.json is readable).
bool point_complete(const std::string& sweep_dir, const SweepPoint& point);

// The file's bytes, or "" when it cannot be read.
std::string read_text_file(const std::filesystem::path& path);
// The file parsed as JSON, or nothing when it is missing or not JSON.
std::optional<nlohmann::json> read_json_file(const std::filesystem::path& path);
// Writes through PATH.tmp.<pid> and a rename, so readers (and concurrent array tasks, which may
// write plan.json at once) never see a partial file.
void write_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace ehsim

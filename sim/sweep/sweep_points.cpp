#include "sim/sweep/sweep_points.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "sim/scenario/units.h"

namespace ehsim {

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

std::string read_text_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::optional<json> read_json_file(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  try {
    return json::parse(in);
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

void write_atomically(const fs::path& path, const std::string& text) {
  // A per-process temporary name: array tasks of one sweep may write plan.json at once.
  const fs::path tmp = path.string() + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out) throw InputError(tmp.string() + ": cannot write");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw InputError(path.string() + ": cannot write: " + ec.message());
}

ordered_json point_params(const SweepPoint& point) {
  ordered_json j = ordered_json::object();
  for (const auto& [k, v] : point.sets) j[k] = v;
  return j;
}

std::string point_dir(const std::string& sweep_dir, const SweepPoint& point) {
  return (fs::path(sweep_dir) / "points" / point.name).string();
}

bool point_complete(const std::string& sweep_dir, const SweepPoint& point) {
  const fs::path dir = point_dir(sweep_dir, point);
  const auto result = read_json_file(dir / "result.json");
  if (!result || !result->is_object()) return false;
  if (result->value("status", "") != "ok") return false;
  if (!result->contains("params") || json((*result)["params"]) != json(point_params(point))) {
    return false;
  }
  return read_json_file(dir / "summary.json").has_value();
}

}  // namespace ehsim

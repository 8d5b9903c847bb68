#include "freeml/compiler/report.h"

#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace freeml {

void fix_threads(int threads) {
  torch::set_num_threads(threads);
  // Inter-op parallelism is not used by these sequential nets; one thread keeps runs identical.
  static bool interop_set = false;
  if (!interop_set) {
    torch::set_num_interop_threads(1);
    interop_set = true;
  }
}

nlohmann::json versions_json() {
  return {{"freeml_compile", "0.1.0"},
          {"libtorch", FREEML_TORCH_VERSION},
          {"cxx_compiler", __VERSION__},
          {"torch_threads", torch::get_num_threads()}};
}

void write_json(const nlohmann::json& j, const std::string& path) {
  std::ofstream out(path);
  out << j.dump(2) << "\n";
  if (!out) throw std::runtime_error(path + ": cannot write");
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

std::string report_path_for(const std::string& artifact_path) {
  return std::filesystem::path(artifact_path).replace_extension(".json").string();
}

}  // namespace freeml

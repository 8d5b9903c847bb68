// libFuzzer harness for the scenario parsers with --set overrides (sim/scenario/run_scenario.cpp,
// sim/scenario/supply_scenario.cpp, sim/scenario/units.cpp). The input is a scenario document
// followed by lines
// "--set key.path=value"; the document is parsed as an `ehsim run` scenario (from a file, as the
// command does) and as an `ehsim supply` scenario. Every rejection must be an InputError (exit 2
// with a message); any other exception or a crash is a finding.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sim/scenario/run_scenario.h"
#include "sim/scenario/supply_scenario.h"
#include "sim/scenario/units.h"

namespace {

namespace fs = std::filesystem;

// A scenario directory holding the files a scenario may name (fw.elf, trace.csv), removed at exit.
class ScenarioDir {
 public:
  ScenarioDir() {
    path_ = (fs::temp_directory_path() / "ehsim-fuzz-scenario-XXXXXX").string();
    if (!mkdtemp(path_.data())) {
      std::perror("mkdtemp");
      std::abort();
    }
    std::ofstream(path_ + "/fw.elf") << "not parsed by the scenario reader";
    std::ofstream(path_ + "/trace.csv") << "time_s,power_mW\n0,1\n1,0\n";
  }
  ~ScenarioDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const std::string& scenario_dir() {
  static const ScenarioDir dir;
  return dir.path();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  // Split off the "--set " lines.
  std::string doc_text;
  std::vector<std::string> overrides;
  std::size_t pos = 0;
  bool in_doc = true;
  while (pos <= input.size()) {
    std::size_t nl = input.find('\n', pos);
    if (nl == std::string::npos) nl = input.size();
    const std::string line = input.substr(pos, nl - pos);
    if (line.rfind("--set ", 0) == 0) {
      in_doc = false;
      overrides.push_back(line.substr(6));
    } else if (in_doc) {
      doc_text += line;
      doc_text += '\n';
    }
    pos = nl + 1;
  }
  const std::string dir = scenario_dir();
  const std::string file = dir + "/scenario.json";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << doc_text;
  }
  try {
    (void)ehsim::load_run_scenario(file, overrides, dir);
  } catch (const ehsim::InputError&) {
  }
  nlohmann::json doc = nlohmann::json::parse(doc_text, nullptr, false);
  if (doc.is_discarded()) return 0;
  try {
    for (const auto& s : overrides) ehsim::apply_override(doc, s);
    (void)ehsim::parse_supply_scenario(doc, dir);
  } catch (const ehsim::InputError&) {
  }
  return 0;
}

// `ehsim --version`: the version of the top-level CMakeLists.txt's project(VERSION), read here
// from the file, and the git commit the binary was built from, which must be a commit of this
// checkout (HEAD may have moved on since the build, so any commit of the repository counts).
#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "firmware_harness.h"

TEST_CASE("ehsim --version prints the project version and the git commit", "[integration]") {
  std::ifstream in(std::string(EHSIM_SOURCE_DIR) + "/CMakeLists.txt");
  std::ostringstream cmake;
  cmake << in.rdbuf();
  std::smatch m;
  const std::string text = cmake.str();
  REQUIRE(std::regex_search(text, m, std::regex(R"(project\(ehsim VERSION ([0-9.]+))")));
  const std::string version = m[1];

  const fwtest::CommandResult r =
      fwtest::run_command(fwtest::shell_quote(EHSIM_EXECUTABLE) + " --version");
  INFO(r.output);
  CHECK(r.status == 0);
  const std::regex line(R"(^ehsim ([0-9.]+)( \(git ([0-9a-f]{12})(-dirty)?\))?\n$)");
  std::smatch v;
  REQUIRE(std::regex_match(r.output, v, line));
  CHECK(v[1] == version);
  const std::string git = "git -C " + fwtest::shell_quote(EHSIM_SOURCE_DIR) + " ";
  if (fwtest::run_command(git + "rev-parse --verify HEAD").status == 0) {
    REQUIRE(v[3].matched);
    CHECK(fwtest::run_command(git + "cat-file -e " + v[3].str() + "^{commit}").status == 0);
  }
}

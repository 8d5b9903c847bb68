// Pieces every test folder shares: a scratch directory of the running test case's own, and the
// failure a test reports when something it needs is not installed.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

namespace ehsim_test {

// <build>/test-scratch/<test executable>/<test case>/<name>: CTest runs every test case in a
// process of its own, possibly in parallel (ctest -j), so a path derived from the running test
// case is never shared by two test processes. Emptied first when `clear` is set.
inline std::string scratch_dir(const std::string& name, bool clear = true) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::string exe = fs::read_symlink("/proc/self/exe", ec).filename().string();
  if (ec || exe.empty()) exe = "unknown";
  const std::string test = Catch::getResultCapture().getCurrentTestName();
  // Readable prefix of the name plus a hash of the whole name, so that two names sharing their
  // first 48 characters still get different directories.
  std::string safe;
  for (char c : test) {
    if (safe.size() == 48) break;
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    safe += keep ? c : '_';
  }
  uint32_t h = 2166136261u;  // FNV-1a
  for (unsigned char c : test) h = (h ^ c) * 16777619u;
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", h);
  const fs::path dir =
      fs::path(EHSIM_BINARY_DIR) / "test-scratch" / exe / (safe + "-" + hex) / name;
  if (clear) fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

// A fresh directory under the system's temporary directory (mkdtemp), removed with this object:
// for tests that must work outside the build tree (a clone with nothing beside it, a working
// directory that holds only what the test put there).
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& prefix = "ehsim-test") {
    std::string templ = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    REQUIRE(mkdtemp(templ.data()) != nullptr);
    path = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

// A file's bytes ("" when it cannot be read).
inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace ehsim_test

// Fails the running test case when `available` is false: a test whose dependency is missing
// must not pass. `what` names the missing thing, `remedy` how to get it (the Debian package or
// the script that provides it).
#define EHSIM_REQUIRE_DEPENDENCY(available, what, remedy)                                  \
  do {                                                                                     \
    if (!(available)) FAIL(std::string(what) + " is missing: " + remedy + " provides it"); \
  } while (0)

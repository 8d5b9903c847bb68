// Running `ehsim exec` from the elf tests: the binary (EHSIM_EXECUTABLE) with arguments, its
// status, stdout and stderr, and files in the running test case's scratch directory.
#pragma once

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/test_support.h"

namespace exectest {

struct Result {
  int status = -1;
  std::string out;  // stdout: the report
  std::string err;  // stderr: diagnostics (and SystemC's banner)
};

// The running test case's own directory (ctest -j runs the cases in parallel).
inline std::filesystem::path temp_dir() {
  return ehsim_test::scratch_dir("exec", /*clear=*/false);
}

inline std::string write_temp(const std::string& name, const std::vector<uint8_t>& data) {
  const auto path = (temp_dir() / name).string();
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size()));
  return path;
}

inline Result run(const std::string& args) {
  Result r;
  const auto err_path = (temp_dir() / "stderr.txt").string();
  const std::string cmd = std::string(EHSIM_EXECUTABLE) + " exec " + args + " 2>" + err_path;
  FILE* pipe = popen(cmd.c_str(), "r");
  REQUIRE(pipe);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  const int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_path);
  r.err.assign(std::istreambuf_iterator<char>(err), std::istreambuf_iterator<char>());
  return r;
}

inline nlohmann::json json_of(const Result& r) {
  INFO(r.out);
  REQUIRE_NOTHROW(nlohmann::json::parse(r.out));
  return nlohmann::json::parse(r.out);
}

}  // namespace exectest

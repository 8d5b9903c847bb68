// Shared pieces of the FreeML compiler tests: a small dataset (real MNIST when fetched, else a
// synthetic one written as IDX files so the default suite never needs the network), and the
// compiler pipeline run on it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cctest {

// The dataset root to use: $EHSIM_DATA_DIR or ~/.cache/ehsim/datasets if it holds MNIST, else a
// synthetic 10-class set under the build tree. `real` says which.
std::string smoke_data_root(bool* real);
// Writes a synthetic MNIST-shaped dataset (<root>/mnist/...-ubyte) whose classes are separable
// but not trivially so (class-specific strokes at jittered positions plus noise).
void write_synthetic_mnist(const std::string& root, int train_count, int test_count, uint32_t seed);
// ${EHSIM_DATA_DIR:-$HOME/.cache/ehsim/datasets}, as freeml::default_data_root() (repeated here
// so that only the tests that need libtorch include its headers).
std::string data_root();
// The root holding real MNIST, or "" when it has not been fetched (scripts/fetch-datasets).
std::string real_data_root(const std::string& dataset);

std::string scratch(const std::string& name);
std::string source_path(const std::string& relative);  // inside the repository
std::string binary_path(const std::string& relative);  // inside the build tree
std::vector<uint8_t> read_bytes(const std::string& path);
// Runs a shell command; returns its exit status and appends its output (stdout + stderr).
int run(const std::string& command, std::string* output = nullptr);

}  // namespace cctest

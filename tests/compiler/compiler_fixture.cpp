#include "compiler_fixture.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

#include "tests/test_support.h"

namespace cctest {

namespace {

void put_be32(std::vector<uint8_t>* b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b->push_back(uint8_t(v >> s));
}

void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  if (!out) throw std::runtime_error(path + ": cannot write");
}

void write_split(const std::string& dir, const std::string& prefix, int count, std::mt19937* rng) {
  std::vector<uint8_t> images = {0, 0, 8, 3}, labels = {0, 0, 8, 1};
  put_be32(&images, uint32_t(count));
  put_be32(&images, 28);
  put_be32(&images, 28);
  put_be32(&labels, uint32_t(count));
  std::uniform_int_distribution<int> jitter(-3, 3), noise(0, 60);
  for (int n = 0; n < count; ++n) {
    const int cls = n % 10;
    labels.push_back(uint8_t(cls));
    std::vector<uint8_t> img(28 * 28);
    for (auto& p : img) p = uint8_t(noise(*rng));
    // Class c: a horizontal stroke in row band c%5 and a vertical one in column band c/5 (so
    // classes share strokes and a linear read of one pixel does not decide them).
    const int row = 4 + 4 * (cls % 5) + jitter(*rng), col = 8 + 10 * (cls / 5) + jitter(*rng);
    for (int x = 4; x < 24; ++x) img[size_t(row * 28 + x)] = 255;
    for (int y = 4; y < 24; ++y) img[size_t(y * 28 + col)] = 220;
    images.insert(images.end(), img.begin(), img.end());
  }
  write_file(dir + "/" + prefix + "-images-idx3-ubyte", images);
  write_file(dir + "/" + prefix + "-labels-idx1-ubyte", labels);
}

}  // namespace

void write_synthetic_mnist(const std::string& root, int train_count, int test_count,
                           uint32_t seed) {
  const std::string dir = root + "/mnist";
  std::filesystem::create_directories(dir);
  std::mt19937 rng(seed);
  write_split(dir, "train", train_count, &rng);
  write_split(dir, "t10k", test_count, &rng);
}

std::string data_root() {
  if (const char* d = std::getenv("EHSIM_DATA_DIR"); d && *d) return d;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.cache/ehsim/datasets";
}

std::string real_data_root(const std::string& dataset) {
  const std::string root = data_root();
  for (const char* f : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
    if (!std::filesystem::exists(root + "/" + dataset + "/" + f)) return "";
  }
  return root;
}

std::string smoke_data_root(bool* real) {
  const std::string root = real_data_root("mnist");
  *real = !root.empty();
  if (*real) return root;
  const std::string synthetic = scratch("synthetic-data");
  write_synthetic_mnist(synthetic, 2000, 300, 7);
  return synthetic;
}

std::string scratch(const std::string& name) {
  return ehsim_test::scratch_dir(name, /*clear=*/false);
}

std::string source_path(const std::string& relative) {
  return std::string(EHSIM_SOURCE_DIR) + "/" + relative;
}

std::string binary_path(const std::string& relative) {
  return std::string(EHSIM_BINARY_DIR) + "/" + relative;
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

int run(const std::string& command, std::string* output) {
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) throw std::runtime_error("cannot start: " + command);
  char buf[4096];
  size_t n;
  std::string sink;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) (output ? output : &sink)->append(buf, n);
  const int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace cctest

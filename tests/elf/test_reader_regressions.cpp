// Regression tests for the ELF reader (issue 17; the fuzz/ harness fuzz_elf): /dev/zero as the
// firmware used to be read forever and a directory threw a stream exception (reported as SystemC
// E549). Both are now errors naming the file.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "mcu_model/elf/elf_image.h"

using namespace ehsim::mcu;

namespace {

std::string read_error(const std::string& path) {
  ElfImage image;
  std::string error;
  if (read_elf_file(path, &image, &error)) FAIL("accepted " << path);
  return error;
}

}  // namespace

TEST_CASE("ELF regression: endless, oversized and directory inputs", "[elf][regression]") {
  CHECK(read_error("/dev/zero") ==
        "/dev/zero: longer than the limit of 67108864 bytes for an ELF file (kMaxElfFileBytes)");
  CHECK(read_error("/") == "/: is a directory, expected an ELF file");
  const std::string big = (std::filesystem::temp_directory_path() / "ehsim-regr-big.elf").string();
  std::ofstream(big) << "\x7F"
                        "ELF";
  std::filesystem::resize_file(big, kMaxElfFileBytes + 1);  // sparse: nothing is written
  CHECK(read_error(big) == big +
                               ": longer than the limit of 67108864 bytes for an ELF file "
                               "(kMaxElfFileBytes)");
  std::filesystem::remove(big);
  CHECK(read_error("/nonexistent/fw.elf") == "/nonexistent/fw.elf: cannot open file");
}

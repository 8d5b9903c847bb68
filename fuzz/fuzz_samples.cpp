// libFuzzer harness for the FreeML sample-file reader (freeml/reference/samples.h). A file either
// fails with a message naming the file and byte offset, or reads into samples that write back to
// the same bytes.
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "freeml/reference/samples.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace freeml::ref;
  const std::vector<uint8_t> bytes(data, data + size);
  SampleSet set;
  try {
    set = parse_samples(bytes, "fuzz.fmls");
  } catch (const std::runtime_error& e) {
    if (std::string(e.what()).rfind("fuzz.fmls: byte ", 0) != 0) {
      std::fprintf(stderr, "fuzz_samples: message: %s\n", e.what());
      std::abort();
    }
    return 0;
  }
  if (write_samples(set) != bytes) {
    std::fprintf(stderr, "fuzz_samples: an accepted file does not write back to the same bytes\n");
    std::abort();
  }
  return 0;
}

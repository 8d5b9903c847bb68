// libFuzzer harness for the FreeML model-blob reader (freeml/reference/blob_io.cpp). A blob either
// fails with a FormatError naming the file and byte offset, or is a valid model: write_blob must
// then serialise it again (it re-validates its output) and the result must parse to the same
// layers. Each input is tried as it is and with total_bytes and crc32 made to match, so that the
// mutations reach the layer and tap tables behind the checksum.
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "freeml/firmware/include/freeml/model_format.h"
#include "freeml/reference/blob_io.h"

namespace {

[[noreturn]] void broken(const char* what, const char* detail = "") {
  std::fprintf(stderr, "fuzz_blob: %s %s\n", what, detail);
  std::abort();
}

void check(const std::vector<uint8_t>& bytes) {
  using namespace freeml::ref;
  Model m;
  try {
    m = parse_blob(bytes, "fuzz.fmlb");
  } catch (const FormatError& e) {
    if (std::string(e.what()).rfind("fuzz.fmlb: byte ", 0) != 0) broken("message", e.what());
    return;
  }
  std::vector<uint8_t> again;
  try {
    again = write_blob(m);
  } catch (const std::invalid_argument& e) {
    broken("an accepted blob does not write back:", e.what());
  }
  Model m2;
  try {
    m2 = parse_blob(again, "rewritten.fmlb");
  } catch (const FormatError& e) {
    broken("the rewritten blob does not parse:", e.what());
  }
  if (m2.layers.size() != m.layers.size() || m2.taps.size() != m.taps.size()) broken("round trip");
  for (size_t i = 0; i < m.layers.size(); ++i) {
    if (!(m2.layers[i].out == m.layers[i].out) || m2.layers[i].weights != m.layers[i].weights ||
        m2.layers[i].bias != m.layers[i].bias) {
      broken("round trip changed a layer");
    }
  }
}

void put32(std::vector<uint8_t>* b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) (*b)[off + size_t(i)] = uint8_t(v >> (8 * i));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  check(bytes);
  if (bytes.size() >= FML_HDR_BYTES && bytes.size() <= FML_UPPER_MAX_BYTES) {
    put32(&bytes, FML_HDR_TOTAL_BYTES, uint32_t(bytes.size()));
    put32(&bytes, FML_HDR_CRC32, freeml::ref::crc32_ieee(bytes.data() + 16, bytes.size() - 16));
    check(bytes);
  }
  return 0;
}

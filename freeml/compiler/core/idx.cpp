#include "freeml/compiler/core/idx.h"

#include <fstream>
#include <iterator>

namespace freeml {

namespace {

constexpr uint8_t kTypeUnsignedByte = 0x08;
// Real datasets have 1 (labels) or 3 (images) dimensions; more than this is surely corrupt.
constexpr uint8_t kMaxDims = 8;
constexpr size_t kMagicBytes = 4;
constexpr size_t kDimBytes = 4;

uint32_t read_be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

[[noreturn]] void fail(const std::string& name, const std::string& what) {
  throw IdxError(name + ": malformed IDX file: " + what);
}

}  // namespace

IdxArray parse_idx(const std::vector<uint8_t>& bytes, const std::string& name) {
  if (bytes.size() < kMagicBytes) fail(name, "shorter than the 4-byte magic number");
  if (bytes[0] != 0 || bytes[1] != 0) fail(name, "magic number does not start with two zero bytes");
  if (bytes[2] != kTypeUnsignedByte) {
    fail(name, "element type code " + std::to_string(bytes[2]) +
                   " is not 8 (unsigned byte), the only type supported");
  }
  const uint8_t dim_count = bytes[3];
  if (dim_count == 0 || dim_count > kMaxDims) {
    fail(name, "dimension count " + std::to_string(dim_count) + " is outside 1.." +
                   std::to_string(kMaxDims));
  }
  const size_t header_bytes = kMagicBytes + kDimBytes * dim_count;
  if (bytes.size() < header_bytes) fail(name, "truncated inside the dimension sizes");

  IdxArray out;
  uint64_t element_count = 1;
  for (size_t i = 0; i < dim_count; ++i) {
    const uint32_t dim = read_be32(&bytes[kMagicBytes + kDimBytes * i]);
    out.dims.push_back(dim);
    element_count *= dim;
    // A size this large cannot match any file we could have read; stop before it overflows.
    if (element_count > bytes.size()) break;
  }
  const uint64_t payload_bytes = bytes.size() - header_bytes;
  if (element_count != payload_bytes) {
    fail(name, "dimensions promise " + std::to_string(element_count) +
                   " data bytes but the file has " + std::to_string(payload_bytes) +
                   (element_count > payload_bytes ? " (truncated)" : " (trailing bytes)"));
  }
  out.data.assign(bytes.begin() + header_bytes, bytes.end());
  return out;
}

IdxArray read_idx(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IdxError(path + ": cannot open IDX file");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (in.bad()) throw IdxError(path + ": read error");
  return parse_idx(bytes, path);
}

}  // namespace freeml

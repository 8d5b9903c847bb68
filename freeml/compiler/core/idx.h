// Reader for the IDX files MNIST and Fashion-MNIST ship in (big-endian header, then raw data).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace freeml {

// A malformed or unreadable IDX file; the message names the file and what is wrong with it.
class IdxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One IDX array of unsigned bytes (type code 0x08, the only type the datasets use).
struct IdxArray {
  std::vector<uint32_t> dims;  // outermost first, e.g. {60000, 28, 28}
  std::vector<uint8_t> data;   // row-major, product(dims) bytes
};

// Parses an IDX image of `bytes`; `name` is only used in error messages.
IdxArray parse_idx(const std::vector<uint8_t>& bytes, const std::string& name);

// Reads and parses the file at `path`.
IdxArray read_idx(const std::string& path);

}  // namespace freeml

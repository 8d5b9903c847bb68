// Reading (with full validation) and writing FreeML model blobs (freeml/FORMAT.md).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "freeml/firmware/include/freeml/model_format.h"
#include "freeml/reference/model.h"

namespace freeml::ref {

// A malformed blob: the message names the file, the byte offset and what was expected there.
class FormatError : public std::runtime_error {
 public:
  FormatError(const std::string& path, size_t offset, const std::string& what);
  size_t offset() const { return offset_; }

 private:
  size_t offset_;
};

// CRC-32/IEEE as FORMAT.md specifies it (zlib's crc32).
uint32_t crc32_ieee(const uint8_t* data, size_t len);

// Parses and validates every rule of FORMAT.md; throws FormatError. `path` is used in messages.
Model parse_blob(const std::vector<uint8_t>& bytes, const std::string& path);
Model read_blob_file(const std::string& path);  // also throws FormatError if unreadable

// Host reference limits (FORMAT.md): a blob is at most 212,992 bytes (all of FRAM above 64 KB;
// 65535 for one stored below), and the model's layers may hold at most kMaxDenseWeights weights
// in their dense form (CSR layers are expanded).
inline constexpr size_t kMaxBlobBytes = FML_UPPER_MAX_BYTES;
inline constexpr size_t kMaxDenseWeights = size_t(1) << 24;

// Serialises a model (layers flagged csr are encoded as CSR). Throws std::invalid_argument if the
// model breaks a rule of FORMAT.md (the result always parses).
std::vector<uint8_t> write_blob(const Model& model);
void write_file(const std::string& path, const std::vector<uint8_t>& bytes);
// Reads at most max_bytes (an endless input such as /dev/zero stops there); throws
// std::runtime_error naming the file if it cannot be read or is longer.
std::vector<uint8_t> read_file(const std::string& path, size_t max_bytes = kMaxBlobBytes);

// CSR column encoding of FORMAT.md for one dense column index of a layer's weight row.
uint16_t csr_encode_column(const Layer& layer, const Shape& in, size_t dense_col);
// Inverse; false if `col` is not a valid encoded column for this layer.
bool csr_decode_column(const Layer& layer, const Shape& in, uint16_t col, size_t* dense_col);

}  // namespace freeml::ref

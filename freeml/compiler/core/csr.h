// Compressed sparse row storage of a quantized weight matrix, and the byte counts that decide
// whether a layer is stored sparse or dense in the firmware model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace freeml {

struct CsrMatrix {
  size_t rows = 0;
  size_t cols = 0;
  std::vector<uint16_t> row_ptr;  // rows + 1 entries; row r is [row_ptr[r], row_ptr[r+1])
  std::vector<uint16_t> col_idx;  // one per stored value
  std::vector<int16_t> values;    // the nonzeros, row by row, columns ascending
};

// Encodes a row-major rows x cols matrix, keeping exactly its nonzero entries. Throws
// std::invalid_argument if the sizes disagree or the counts do not fit the 16-bit indices.
CsrMatrix csr_encode(const std::vector<int16_t>& dense, size_t rows, size_t cols);
std::vector<int16_t> csr_decode(const CsrMatrix& m);

// Storage in bytes with 16-bit values and 16-bit indices.
size_t csr_bytes(size_t rows, size_t nonzeros);
size_t dense_bytes(size_t rows, size_t cols);

}  // namespace freeml

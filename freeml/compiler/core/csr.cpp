#include "freeml/compiler/core/csr.h"

#include <limits>
#include <stdexcept>

namespace freeml {

CsrMatrix csr_encode(const std::vector<int16_t>& dense, size_t rows, size_t cols) {
  if (dense.size() != rows * cols) throw std::invalid_argument("csr_encode: size is not rows*cols");
  constexpr size_t kMaxIndex = std::numeric_limits<uint16_t>::max();
  if (cols > kMaxIndex)
    throw std::invalid_argument("csr_encode: too many columns for 16-bit indices");
  CsrMatrix m;
  m.rows = rows;
  m.cols = cols;
  m.row_ptr.reserve(rows + 1);
  m.row_ptr.push_back(0);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < cols; ++c) {
      const int16_t v = dense[r * cols + c];
      if (v == 0) continue;
      m.col_idx.push_back(uint16_t(c));
      m.values.push_back(v);
    }
    if (m.values.size() > kMaxIndex) {
      throw std::invalid_argument("csr_encode: too many nonzeros for 16-bit row pointers");
    }
    m.row_ptr.push_back(uint16_t(m.values.size()));
  }
  return m;
}

std::vector<int16_t> csr_decode(const CsrMatrix& m) {
  std::vector<int16_t> dense(m.rows * m.cols, 0);
  for (size_t r = 0; r < m.rows; ++r) {
    for (size_t k = m.row_ptr[r]; k < m.row_ptr[r + 1]; ++k)
      dense[r * m.cols + m.col_idx[k]] = m.values[k];
  }
  return dense;
}

size_t csr_bytes(size_t rows, size_t nonzeros) {
  return 2 * (rows + 1) + 4 * nonzeros;
}

size_t dense_bytes(size_t rows, size_t cols) {
  return 2 * rows * cols;
}

}  // namespace freeml

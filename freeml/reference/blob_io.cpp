#include "freeml/reference/blob_io.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "freeml/firmware/include/freeml/model_format.h"

namespace freeml::ref {

FormatError::FormatError(const std::string& path, size_t offset, const std::string& what)
    : std::runtime_error(path + ": byte " + std::to_string(offset) + ": " + what),
      offset_(offset) {}

uint32_t crc32_ieee(const uint8_t* data, size_t len) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < len; ++i) {
    crc ^= data[i];
    for (int b = 0; b < 8; ++b) crc = (crc & 1u) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
  }
  return ~crc;
}

std::vector<uint8_t> read_file(const std::string& path, size_t max_bytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw std::runtime_error(path + ": is a directory, expected a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open file");
  // One byte more than allowed is read, so that an endless input (/dev/zero) stops there.
  std::vector<uint8_t> bytes;
  char buf[65536];
  while (in && bytes.size() <= max_bytes) {
    in.read(buf, std::streamsize(std::min(sizeof buf, max_bytes + 1 - bytes.size())));
    bytes.insert(bytes.end(), buf, buf + in.gcount());
  }
  if (in.bad()) throw std::runtime_error(path + ": read error");
  if (bytes.size() > max_bytes) {
    throw std::runtime_error(path + ": longer than the limit of " + std::to_string(max_bytes) +
                             " bytes");
  }
  return bytes;
}

void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  if (!out) throw std::runtime_error(path + ": cannot write file");
}

uint16_t csr_encode_column(const Layer& l, const Shape& in, size_t col) {
  const size_t kk = size_t(l.kernel_h) * l.kernel_w;
  if (l.kind == LayerKind::kConv2d) {
    const size_t ci = col / kk, ky = (col % kk) / l.kernel_w, kx = col % l.kernel_w;
    return uint16_t((ci << 8) | (ky << 4) | kx);
  }
  if (l.kind == LayerKind::kDwConv2d) {
    return uint16_t(((col / l.kernel_w) << 4) | (col % l.kernel_w));
  }
  (void)in;
  return uint16_t(col);
}

bool csr_decode_column(const Layer& l, const Shape& in, uint16_t col, size_t* dense_col) {
  if (l.kind == LayerKind::kConv2d) {
    const size_t ci = col >> 8, ky = (col >> 4) & 15u, kx = col & 15u;
    if (ci >= size_t(in.c) || ky >= size_t(l.kernel_h) || kx >= size_t(l.kernel_w)) return false;
    *dense_col = (ci * l.kernel_h + ky) * l.kernel_w + kx;
    return true;
  }
  if (l.kind == LayerKind::kDwConv2d) {
    const size_t ky = size_t(col) >> 4, kx = col & 15u;
    if (ky >= size_t(l.kernel_h) || kx >= size_t(l.kernel_w)) return false;
    *dense_col = ky * l.kernel_w + kx;
    return true;
  }
  const size_t cols = dense_weight_count(l, in) / size_t(l.out.c);
  if (col >= cols) return false;
  *dense_col = col;
  return true;
}

namespace {

// Bounds-checked little-endian reads; every failure names the offset and the field.
class Reader {
 public:
  Reader(const std::vector<uint8_t>& b, const std::string& path) : b_(b), path_(path) {}
  [[noreturn]] void fail(size_t off, const std::string& what) const {
    throw FormatError(path_, off, what);
  }
  void need(size_t off, size_t len, const char* field) const {
    if (off > b_.size() || len > b_.size() - off) {
      fail(off, std::string(field) + ": expected " + std::to_string(len) +
                    " bytes inside the blob, which is " + std::to_string(b_.size()) + " bytes");
    }
  }
  uint8_t u8(size_t off, const char* field) const {
    need(off, 1, field);
    return b_[off];
  }
  int8_t i8(size_t off, const char* field) const { return int8_t(u8(off, field)); }
  uint16_t u16(size_t off, const char* field) const {
    need(off, 2, field);
    return uint16_t(b_[off] | (b_[off + 1] << 8));
  }
  int16_t i16(size_t off, const char* field) const { return int16_t(u16(off, field)); }
  uint32_t u32(size_t off, const char* field) const {
    need(off, 4, field);
    return uint32_t(b_[off]) | (uint32_t(b_[off + 1]) << 8) | (uint32_t(b_[off + 2]) << 16) |
           (uint32_t(b_[off + 3]) << 24);
  }
  int32_t i32(size_t off, const char* field) const { return int32_t(u32(off, field)); }
  // An array of `count` elements of `elem` bytes at offset `off` (read from field_off).
  void array(size_t field_off, uint32_t off, size_t count, size_t elem, const char* field) const {
    if (off % 2 != 0)
      fail(field_off,
           std::string(field) + ": expected an even offset, found " + std::to_string(off));
    if (off < FML_HDR_BYTES) {
      fail(field_off,
           std::string(field) + ": offset " + std::to_string(off) + " points into the header");
    }
    if (off > b_.size() || count * elem > b_.size() - off) {
      fail(field_off, std::string(field) + ": array of " + std::to_string(count * elem) +
                          " bytes at offset " + std::to_string(off) + " ends beyond the blob (" +
                          std::to_string(b_.size()) + " bytes)");
    }
  }
  void range(size_t off, long value, long lo, long hi, const char* field) const {
    if (value < lo || value > hi) {
      fail(off, std::string(field) + ": expected " + std::to_string(lo) + ".." +
                    std::to_string(hi) + ", found " + std::to_string(value));
    }
  }
  void equal(size_t off, long value, long expected, const char* field) const {
    if (value != expected) {
      fail(off, std::string(field) + ": expected " + std::to_string(expected) + ", found " +
                    std::to_string(value));
    }
  }

 private:
  const std::vector<uint8_t>& b_;
  const std::string& path_;
};

// Every size read from the blob is checked against the blob's length (or, for the dense form of
// a CSR layer, against kMaxDenseWeights) before anything is allocated.
void parse_weights(const Reader& r, size_t lo, const Shape& in, Layer* l, size_t* dense_total) {
  const size_t count = dense_weight_count(*l, in);
  const uint32_t woff = r.u32(lo + FML_L_WEIGHTS, "weights");
  const uint32_t nnz = r.u32(lo + FML_L_NNZ, "nnz");
  if (!l->csr) {
    r.equal(lo + FML_L_NNZ, nnz, long(count), "nnz (dense weight count)");
    r.array(lo + FML_L_WEIGHTS, woff, count, 2, "weights");
    l->weights.resize(count);
    for (size_t i = 0; i < count; ++i) l->weights[i] = r.i16(woff + 2 * i, "weights");
    return;
  }
  if (l->kind == LayerKind::kConv2d) {
    r.range(lo + FML_L_KERNEL_H, l->kernel_h, 1, 16, "kernel_h (CSR conv2d)");
    r.range(lo + FML_L_KERNEL_W, l->kernel_w, 1, 16, "kernel_w (CSR conv2d)");
    if (in.c > 256) r.fail(lo + FML_L_FLAGS, "CSR conv2d needs in_c <= 256");
  }
  if (l->kind == LayerKind::kDwConv2d) {
    r.range(lo + FML_L_KERNEL_H, l->kernel_h, 1, 16, "kernel_h (CSR depthwise)");
    r.range(lo + FML_L_KERNEL_W, l->kernel_w, 1, 16, "kernel_w (CSR depthwise)");
  }
  const size_t rows = size_t(l->out.c), cols = count / rows;
  r.range(lo + FML_L_NNZ, long(nnz), 0, long(count), "nnz (CSR non-zeros)");
  r.array(lo + FML_L_WEIGHTS, woff, rows + 1 + 2 * size_t(nnz), 2, "weights (CSR)");
  // The reference holds every layer's weights dense (FORMAT.md "Host reference limits").
  *dense_total += count;
  if (*dense_total > kMaxDenseWeights) {
    r.fail(lo + FML_L_OUT_C, "CSR layer of " + std::to_string(count) +
                                 " dense weights: the model's layers may hold at most " +
                                 std::to_string(kMaxDenseWeights) +
                                 " dense weights in all (kMaxDenseWeights)");
  }
  l->weights.assign(count, 0);
  const size_t col_off = woff + 2 * (rows + 1), val_off = col_off + 2 * size_t(nnz);
  if (r.u16(woff, "row_ptr") != 0) r.fail(woff, "row_ptr[0]: expected 0");
  for (size_t row = 0; row < rows; ++row) {
    const size_t p0 = woff + 2 * row;
    const uint16_t a = r.u16(p0, "row_ptr"), b = r.u16(p0 + 2, "row_ptr");
    if (b < a || b > nnz) {
      r.fail(p0 + 2, "row_ptr[" + std::to_string(row + 1) + "]: expected " + std::to_string(a) +
                         ".." + std::to_string(nnz) + ", found " + std::to_string(b));
    }
    long prev = -1;
    for (uint16_t k = a; k < b; ++k) {
      const uint16_t col = r.u16(col_off + 2 * k, "col_idx");
      size_t dense_col = 0;
      if (long(col) <= prev || !csr_decode_column(*l, in, col, &dense_col)) {
        r.fail(col_off + 2 * k, "col_idx[" + std::to_string(k) + "] = " + std::to_string(col) +
                                    ": expected a valid column greater than the previous one");
      }
      prev = col;
      l->weights[row * cols + dense_col] = r.i16(val_off + 2 * k, "values");
    }
  }
  r.equal(woff + 2 * rows, r.u16(woff + 2 * rows, "row_ptr"), long(nnz), "row_ptr[out_c] (nnz)");
}

// A tensor of c x h x w i16 words must fit max_act_words, a u16; checked before Shape::size(),
// whose int product could overflow.
void check_tensor_words(const Reader& r, size_t off, const Shape& s, const char* what) {
  const uint64_t words = uint64_t(s.c) * uint64_t(s.h) * uint64_t(s.w);
  if (words > 65535) {
    r.fail(off, std::string(what) + " (" + std::to_string(s.c) + "," + std::to_string(s.h) + "," +
                    std::to_string(s.w) + ") has " + std::to_string(words) +
                    " words: expected at most 65535 (max_act_words is a u16)");
  }
}

Layer parse_layer(const Reader& r, size_t lo, size_t index, const Model& m, size_t* dense_total) {
  Layer l;
  const Shape in = m.input_shape_of(index);
  const int in_frac = m.input_frac_of(index);
  const uint8_t kind = r.u8(lo + FML_L_KIND, "kind");
  r.range(lo + FML_L_KIND, kind, FML_CONV2D, FML_FLATTEN, "kind");
  l.kind = LayerKind(kind);
  const uint8_t flags = r.u8(lo + FML_L_FLAGS, "flags");
  if (flags & ~FML_FLAGS_KNOWN) r.fail(lo + FML_L_FLAGS, "flags: unknown bits set");
  l.relu = flags & FML_FLAG_RELU;
  l.csr = flags & FML_FLAG_CSR;
  const bool weighted = has_weights(l.kind);
  if (l.csr && !weighted) r.fail(lo + FML_L_FLAGS, "flags: CSR on a layer without weights");
  l.out_frac = r.i8(lo + FML_L_OUT_FRAC, "out_frac");
  r.range(lo + FML_L_OUT_FRAC, l.out_frac, 0, 15, "out_frac");
  l.w_frac = r.i8(lo + FML_L_W_FRAC, "w_frac");
  r.range(lo + FML_L_W_FRAC, l.w_frac, 0, weighted ? 15 : 0, "w_frac");
  l.out = {r.u16(lo + FML_L_OUT_C, "out_c"), r.u16(lo + FML_L_OUT_H, "out_h"),
           r.u16(lo + FML_L_OUT_W, "out_w")};
  check_tensor_words(r, lo + FML_L_OUT_C, l.out, "output shape");
  l.kernel_h = r.u8(lo + FML_L_KERNEL_H, "kernel_h");
  l.kernel_w = r.u8(lo + FML_L_KERNEL_W, "kernel_w");
  l.stride_h = r.u8(lo + FML_L_STRIDE_H, "stride_h");
  l.stride_w = r.u8(lo + FML_L_STRIDE_W, "stride_w");
  l.pad_h = r.u8(lo + FML_L_PAD_H, "pad_h");
  l.pad_w = r.u8(lo + FML_L_PAD_W, "pad_w");
  const bool windowed = l.kind == LayerKind::kConv2d || l.kind == LayerKind::kDwConv2d ||
                        l.kind == LayerKind::kMaxPool || l.kind == LayerKind::kAvgPool;
  const bool padded = l.kind == LayerKind::kConv2d || l.kind == LayerKind::kDwConv2d;
  if (l.kind == LayerKind::kPointwise) {
    r.equal(lo + FML_L_KERNEL_H, l.kernel_h, 1, "kernel_h (pointwise)");
    r.equal(lo + FML_L_KERNEL_W, l.kernel_w, 1, "kernel_w (pointwise)");
    r.equal(lo + FML_L_STRIDE_H, l.stride_h, 1, "stride_h (pointwise)");
    r.equal(lo + FML_L_STRIDE_W, l.stride_w, 1, "stride_w (pointwise)");
  } else if (!windowed) {
    for (size_t off = FML_L_KERNEL_H; off <= FML_L_STRIDE_W; ++off)
      r.equal(lo + off, r.u8(lo + off, "kernel/stride"), 0, "kernel/stride (unused by kind)");
  } else {
    r.range(lo + FML_L_KERNEL_H, l.kernel_h, 1, 255, "kernel_h");
    r.range(lo + FML_L_KERNEL_W, l.kernel_w, 1, 255, "kernel_w");
    r.range(lo + FML_L_STRIDE_H, l.stride_h, 1, 255, "stride_h");
    r.range(lo + FML_L_STRIDE_W, l.stride_w, 1, 255, "stride_w");
  }
  if (!padded) {
    r.equal(lo + FML_L_PAD_H, l.pad_h, 0, "pad_h (only conv2d/depthwise pad)");
    r.equal(lo + FML_L_PAD_W, l.pad_w, 0, "pad_w (only conv2d/depthwise pad)");
  }
  Shape want;
  std::string why;
  if (!expected_output_shape(l, in, &want, &why)) r.fail(lo + FML_L_KERNEL_H, why);
  if (!(want == l.out) || l.out.c < 1) {
    r.fail(lo + FML_L_OUT_C, std::string(to_string(l.kind)) + " output shape: expected (" +
                                 std::to_string(want.c) + "," + std::to_string(want.h) + "," +
                                 std::to_string(want.w) + ") from input (" + std::to_string(in.c) +
                                 "," + std::to_string(in.h) + "," + std::to_string(in.w) +
                                 "), found (" + std::to_string(l.out.c) + "," +
                                 std::to_string(l.out.h) + "," + std::to_string(l.out.w) + ")");
  }
  l.unit_channels = r.u16(lo + FML_L_UNIT_CHANNELS, "unit_channels");
  r.range(lo + FML_L_UNIT_CHANNELS, l.unit_channels, 0, l.out.c, "unit_channels");
  l.unit_elements = r.u16(lo + FML_L_UNIT_ELEMENTS, "unit_elements");
  r.range(lo + FML_L_UNIT_ELEMENTS, l.unit_elements, 0, l.out.size(), "unit_elements");
  if (l.unit_elements != 0) {
    r.equal(lo + FML_L_UNIT_CHANNELS, l.unit_channels, 0,
            "unit_channels (0 when unit_elements is set)");
  }
  if (weighted) {
    r.range(lo + FML_L_W_FRAC, in_frac + l.w_frac - l.out_frac, 0, 31,
            "in_frac + w_frac - out_frac (accumulator shift)");
    parse_weights(r, lo, in, &l, dense_total);
    const uint32_t boff = r.u32(lo + FML_L_BIAS, "bias");
    if (boff != 0) {
      r.array(lo + FML_L_BIAS, boff, size_t(l.out.c), 4, "bias");
      for (int c = 0; c < l.out.c; ++c) l.bias.push_back(r.i32(boff + 4 * size_t(c), "bias"));
    }
  } else {
    r.equal(lo + FML_L_OUT_FRAC, l.out_frac, in_frac, "out_frac (must equal in_frac)");
    r.equal(lo + FML_L_WEIGHTS, r.u32(lo + FML_L_WEIGHTS, "weights"), 0, "weights (none)");
    r.equal(lo + FML_L_NNZ, r.u32(lo + FML_L_NNZ, "nnz"), 0, "nnz (none)");
    r.equal(lo + FML_L_BIAS, r.u32(lo + FML_L_BIAS, "bias"), 0, "bias (none)");
  }
  return l;
}

}  // namespace

Model parse_blob(const std::vector<uint8_t>& b, const std::string& path) {
  const Reader r(b, path);
  r.need(0, FML_HDR_BYTES, "header");
  if (b[0] != 'F' || b[1] != 'M' || b[2] != 'L' || b[3] != 'B') {
    r.fail(0, "magic: expected \"FMLB\" (a FreeML model blob)");
  }
  r.equal(FML_HDR_VERSION, r.u16(FML_HDR_VERSION, "version"), FML_VERSION, "version");
  r.equal(FML_HDR_HEADER_BYTES, r.u16(FML_HDR_HEADER_BYTES, "header_bytes"), FML_HDR_BYTES,
          "header_bytes");
  const uint32_t total = r.u32(FML_HDR_TOTAL_BYTES, "total_bytes");
  r.equal(FML_HDR_TOTAL_BYTES, long(total), long(b.size()), "total_bytes (the file size)");
  const uint8_t storage = r.u8(FML_HDR_STORAGE, "storage");
  r.range(FML_HDR_STORAGE, storage, FML_STORAGE_LOWER, FML_STORAGE_UPPER, "storage");
  if (storage == FML_STORAGE_LOWER && total > FML_LOWER_MAX_BYTES) {
    r.fail(FML_HDR_TOTAL_BYTES,
           "total_bytes: a blob stored below 64 KB (storage 0) must be at most 65535 bytes; "
           "emit it with --storage upper");
  }
  if (total > FML_UPPER_MAX_BYTES) {
    r.fail(FML_HDR_TOTAL_BYTES, "total_bytes: a blob must be at most " +
                                    std::to_string(FML_UPPER_MAX_BYTES) +
                                    " bytes (FRAM 0x10000-0x43FFF)");
  }
  const uint32_t crc = r.u32(FML_HDR_CRC32, "crc32");
  const uint32_t actual = crc32_ieee(b.data() + 16, b.size() - 16);
  if (crc != actual) {
    std::ostringstream s;
    s << "crc32: expected 0x" << std::hex << actual << " (CRC of bytes 16..end), found 0x" << crc;
    r.fail(FML_HDR_CRC32, s.str());
  }
  Model m;
  const uint16_t layer_count = r.u16(FML_HDR_LAYER_COUNT, "layer_count");
  r.range(FML_HDR_LAYER_COUNT, layer_count, 1, FML_MAX_LAYERS, "layer_count");
  const uint16_t layer_table = r.u16(FML_HDR_LAYER_TABLE, "layer_table");
  r.array(FML_HDR_LAYER_TABLE, layer_table, layer_count, FML_LAYER_BYTES, "layer_table");
  m.input = {r.u16(FML_HDR_INPUT_C, "input_c"), r.u16(FML_HDR_INPUT_H, "input_h"),
             r.u16(FML_HDR_INPUT_W, "input_w")};
  r.range(FML_HDR_INPUT_C, m.input.c, 1, 65535, "input_c");
  r.range(FML_HDR_INPUT_H, m.input.h, 1, 65535, "input_h");
  r.range(FML_HDR_INPUT_W, m.input.w, 1, 65535, "input_w");
  check_tensor_words(r, FML_HDR_INPUT_C, m.input, "input shape");
  m.input_frac = r.i8(FML_HDR_INPUT_FRAC, "input_frac");
  r.range(FML_HDR_INPUT_FRAC, m.input_frac, 0, 15, "input_frac");
  m.logit_frac = r.i8(FML_HDR_LOGIT_FRAC, "logit_frac");
  r.range(FML_HDR_LOGIT_FRAC, m.logit_frac, 0, 31, "logit_frac");
  m.num_classes = r.u16(FML_HDR_NUM_CLASSES, "num_classes");
  r.range(FML_HDR_NUM_CLASSES, m.num_classes, 1, FML_MAX_CLASSES, "num_classes");
  const uint16_t tap_count = r.u16(FML_HDR_TAP_COUNT, "tap_count");
  r.range(FML_HDR_TAP_COUNT, tap_count, 0, layer_count - 1, "tap_count");
  const uint8_t policy = r.u8(FML_HDR_POLICY, "policy");
  r.range(FML_HDR_POLICY, policy, 0, 3, "policy");
  m.policy = Policy(policy);
  m.upper = storage == FML_STORAGE_UPPER;
  m.energy_mv = r.u16(FML_HDR_ENERGY_MV, "energy_mv");
  m.conf_margin = r.i32(FML_HDR_CONF_MARGIN, "conf_margin");
  m.unit_budget_kcycles = r.u16(FML_HDR_UNIT_BUDGET, "unit_budget_kcycles");

  size_t dense_total = 0;
  for (size_t i = 0; i < layer_count; ++i) {
    m.layers.push_back(parse_layer(r, layer_table + i * FML_LAYER_BYTES, i, m, &dense_total));
  }
  r.equal(FML_HDR_MAX_ACT_WORDS, r.u16(FML_HDR_MAX_ACT_WORDS, "max_act_words"), m.max_act_words(),
          "max_act_words");
  const size_t last = layer_table + (layer_count - 1u) * FML_LAYER_BYTES;
  r.equal(last + FML_L_OUT_C, m.layers.back().out.size(), m.num_classes,
          "final layer output size (num_classes)");

  const uint16_t tap_table = r.u16(FML_HDR_TAP_TABLE, "tap_table");
  const uint16_t exit_bias = r.u16(FML_HDR_EXIT_BIAS, "exit_bias");
  if (tap_count == 0) {
    r.equal(FML_HDR_TAP_TABLE, tap_table, 0, "tap_table (no taps)");
    r.equal(FML_HDR_EXIT_BIAS, exit_bias, 0, "exit_bias (no taps)");
    return m;
  }
  r.array(FML_HDR_TAP_TABLE, tap_table, tap_count, FML_TAP_BYTES, "tap_table");
  r.array(FML_HDR_EXIT_BIAS, exit_bias, size_t(m.num_classes), 4, "exit_bias");
  for (int c = 0; c < m.num_classes; ++c)
    m.exit_bias.push_back(r.i32(exit_bias + 4 * size_t(c), "exit_bias"));
  int prev_layer = -1;
  for (size_t k = 0; k < tap_count; ++k) {
    const size_t to = tap_table + k * FML_TAP_BYTES;
    Tap t;
    t.layer = r.u16(to + FML_T_LAYER, "tap layer");
    r.range(to + FML_T_LAYER, t.layer, prev_layer + 1, layer_count - 2,
            "tap layer (increasing, before the final layer)");
    prev_layer = t.layer;
    const Layer& tapped = m.layers[size_t(t.layer)];
    t.grid_h = r.u8(to + FML_T_GRID_H, "grid_h");
    r.range(to + FML_T_GRID_H, t.grid_h, 1, tapped.out.h, "grid_h (1..tapped out_h)");
    t.grid_w = r.u8(to + FML_T_GRID_W, "grid_w");
    r.range(to + FML_T_GRID_W, t.grid_w, 1, tapped.out.w, "grid_w (1..tapped out_w)");
    t.w_frac = r.i8(to + FML_T_W_FRAC, "tap w_frac");
    r.range(to + FML_T_W_FRAC, t.w_frac, 0, 15, "tap w_frac");
    r.range(to + FML_T_W_FRAC, tapped.out_frac + t.w_frac - m.logit_frac, 0, 31,
            "tapped out_frac + tap w_frac - logit_frac (exit shift)");
    r.equal(to + FML_T_RESERVED, r.u8(to + FML_T_RESERVED, "reserved"), 0, "reserved");
    t.features = r.u16(to + FML_T_FEATURES, "features");
    r.equal(to + FML_T_FEATURES, t.features, tapped.out.c * t.grid_h * t.grid_w,
            "features (out_c * grid_h * grid_w)");
    const uint32_t woff = r.u32(to + FML_T_WEIGHTS, "tap weights");
    const size_t count = size_t(m.num_classes) * size_t(t.features);
    r.array(to + FML_T_WEIGHTS, woff, count, 2, "tap weights");
    for (size_t i = 0; i < count; ++i) t.weights.push_back(r.i16(woff + 2 * i, "tap weights"));
    t.unit_channels = r.u16(to + FML_T_UNIT_CHANNELS, "tap unit_channels");
    r.range(to + FML_T_UNIT_CHANNELS, t.unit_channels, 0, tapped.out.c,
            "tap unit_channels (0..tapped out_c)");
    r.equal(to + FML_T_RESERVED2, r.u16(to + FML_T_RESERVED2, "reserved"), 0, "reserved");
    m.taps.push_back(std::move(t));
  }
  return m;
}

Model read_blob_file(const std::string& path) {
  std::vector<uint8_t> bytes;
  try {
    bytes = read_file(path);
  } catch (const std::runtime_error& e) {
    std::string why = e.what();  // "<path>: <reason>"
    if (why.rfind(path + ": ", 0) == 0) why.erase(0, path.size() + 2);
    throw FormatError(path, 0, why);
  }
  return parse_blob(bytes, path);
}

namespace {

class Writer {
 public:
  size_t size() const { return b_.size(); }
  void align2() {
    if (b_.size() % 2) b_.push_back(0);
  }
  void u8(uint8_t v) { b_.push_back(v); }
  void u16(uint16_t v) {
    u8(uint8_t(v));
    u8(uint8_t(v >> 8));
  }
  void u32(uint32_t v) {
    u16(uint16_t(v));
    u16(uint16_t(v >> 16));
  }
  void put_u16(size_t off, uint16_t v) {
    b_[off] = uint8_t(v);
    b_[off + 1] = uint8_t(v >> 8);
  }
  void put_u32(size_t off, uint32_t v) {
    put_u16(off, uint16_t(v));
    put_u16(off + 2, uint16_t(v >> 16));
  }
  void zeros(size_t n) { b_.insert(b_.end(), n, 0); }
  std::vector<uint8_t>& bytes() { return b_; }

 private:
  std::vector<uint8_t> b_;
};

}  // namespace

std::vector<uint8_t> write_blob(const Model& m) {
  if (m.layers.empty() || m.layers.size() > FML_MAX_LAYERS)
    throw std::invalid_argument("write_blob: layer count out of range");
  Writer w;
  w.zeros(FML_HDR_BYTES);
  const size_t layer_table = w.size();
  w.zeros(m.layers.size() * FML_LAYER_BYTES);
  const size_t tap_table = m.taps.empty() ? 0 : w.size();
  w.zeros(m.taps.size() * FML_TAP_BYTES);
  size_t exit_bias = 0;
  if (!m.taps.empty()) {
    exit_bias = w.size();
    for (int32_t v : m.exit_bias) w.u32(uint32_t(v));
  }
  auto& b = w.bytes();
  b[0] = 'F', b[1] = 'M', b[2] = 'L', b[3] = 'B';
  w.put_u16(FML_HDR_VERSION, FML_VERSION);
  w.put_u16(FML_HDR_HEADER_BYTES, FML_HDR_BYTES);
  w.put_u16(FML_HDR_LAYER_COUNT, uint16_t(m.layers.size()));
  w.put_u16(FML_HDR_LAYER_TABLE, uint16_t(layer_table));
  w.put_u16(FML_HDR_INPUT_C, uint16_t(m.input.c));
  w.put_u16(FML_HDR_INPUT_H, uint16_t(m.input.h));
  w.put_u16(FML_HDR_INPUT_W, uint16_t(m.input.w));
  b[FML_HDR_INPUT_FRAC] = uint8_t(m.input_frac);
  b[FML_HDR_LOGIT_FRAC] = uint8_t(m.logit_frac);
  w.put_u16(FML_HDR_NUM_CLASSES, uint16_t(m.num_classes));
  w.put_u16(FML_HDR_TAP_COUNT, uint16_t(m.taps.size()));
  w.put_u16(FML_HDR_TAP_TABLE, uint16_t(tap_table));
  b[FML_HDR_POLICY] = uint8_t(m.policy);
  w.put_u16(FML_HDR_ENERGY_MV, uint16_t(m.energy_mv));
  w.put_u16(FML_HDR_EXIT_BIAS, uint16_t(exit_bias));
  w.put_u32(FML_HDR_CONF_MARGIN, uint32_t(m.conf_margin));
  w.put_u16(FML_HDR_MAX_ACT_WORDS, uint16_t(m.max_act_words()));
  w.put_u16(FML_HDR_UNIT_BUDGET, uint16_t(m.unit_budget_kcycles));
  b[FML_HDR_STORAGE] = m.upper ? FML_STORAGE_UPPER : FML_STORAGE_LOWER;

  for (size_t i = 0; i < m.layers.size(); ++i) {
    const Layer& l = m.layers[i];
    const Shape in = m.input_shape_of(i);
    const size_t lo = layer_table + i * FML_LAYER_BYTES;
    b[lo + FML_L_KIND] = uint8_t(l.kind);
    b[lo + FML_L_FLAGS] = uint8_t((l.relu ? FML_FLAG_RELU : 0) | (l.csr ? FML_FLAG_CSR : 0));
    b[lo + FML_L_OUT_FRAC] = uint8_t(l.out_frac);
    b[lo + FML_L_W_FRAC] = uint8_t(l.w_frac);
    w.put_u16(lo + FML_L_OUT_C, uint16_t(l.out.c));
    w.put_u16(lo + FML_L_OUT_H, uint16_t(l.out.h));
    w.put_u16(lo + FML_L_OUT_W, uint16_t(l.out.w));
    b[lo + FML_L_KERNEL_H] = uint8_t(l.kernel_h);
    b[lo + FML_L_KERNEL_W] = uint8_t(l.kernel_w);
    b[lo + FML_L_STRIDE_H] = uint8_t(l.stride_h);
    b[lo + FML_L_STRIDE_W] = uint8_t(l.stride_w);
    b[lo + FML_L_PAD_H] = uint8_t(l.pad_h);
    b[lo + FML_L_PAD_W] = uint8_t(l.pad_w);
    w.put_u16(lo + FML_L_UNIT_CHANNELS, uint16_t(l.unit_channels));
    w.put_u16(lo + FML_L_UNIT_ELEMENTS, uint16_t(l.unit_elements));
    if (!has_weights(l.kind)) continue;
    if (l.weights.size() != dense_weight_count(l, in))
      throw std::invalid_argument("write_blob: layer " + std::to_string(i) + " weight count");
    w.align2();
    const size_t woff = w.size();
    w.put_u32(lo + FML_L_WEIGHTS, uint32_t(woff));
    if (!l.csr) {
      for (int16_t v : l.weights) w.u16(uint16_t(v));
      w.put_u32(lo + FML_L_NNZ, uint32_t(l.weights.size()));
    } else {
      const size_t rows = size_t(l.out.c), cols = l.weights.size() / rows;
      std::vector<uint16_t> row_ptr{0}, col_idx;
      std::vector<int16_t> values;
      for (size_t r = 0; r < rows; ++r) {
        // Encoded columns increase with the dense column for every kind (FORMAT.md).
        for (size_t c = 0; c < cols; ++c) {
          const int16_t v = l.weights[r * cols + c];
          if (v == 0) continue;
          col_idx.push_back(csr_encode_column(l, in, c));
          values.push_back(v);
        }
        if (values.size() > 0xFFFF) throw std::invalid_argument("write_blob: nnz > 65535");
        row_ptr.push_back(uint16_t(values.size()));
      }
      for (uint16_t v : row_ptr) w.u16(v);
      for (uint16_t v : col_idx) w.u16(v);
      for (int16_t v : values) w.u16(uint16_t(v));
      w.put_u32(lo + FML_L_NNZ, uint32_t(values.size()));
    }
    if (!l.bias.empty()) {
      w.put_u32(lo + FML_L_BIAS, uint32_t(w.size()));
      for (int32_t v : l.bias) w.u32(uint32_t(v));
    }
  }
  for (size_t k = 0; k < m.taps.size(); ++k) {
    const Tap& t = m.taps[k];
    const size_t to = tap_table + k * FML_TAP_BYTES;
    w.put_u16(to + FML_T_LAYER, uint16_t(t.layer));
    b[to + FML_T_GRID_H] = uint8_t(t.grid_h);
    b[to + FML_T_GRID_W] = uint8_t(t.grid_w);
    b[to + FML_T_W_FRAC] = uint8_t(t.w_frac);
    w.put_u16(to + FML_T_FEATURES, uint16_t(t.features));
    w.put_u16(to + FML_T_UNIT_CHANNELS, uint16_t(t.unit_channels));
    w.put_u32(to + FML_T_WEIGHTS, uint32_t(w.size()));
    for (int16_t v : t.weights) w.u16(uint16_t(v));
  }
  w.put_u32(FML_HDR_TOTAL_BYTES, uint32_t(w.size()));
  w.put_u32(FML_HDR_CRC32, crc32_ieee(b.data() + 16, b.size() - 16));
  // The writer's output must obey every rule the firmware relies on.
  try {
    parse_blob(b, "<write_blob>");
  } catch (const FormatError& e) {
    throw std::invalid_argument(std::string("write_blob: invalid model: ") + e.what());
  }
  return std::move(b);
}

}  // namespace freeml::ref

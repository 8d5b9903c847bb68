/* Model blob access for the engine: the boot-time sanity check and layer/tap decoding. The host
 * validator (freeml-ref validate) checks every rule of FORMAT.md; the firmware only checks what
 * would make it read or write outside its buffers. The lower engine reads blobs of at most
 * 65535 bytes in place, so it ignores the high word of every u32 offset; the upper engine keeps
 * whole u32 offsets into FRAM above 64 KB (fml_far.c).
 */
#include "freeml/engine.h"

uint16_t fml_check_blob(const uint8_t* b) {
  if (b[0] != FML_MAGIC0 || b[1] != FML_MAGIC1 || b[2] != FML_MAGIC2 || b[3] != FML_MAGIC3)
    return FML_ERR_MAGIC;
  if (fml_u16(b, FML_HDR_VERSION) != FML_VERSION) return FML_ERR_VERSION;
  if (b[FML_HDR_STORAGE] != FML_STORAGE) return FML_ERR_STORAGE;
#if FML_MODEL_UPPER
  if (((uint32_t)fml_u16(b, FML_HDR_TOTAL_BYTES + 2) << 16 | fml_u16(b, FML_HDR_TOTAL_BYTES)) >
      FML_MODEL_CAPACITY)
    return FML_ERR_SIZE;
#else
  if (fml_u16(b, FML_HDR_TOTAL_BYTES + 2) != 0 ||
      fml_u16(b, FML_HDR_TOTAL_BYTES) > FML_MODEL_CAPACITY)
    return FML_ERR_SIZE;
#endif
  const uint16_t layers = fml_u16(b, FML_HDR_LAYER_COUNT);
  if (layers == 0 || layers > FML_MAX_LAYERS) return FML_ERR_LIMITS;
  if (fml_u16(b, FML_HDR_NUM_CLASSES) > FML_MAX_CLASSES) return FML_ERR_LIMITS;
  if (fml_u16(b, FML_HDR_MAX_ACT_WORDS) > FML_ACT_CAPACITY_WORDS) return FML_ERR_LIMITS;
  const uint16_t table = fml_u16(b, FML_HDR_LAYER_TABLE);
  for (uint16_t i = 0; i < layers; ++i) {
    const uint8_t* rec = b + table + i * FML_LAYER_BYTES;
    const uint8_t kind = rec[FML_L_KIND];
    if ((rec[FML_L_FLAGS] & FML_FLAG_CSR) && (kind == FML_CONV2D || kind == FML_POINTWISE)) {
      const uint16_t in_c = i == 0 ? fml_u16(b, FML_HDR_INPUT_C)
                                   : fml_u16(b, table + (i - 1u) * FML_LAYER_BYTES + FML_L_OUT_C);
      if (in_c > FML_MAX_CSR_IN_C) return FML_ERR_CSR_IN_C;
    }
  }
  return FML_OK;
}

void fml_decode_layer(const uint8_t* b, uint16_t index, fml_layer* L) {
  const uint16_t table = fml_u16(b, FML_HDR_LAYER_TABLE);
  const uint8_t* rec = b + table + index * FML_LAYER_BYTES;
  int8_t in_frac;
  if (index == 0) {
    L->in_c = fml_u16(b, FML_HDR_INPUT_C);
    L->in_h = fml_u16(b, FML_HDR_INPUT_H);
    L->in_w = fml_u16(b, FML_HDR_INPUT_W);
    in_frac = (int8_t)b[FML_HDR_INPUT_FRAC];
  } else {
    const uint8_t* prev = rec - FML_LAYER_BYTES;
    L->in_c = *(const uint16_t*)(prev + FML_L_OUT_C);
    L->in_h = *(const uint16_t*)(prev + FML_L_OUT_H);
    L->in_w = *(const uint16_t*)(prev + FML_L_OUT_W);
    in_frac = (int8_t)prev[FML_L_OUT_FRAC];
  }
  L->kind = rec[FML_L_KIND];
  L->flags = rec[FML_L_FLAGS];
  L->shift = (uint8_t)(in_frac + (int8_t)rec[FML_L_W_FRAC] - (int8_t)rec[FML_L_OUT_FRAC]);
  L->round = fml_pow2(L->shift) >> 1;
  L->out_c = *(const uint16_t*)(rec + FML_L_OUT_C);
  L->out_h = *(const uint16_t*)(rec + FML_L_OUT_H);
  L->out_w = *(const uint16_t*)(rec + FML_L_OUT_W);
  L->kh = rec[FML_L_KERNEL_H];
  L->kw = rec[FML_L_KERNEL_W];
  L->sh = rec[FML_L_STRIDE_H];
  L->sw = rec[FML_L_STRIDE_W];
  L->ph = rec[FML_L_PAD_H];
  L->pw = rec[FML_L_PAD_W];
  /* A unit of whole channels is the same as a unit of that many elements (CHW order). Both are at
   * most out_c * out_h * out_w <= max_act_words, so the product fits 16 bits. */
  L->out_elements = (uint16_t)(L->out_c * (L->out_h * L->out_w));
  L->unit_elements = *(const uint16_t*)(rec + FML_L_UNIT_ELEMENTS);
  if (L->unit_elements == 0) {
    const uint16_t channels = *(const uint16_t*)(rec + FML_L_UNIT_CHANNELS);
    L->unit_elements = channels ? (uint16_t)(channels * (L->out_h * L->out_w)) : L->out_elements;
  }
#if FML_MODEL_UPPER
  const uint32_t woff = fml_u32(rec, FML_L_WEIGHTS), boff = fml_u32(rec, FML_L_BIAS);
  L->far_weights = woff ? freeml_model_addr + woff : 0;
  L->far_bias = boff ? freeml_model_addr + boff : 0;
  L->nnz = *(const uint16_t*)(rec + FML_L_NNZ);
  const uint16_t khw = (uint16_t)(L->kh * L->kw);
  L->row_words = L->kind == FML_CONV2D      ? (uint16_t)(L->in_c * khw)
                 : L->kind == FML_DWCONV2D  ? khw
                 : L->kind == FML_POINTWISE ? L->in_c
                                            : (uint16_t)(L->in_c * (L->in_h * L->in_w));
  /* Nothing staged yet: fml_stage_unit sets these. */
  L->weights = L->bias_words = 0;
  L->row_ptr = L->col_idx = 0;
#else
  const uint16_t woff = *(const uint16_t*)(rec + FML_L_WEIGHTS);
  const uint16_t boff = *(const uint16_t*)(rec + FML_L_BIAS);
  L->bias_words = boff ? (const int16_t*)(b + boff) : 0;
  if (L->flags & FML_FLAG_CSR) {
    const uint16_t nnz = *(const uint16_t*)(rec + FML_L_NNZ);
    L->row_ptr = (const uint16_t*)(b + woff);
    L->col_idx = L->row_ptr + L->out_c + 1u;
    L->weights = (const int16_t*)(L->col_idx + nnz);
  } else {
    L->row_ptr = 0;
    L->col_idx = 0;
    L->weights = woff ? (const int16_t*)(b + woff) : 0;
  }
#endif
}

uint32_t fml_pow2(uint8_t n) {
  /* 2^n for n < 32 without __mspabi_slll, whose loop costs some 8 cycles per bit. */
  static const uint16_t low[16] = {1u,   2u,   4u,    8u,    16u,   32u,   64u,    128u,
                                   256u, 512u, 1024u, 2048u, 4096u, 8192u, 16384u, 32768u};
  return n < 16u ? low[n] : (uint32_t)low[n - 16u] << 16;
}

void fml_advance(fml_pos* p, uint16_t n, uint16_t h, uint16_t w) {
  while (n >= (uint16_t)(w - p->x)) {
    n = (uint16_t)(n - (w - p->x));
    p->x = 0;
    if (++p->y == h) {
      p->y = 0;
      ++p->c;
    }
  }
  p->x = (uint16_t)(p->x + n);
}

uint16_t fml_tap_of_layer(const uint8_t* b, uint16_t layer) {
  const uint16_t taps = fml_u16(b, FML_HDR_TAP_COUNT);
  const uint16_t table = fml_u16(b, FML_HDR_TAP_TABLE);
  for (uint16_t k = 0; k < taps; ++k) {
    if (fml_u16(b, (uint16_t)(table + k * FML_TAP_BYTES + FML_T_LAYER)) == layer) return k;
  }
  return 0xFFFFu;
}

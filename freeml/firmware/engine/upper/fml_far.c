/* The upper engine's view of a model in FRAM above 64 KB (freeml_infer_upper.elf; FORMAT.md
 * "Storage"). clang emits only 16-bit MSP430 code, whose pointers cannot reach 0x10000-0x43FFF,
 * so nothing here dereferences the blob: every byte comes through fml_far_copy, a DMA block copy
 * from a 20-bit address (fml_far_copy.S).
 *
 * - The header, the layer and tap tables and the exit bias are copied once into a near FRAM copy
 *   (meta), which the rest of the engine reads as it reads a lower blob. The copy carries the
 *   blob's CRC, written after the copy itself, so a power failure during it, or a new blob,
 *   makes the next boot copy again.
 * - Before each unit, the weights, bias and CSR rows of the unit's output channels go to an SRAM
 *   stage, and the layer's pointers are set so that the kernels index the stage with the same
 *   absolute channel and non-zero indices they use for a near blob: a pointer moved back by the
 *   first staged channel's offset (16-bit address arithmetic wraps, and the kernels only add the
 *   offsets back). Consecutive units of the same channels copy nothing; a boot forgets the stage.
 */
#include "ehsim/host_io.h"
#include "freeml/engine.h"

/* The near copy, and the CRC of the blob it was copied from (valid only when meta_crc_set). */
__attribute__((section(".persistent"))) static uint8_t meta[FML_META_BYTES];
__attribute__((section(".persistent"))) static volatile uint16_t meta_crc[2];
__attribute__((section(".persistent"))) static volatile uint16_t meta_crc_set;

/* In .noinit: its contents are always copied in before use, and clearing it at boot would cost
 * crt0 some 2,000 cycles of every boot. */
__attribute__((section(".noinit"))) static int16_t stage[FML_STAGE_WORDS];

/* What the stage holds: channels [lo, hi] of layer index_plus_1 - 1 (0: nothing), and the
 * pointers fml_stage_unit gave the layer for them. */
static struct {
  uint16_t index_plus_1, lo, hi;
  const int16_t *weights, *bias_words;
  const uint16_t *row_ptr, *col_idx;
} staged;

static void copy_far(int16_t* dst, uint32_t src, uint16_t words) {
  if (words) fml_far_copy(dst, (uint16_t)src, (uint16_t)(src >> 16), words);
}

/* `p` moved back by `words` words, in 16-bit address arithmetic (see the top comment). */
static const int16_t* back(const int16_t* p, uint32_t words) {
  return (const int16_t*)(uintptr_t)((uintptr_t)p - (uintptr_t)(words * 2u));
}

static uint16_t meta_bytes(const uint8_t* h, uint16_t* bytes) {
  uint32_t end = (uint32_t)fml_u16(h, FML_HDR_LAYER_TABLE) +
                 (uint32_t)fml_u16(h, FML_HDR_LAYER_COUNT) * FML_LAYER_BYTES;
  const uint16_t taps = fml_u16(h, FML_HDR_TAP_COUNT);
  if (taps) {
    const uint32_t t = (uint32_t)fml_u16(h, FML_HDR_TAP_TABLE) + (uint32_t)taps * FML_TAP_BYTES;
    const uint32_t x =
        (uint32_t)fml_u16(h, FML_HDR_EXIT_BIAS) + 4ul * (uint32_t)fml_u16(h, FML_HDR_NUM_CLASSES);
    if (t > end) end = t;
    if (x > end) end = x;
  }
  if (end > FML_META_BYTES) return FML_ERR_META;
  *bytes = (uint16_t)((end + 1u) & ~1ul);
  return FML_OK;
}

const uint8_t* fml_model_meta(uint16_t* error) {
  int16_t crc[2];
  copy_far(crc, freeml_model_addr + FML_HDR_CRC32, 2);
  if (meta_crc_set && (uint16_t)crc[0] == meta_crc[0] && (uint16_t)crc[1] == meta_crc[1])
    return meta;
  meta_crc_set = 0;
  copy_far((int16_t*)meta, freeml_model_addr, FML_HDR_BYTES / 2u);
  uint16_t bytes = 0;
  *error = meta_bytes(meta, &bytes);
  if (*error != FML_OK) return 0;
  /* The caller checks the blob (fml_check_blob) from the complete copy. */
  copy_far((int16_t*)meta, freeml_model_addr, (uint16_t)(bytes / 2u));
  meta_crc[0] = (uint16_t)crc[0];
  meta_crc[1] = (uint16_t)crc[1];
  __asm__ volatile("" ::: "memory");
  meta_crc_set = 1; /* the copy is complete */
  return meta;
}

void fml_stage_forget(void) {
  staged.index_plus_1 = 0;
}

uint16_t fml_stage_unit(uint16_t layer, fml_layer* L, uint16_t c_lo, uint16_t c_hi) {
  if (!L->far_weights && !L->far_bias) return FML_OK; /* pools, relu, flatten */
  if (staged.index_plus_1 != layer + 1u || c_lo < staged.lo || c_hi > staged.hi) {
    const uint16_t channels = (uint16_t)(c_hi - c_lo + 1u);
    int16_t* at = stage;
    uint32_t words = L->far_bias ? 2ul * channels : 0;
    staged.index_plus_1 = 0;
    staged.bias_words = 0;
    staged.row_ptr = staged.col_idx = 0;
    if (L->far_bias) {
      copy_far(at, L->far_bias + 4ul * c_lo, (uint16_t)words);
      staged.bias_words = back(at, 2ul * c_lo);
      at += words;
    }
    if (L->flags & FML_FLAG_CSR) {
      /* row_ptr[c_lo .. c_hi + 1], then the column indices and values of those rows. */
      words += channels + 1u;
      if (words > FML_STAGE_WORDS) return FML_ERR_STAGE;
      copy_far(at, L->far_weights + 2ul * c_lo, (uint16_t)(channels + 1u));
      const uint16_t k0 = (uint16_t)at[0], k1 = (uint16_t)at[channels];
      staged.row_ptr = (const uint16_t*)back(at, c_lo);
      at += channels + 1u;
      words += 2ul * (uint16_t)(k1 - k0);
      if (k1 < k0 || words > FML_STAGE_WORDS) return FML_ERR_STAGE;
      const uint32_t col_far = L->far_weights + 2ul * (L->out_c + 1ul);
      copy_far(at, col_far + 2ul * k0, (uint16_t)(k1 - k0));
      staged.col_idx = (const uint16_t*)back(at, k0);
      at += k1 - k0;
      copy_far(at, col_far + 2ul * L->nnz + 2ul * k0, (uint16_t)(k1 - k0));
      staged.weights = back(at, k0);
    } else {
      const uint32_t row = (uint32_t)channels * L->row_words;
      words += row;
      if (words > FML_STAGE_WORDS) return FML_ERR_STAGE;
      const uint32_t first = (uint32_t)c_lo * L->row_words;
      copy_far(at, L->far_weights + 2ul * first, (uint16_t)row);
      staged.weights = back(at, first);
    }
    staged.lo = c_lo;
    staged.hi = c_hi;
    staged.index_plus_1 = (uint16_t)(layer + 1u);
  }
  L->weights = staged.weights;
  L->bias_words = staged.bias_words;
  L->row_ptr = staged.row_ptr;
  L->col_idx = staged.col_idx;
  return FML_OK;
}

const int16_t* fml_stage_tap(const uint8_t* rec, uint16_t classes, uint16_t c0, uint16_t c1,
                             uint16_t* stride) {
  const uint16_t cells = (uint16_t)(rec[FML_T_GRID_H] * rec[FML_T_GRID_W]);
  const uint16_t features = *(const uint16_t*)(rec + FML_T_FEATURES);
  const uint16_t seg = (uint16_t)((c1 - c0) * cells); /* features of these channels */
  staged.index_plus_1 = 0;                            /* the layer's rows are overwritten */
  if ((uint32_t)seg * classes > FML_STAGE_WORDS) return 0;
  uint32_t src = freeml_model_addr + fml_u32(rec, FML_T_WEIGHTS) + 2ul * c0 * cells;
  int16_t* at = stage;
  for (uint16_t c = 0; c < classes; ++c, at += seg, src += 2ul * features) copy_far(at, src, seg);
  *stride = seg;
  return back(stage, (uint32_t)c0 * cells);
}

void fml_fail(uint16_t error) {
  hostio_mark(FML_MARK_ERROR, error);
  hostio_exit(3);
  for (;;) {
  }
}

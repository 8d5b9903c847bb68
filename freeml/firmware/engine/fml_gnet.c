/* gNet exit branch on the device (FORMAT.md "gNet exit branch"): the tapped layer's output is
 * max-pooled to the tap's grid and multiplied by that tap's block of the shared exit classifier.
 * The tap's channels are taken in parts (the tap record's unit_channels), each an idempotent unit
 * of the runtime: a part adds its channels' products to full-precision partial sums, and only
 * the last part rounds the sums into the running exit logits. No pooled buffer: each pooled
 * feature is used for every class as soon as it is known.
 */
#include "fml_mac.h"
#include "freeml/engine.h"

static int32_t round_shift32(int32_t acc, uint8_t shift) {
  if (shift == 0) return acc;
  return fml_sar32((int32_t)((uint32_t)acc + (fml_pow2(shift) >> 1)), shift);
}

static const uint8_t* tap_record(const uint8_t* b, uint16_t tap) {
  return b + fml_u16(b, FML_HDR_TAP_TABLE) + tap * FML_TAP_BYTES;
}

uint16_t fml_tap_channels_per_part(const uint8_t* b, uint16_t tap, const fml_layer* L) {
  const uint16_t per = *(const uint16_t*)(tap_record(b, tap) + FML_T_UNIT_CHANNELS);
  return per ? per : L->out_c;
}

/* Adaptive max-pool cells along one axis: cell i of n over `size` elements spans
 * [floor(i * size / n), ceil((i + 1) * size / n)). Both bounds are kept as quotient and remainder
 * and advanced by `size` per cell, so the walk needs no division (each costs hundreds of cycles
 * through __mspabi_divu); the whole walk costs O(size) subtractions. */
typedef struct {
  uint16_t lo, lo_rem, hi, hi_rem, size, n;
} cell_walk;

static void advance(uint16_t* q, uint16_t* r, uint16_t size, uint16_t n) {
  *r += size;
  while (*r >= n) {
    *r -= n;
    ++*q;
  }
}

static void walk_start(cell_walk* w, uint16_t size, uint16_t n) {
  w->lo = w->lo_rem = w->hi = w->hi_rem = 0;
  w->size = size;
  w->n = n;
  advance(&w->hi, &w->hi_rem, size, n);
}

static uint16_t walk_hi(const cell_walk* w) {
  return (uint16_t)(w->hi + (w->hi_rem != 0u));
}

static void walk_next(cell_walk* w) {
  advance(&w->lo, &w->lo_rem, w->size, w->n);
  advance(&w->hi, &w->hi_rem, w->size, w->n);
}

void fml_tap_part(const uint8_t* b, uint16_t tap, const fml_layer* L, const int16_t* out,
                  uint16_t c0, uint16_t c1, const int32_t* sums_in, int32_t* sums_out) {
  const uint8_t* rec = tap_record(b, tap);
  const uint16_t gh = rec[FML_T_GRID_H], gw = rec[FML_T_GRID_W];
  const uint16_t classes = fml_u16(b, FML_HDR_NUM_CLASSES);
  /* W + f + c * stride: the weight of feature f for class c. */
#if FML_MODEL_UPPER
  uint16_t stride = 0;
  const int16_t* W = fml_stage_tap(rec, classes, c0, c1, &stride);
  if (!W) fml_fail(FML_ERR_STAGE);
#else
  const uint16_t stride = *(const uint16_t*)(rec + FML_T_FEATURES);
  const int16_t* W = (const int16_t*)(b + *(const uint16_t*)(rec + FML_T_WEIGHTS));
#endif
  const uint16_t H = L->out_h, Wd = L->out_w;
  int32_t acc[FML_MAX_CLASSES];
  for (uint16_t c = 0; c < classes; ++c) acc[c] = c0 ? sums_in[c] : 0;
  uint16_t f = (uint16_t)(c0 * (uint16_t)(gh * gw));
  const int16_t* plane = out + c0 * (uint16_t)(H * Wd);
  for (uint16_t ch = c0; ch < c1; ++ch, plane += H * Wd) {
    cell_walk rows;
    walk_start(&rows, H, gh);
    for (uint16_t i = 0; i < gh; ++i, walk_next(&rows)) {
      const uint16_t y1 = walk_hi(&rows);
      cell_walk cols;
      walk_start(&cols, Wd, gw);
      for (uint16_t j = 0; j < gw; ++j, ++f, walk_next(&cols)) {
        const uint16_t x1 = walk_hi(&cols);
        int16_t best = -32768;
        const int16_t* row = plane + rows.lo * Wd;
        for (uint16_t y = rows.lo; y < y1; ++y, row += Wd) {
          for (uint16_t x = cols.lo; x < x1; ++x)
            if (row[x] > best) best = row[x];
        }
        const int16_t* wp = W + f;
        for (uint16_t c = 0; c < classes; ++c, wp += stride) {
          fml_mac_load(acc[c]);
          fml_mac(*wp, best);
          acc[c] = fml_mac_read();
        }
      }
    }
  }
  for (uint16_t c = 0; c < classes; ++c) sums_out[c] = acc[c];
}

void fml_tap_finish(const uint8_t* b, uint16_t tap, const int32_t* sums, const int32_t* logits_in,
                    int32_t* logits_out) {
  const uint8_t* rec = tap_record(b, tap);
  const uint16_t layer = *(const uint16_t*)(rec + FML_T_LAYER);
  const uint8_t* lrec = b + fml_u16(b, FML_HDR_LAYER_TABLE) + layer * FML_LAYER_BYTES;
  const uint8_t shift = (uint8_t)((int8_t)lrec[FML_L_OUT_FRAC] + (int8_t)rec[FML_T_W_FRAC] -
                                  (int8_t)b[FML_HDR_LOGIT_FRAC]);
  const uint16_t classes = fml_u16(b, FML_HDR_NUM_CLASSES);
  for (uint16_t c = 0; c < classes; ++c)
    logits_out[c] = (int32_t)((uint32_t)logits_in[c] + (uint32_t)round_shift32(sums[c], shift));
}

void fml_top1(const int32_t* logits, uint16_t n, uint16_t* cls, int32_t* margin) {
  uint16_t best = 0;
  for (uint16_t c = 1; c < n; ++c)
    if (logits[c] > logits[best]) best = c;
  *cls = best;
  if (n < 2) {
    *margin = 0;
    return;
  }
  uint8_t have = 0;
  int32_t second = 0;
  for (uint16_t c = 0; c < n; ++c) {
    if (c == best) continue;
    if (!have || logits[c] > second) second = logits[c];
    have = 1;
  }
  *margin = (int32_t)((uint32_t)logits[best] - (uint32_t)second);
}

uint16_t fml_should_exit(const uint8_t* b, const int32_t* logits) {
  const uint8_t policy = b[FML_HDR_POLICY];
  if (policy & FML_POLICY_CONFIDENCE) {
    uint16_t cls;
    int32_t margin;
    fml_top1(logits, fml_u16(b, FML_HDR_NUM_CLASSES), &cls, &margin);
    if (margin >= fml_i32(b, FML_HDR_CONF_MARGIN)) return 1;
  }
  if (policy & FML_POLICY_ENERGY) {
    if (fml_supply_below_mv(fml_u16(b, FML_HDR_ENERGY_MV))) return 1;
  }
  return 0;
}

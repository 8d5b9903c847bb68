/* gNet exit branch on the device (FORMAT.md "gNet exit branch"): the tapped layer's output is
 * max-pooled to the tap's grid and multiplied by that tap's block of the shared exit classifier,
 * and the result is added to the running exit logits. One pass over the output, no buffer: each
 * pooled feature is used for every class as soon as it is known.
 */
#include "fml_mac.h"
#include "freeml/engine.h"

static int32_t round_shift32(int32_t acc, uint8_t shift) {
  if (shift == 0) return acc;
  return (int32_t)((uint32_t)acc + ((uint32_t)1 << (shift - 1u))) >> shift;
}

void fml_tap_accumulate(const uint8_t* b, uint16_t tap, const fml_layer* L, const int16_t* out,
                        const int32_t* logits_in, int32_t* logits_out) {
  const uint8_t* rec = b + fml_u16(b, FML_HDR_TAP_TABLE) + tap * FML_TAP_BYTES;
  const uint16_t layer = *(const uint16_t*)(rec + FML_T_LAYER);
  const uint8_t* lrec = b + fml_u16(b, FML_HDR_LAYER_TABLE) + layer * FML_LAYER_BYTES;
  const uint8_t shift = (uint8_t)((int8_t)lrec[FML_L_OUT_FRAC] + (int8_t)rec[FML_T_W_FRAC] -
                                  (int8_t)b[FML_HDR_LOGIT_FRAC]);
  const uint16_t gh = rec[FML_T_GRID_H], gw = rec[FML_T_GRID_W];
  const uint16_t features = *(const uint16_t*)(rec + FML_T_FEATURES);
  const int16_t* W = (const int16_t*)(b + *(const uint16_t*)(rec + FML_T_WEIGHTS));
  const uint16_t classes = fml_u16(b, FML_HDR_NUM_CLASSES);
  const uint16_t H = L->out_h, Wd = L->out_w;
  int32_t acc[FML_MAX_CLASSES];
  for (uint16_t c = 0; c < classes; ++c) acc[c] = 0;
  uint16_t f = 0;
  for (uint16_t ch = 0; ch < L->out_c; ++ch) {
    const int16_t* plane = out + ch * (uint16_t)(H * Wd);
    for (uint16_t i = 0; i < gh; ++i) {
      const uint16_t y0 = (uint16_t)(i * H / gh), y1 = (uint16_t)(((i + 1u) * H + gh - 1u) / gh);
      for (uint16_t j = 0; j < gw; ++j, ++f) {
        const uint16_t x0 = (uint16_t)(j * Wd / gw);
        const uint16_t x1 = (uint16_t)(((j + 1u) * Wd + gw - 1u) / gw);
        int16_t best = -32768;
        for (uint16_t y = y0; y < y1; ++y) {
          const int16_t* row = plane + y * Wd;
          for (uint16_t x = x0; x < x1; ++x)
            if (row[x] > best) best = row[x];
        }
        const int16_t* wp = W + f;
        for (uint16_t c = 0; c < classes; ++c, wp += features) {
          fml_mac_load(acc[c]);
          fml_mac(*wp, best);
          acc[c] = fml_mac_read();
        }
      }
    }
  }
  for (uint16_t c = 0; c < classes; ++c)
    logits_out[c] = (int32_t)((uint32_t)logits_in[c] + (uint32_t)round_shift32(acc[c], shift));
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
    if (fml_supply_mv() < fml_u16(b, FML_HDR_ENERGY_MV)) return 1;
  }
  return 0;
}

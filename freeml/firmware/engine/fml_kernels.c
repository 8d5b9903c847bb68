/* Fixed-point layer kernels (FORMAT.md "Numbers"), each computing the output elements [e0, e1)
 * (CHW order) of one layer: the engine's idempotent unit of work. A unit may start and end inside a
 * channel or a row, so one unit stays small enough for one charge of a small capacitor whatever
 * the layer's shape. Tensors are CHW i16 in FRAM.
 *
 * Dot products run on the MPY32 accumulator (fml_mac.h): every pointer or index used between
 * fml_mac_load and fml_mac_read is advanced by additions or looked up in the SRAM tables below,
 * because a C multiplication there would call __mspabi_mpyi and overwrite the accumulator.
 */
#include "fml_mac.h"
#include "freeml/engine.h"

/* CSR conv2d/pointwise: offset of input channel ci (ci * in_h * in_w) and of kernel row ky
 * (ky * in_w), filled once per unit. In .noinit: crt0 would spend some 3,700 cycles of every boot
 * clearing them, and every boot of an intermittent device counts. */
__attribute__((section(".noinit"))) static uint16_t ch_off[FML_MAX_CSR_IN_C];
__attribute__((section(".noinit"))) static uint16_t row_off[16];

static void fill_tables(const fml_layer* L, uint16_t channels) {
  const uint16_t hw = (uint16_t)(L->in_h * L->in_w);
  uint16_t off = 0;
  for (uint16_t c = 0; c < channels; ++c, off += hw) ch_off[c] = off;
  off = 0;
  for (uint16_t k = 0; k < 16u; ++k, off += L->in_w) row_off[k] = off;
}

static inline int16_t clamp_hi(int16_t v, int16_t hi) {
  return v < hi ? v : hi;
}

/* conv2d and depthwise conv2d, dense or CSR weights. */
static void conv(const fml_layer* L, const int16_t* in, int16_t* out, uint16_t e0, uint16_t e1,
                 const fml_pos* at) {
  const uint8_t dw = L->kind == FML_DWCONV2D;
  const uint8_t csr = (L->flags & FML_FLAG_CSR) != 0;
  const uint8_t relu = L->flags & FML_FLAG_RELU;
  const uint16_t in_hw = (uint16_t)(L->in_h * L->in_w);
  const uint16_t khw = (uint16_t)(L->kh * L->kw);
  const uint16_t wrow = dw ? khw : (uint16_t)(L->in_c * khw);
  const int16_t row_step = (int16_t)(L->sh * L->in_w);
  const uint16_t channels = dw ? 1u : L->in_c;
  if (csr) fill_tables(L, dw ? 1u : L->in_c);
  fml_pos p = *at;
  uint16_t left = (uint16_t)(e1 - e0);
  int16_t* o = out + e0;
  for (uint16_t co = p.c; left != 0; ++co, p.y = 0, p.x = 0) {
    const int32_t bias = fml_bias(L->bias_words, co);
    const int16_t* wco = L->weights + co * wrow;
    const int16_t* xch = dw ? in + co * in_hw : in;
    uint16_t k0 = 0, k1 = 0;
    if (csr) {
      k0 = L->row_ptr[co];
      k1 = L->row_ptr[co + 1u];
    }
    int16_t iy0 = (int16_t)((int16_t)(p.y * L->sh) - L->ph);
    int16_t yoff = (int16_t)(iy0 * (int16_t)L->in_w);
    for (uint16_t oy = p.y; oy < L->out_h && left != 0;
         ++oy, iy0 += L->sh, yoff += row_step, p.x = 0) {
      const int16_t ky_lo = iy0 < 0 ? (int16_t)-iy0 : 0;
      const int16_t ky_hi = clamp_hi((int16_t)L->kh, (int16_t)((int16_t)L->in_h - iy0));
      int16_t ix0 = (int16_t)((p.x ? (int16_t)(p.x * L->sw) : 0) - L->pw);
      for (uint16_t ox = p.x; ox < L->out_w && left != 0; ++ox, ix0 += L->sw, --left) {
        const int16_t kx_lo = ix0 < 0 ? (int16_t)-ix0 : 0;
        const int16_t kx_hi = clamp_hi((int16_t)L->kw, (int16_t)((int16_t)L->in_w - ix0));
        const int16_t* origin = xch + yoff + ix0; /* input element of kernel tap (0, 0) */
        FML_OPAQUE(origin);
        if (csr) {
          fml_mac_load(bias);
          for (uint16_t k = k0; k < k1; ++k) {
            const uint16_t col = L->col_idx[k];
            const int16_t ky = (int16_t)((col >> 4) & 15u), kx = (int16_t)(col & 15u);
            if (ky < ky_lo || ky >= ky_hi || kx < kx_lo || kx >= kx_hi) continue;
            fml_mac(L->weights[k], origin[ch_off[col >> 8] + row_off[ky] + kx]);
          }
        } else {
          const int16_t n = kx_hi - kx_lo;
          /* Skip the padding rows by addition: ky_lo is at most pad_h. */
          const int16_t* wc = wco + kx_lo;
          const int16_t* xc = origin + kx_lo;
          for (int16_t ky = 0; ky < ky_lo; ++ky) {
            wc += L->kw;
            xc += L->in_w;
          }
          FML_OPAQUE(wc);
          FML_OPAQUE(xc);
          fml_mac_load(bias);
          for (uint16_t ci = 0; ci < channels; ++ci, wc += khw, xc += in_hw) {
            const int16_t* wr = wc;
            const int16_t* xr = xc;
            for (int16_t ky = ky_lo; ky < ky_hi; ++ky, wr += L->kw, xr += L->in_w) {
              const int16_t* wp = wr;
              const int16_t* xp = xr;
              for (int16_t k = n; k > 0; --k) fml_mac(*wp++, *xp++);
            }
          }
        }
        *o++ = fml_finish(fml_mac_read(), L->shift, L->round, relu);
      }
    }
  }
}

static void pointwise(const fml_layer* L, const int16_t* in, int16_t* out, uint16_t e0, uint16_t e1,
                      const fml_pos* at) {
  const uint16_t hw = (uint16_t)(L->in_h * L->in_w);
  const uint8_t relu = L->flags & FML_FLAG_RELU;
  const uint8_t csr = (L->flags & FML_FLAG_CSR) != 0;
  if (csr) fill_tables(L, L->in_c);
  uint16_t co = at->c;
  uint16_t p = (uint16_t)(at->y * L->out_w + at->x);
  uint16_t left = (uint16_t)(e1 - e0);
  int16_t* o = out + e0;
  for (; left != 0; ++co, p = 0) {
    const int32_t bias = fml_bias(L->bias_words, co);
    const int16_t* w = L->weights + co * L->in_c;
    FML_OPAQUE(w);
    uint16_t k0 = 0, k1 = 0;
    if (csr) {
      k0 = L->row_ptr[co];
      k1 = L->row_ptr[co + 1u];
    }
    for (; p < hw && left != 0; ++p, --left) {
      const int16_t* x = in + p;
      fml_mac_load(bias);
      if (csr) {
        for (uint16_t k = k0; k < k1; ++k) fml_mac(L->weights[k], x[ch_off[L->col_idx[k]]]);
      } else {
        const int16_t* wp = w;
        for (uint16_t ci = L->in_c; ci != 0; --ci, x += hw) fml_mac(*wp++, *x);
      }
      *o++ = fml_finish(fml_mac_read(), L->shift, L->round, relu);
    }
  }
}

/* An output element of a dense layer is one output neuron. */
static void dense(const fml_layer* L, const int16_t* in, int16_t* out, uint16_t e0, uint16_t e1) {
  const uint16_t n = (uint16_t)(L->in_c * L->in_h * L->in_w);
  const uint8_t relu = L->flags & FML_FLAG_RELU;
  for (uint16_t co = e0; co < e1; ++co) {
    const int32_t bias = fml_bias(L->bias_words, co);
    if (L->flags & FML_FLAG_CSR) {
      const uint16_t k1 = L->row_ptr[co + 1u];
      fml_mac_load(bias);
      for (uint16_t k = L->row_ptr[co]; k < k1; ++k) fml_mac(L->weights[k], in[L->col_idx[k]]);
    } else {
      const int16_t* w = L->weights + co * n;
      FML_OPAQUE(w);
      fml_mac_load(bias);
      const int16_t* xp = in;
      for (uint16_t i = n; i != 0; --i) fml_mac(*w++, *xp++);
    }
    out[co] = fml_finish(fml_mac_read(), L->shift, L->round, relu);
  }
}

/* Average with rounding half away from zero (FORMAT.md), saturated. */
static int16_t average(int32_t sum, int16_t n) {
  const int32_t q = sum >= 0 ? (sum + n / 2) / n : -((-sum + n / 2) / n);
  if (q > 32767) return 32767;
  if (q < -32768) return -32768;
  return (int16_t)q;
}

static void pool(const fml_layer* L, const int16_t* in, int16_t* out, uint16_t e0, uint16_t e1,
                 const fml_pos* at) {
  const uint8_t is_max = L->kind == FML_MAXPOOL;
  const uint8_t relu = L->flags & FML_FLAG_RELU;
  const uint16_t in_hw = (uint16_t)(L->in_h * L->in_w);
  const int16_t n = (int16_t)(L->kh * L->kw);
  fml_pos p = *at;
  uint16_t left = (uint16_t)(e1 - e0);
  int16_t* o = out + e0;
  for (uint16_t c = p.c; left != 0; ++c, p.y = 0, p.x = 0) {
    const int16_t* xc = in + c * in_hw;
    for (uint16_t oy = p.y; oy < L->out_h && left != 0; ++oy, p.x = 0) {
      const int16_t* xrow = xc + oy * L->sh * L->in_w + p.x * L->sw;
      for (uint16_t ox = p.x; ox < L->out_w && left != 0; ++ox, xrow += L->sw, --left) {
        int32_t sum = 0;
        int16_t best = -32768;
        const int16_t* xr = xrow;
        for (uint16_t ky = 0; ky < L->kh; ++ky, xr += L->in_w) {
          for (uint16_t kx = 0; kx < L->kw; ++kx) {
            const int16_t v = xr[kx];
            sum += v;
            if (v > best) best = v;
          }
        }
        int16_t v = is_max ? best : average(sum, n);
        if (relu && v < 0) v = 0;
        *o++ = v;
      }
    }
  }
}

/* An output element of a global average pool is one channel. */
static void gap(const fml_layer* L, const int16_t* in, int16_t* out, uint16_t e0, uint16_t e1) {
  const uint16_t hw = (uint16_t)(L->in_h * L->in_w);
  for (uint16_t c = e0; c < e1; ++c) {
    const int16_t* x = in + c * hw;
    int32_t sum = 0;
    for (uint16_t p = 0; p < hw; ++p) sum += x[p];
    int16_t v = average(sum, (int16_t)hw);
    if ((L->flags & FML_FLAG_RELU) && v < 0) v = 0;
    out[c] = v;
  }
}

/* relu and flatten: element copy (both keep the CHW order). */
static void copy(const fml_layer* L, const int16_t* in, int16_t* out, uint16_t e0, uint16_t e1) {
  const uint8_t relu = L->kind == FML_RELU || (L->flags & FML_FLAG_RELU);
  for (uint16_t i = e0; i < e1; ++i) {
    const int16_t v = in[i];
    out[i] = (relu && v < 0) ? 0 : v;
  }
}

void fml_run_unit(const fml_layer* L, const int16_t* in, int16_t* out, uint16_t e0, uint16_t e1,
                  const fml_pos* at) {
  switch (L->kind) {
    case FML_CONV2D:
    case FML_DWCONV2D:
      conv(L, in, out, e0, e1, at);
      break;
    case FML_POINTWISE:
      pointwise(L, in, out, e0, e1, at);
      break;
    case FML_DENSE:
      dense(L, in, out, e0, e1);
      break;
    case FML_MAXPOOL:
    case FML_AVGPOOL:
      pool(L, in, out, e0, e1, at);
      break;
    case FML_GAP:
      gap(L, in, out, e0, e1);
      break;
    default:
      copy(L, in, out, e0, e1);
      break;
  }
}

/* FreeML inference engine for the MSP430FR5994 (freeml/firmware/engine): decoding of the model
 * blob (freeml/FORMAT.md), the fixed-point layer kernels, the gNet exit branch, and the
 * intermittent runtime that keeps inference progress in FRAM.
 */
#ifndef FREEML_ENGINE_H
#define FREEML_ENGINE_H

#include <stdint.h>

#include "freeml/model_format.h"

/* FML_MODEL_UPPER (freeml_infer_upper.elf): the blob lives in FRAM above 64 KB, which clang's
 * 16-bit code cannot address; fml_far.c copies what each step needs with the DMA. */
#ifndef FML_MODEL_UPPER
#define FML_MODEL_UPPER 0
#endif

/* Capacities of the shipped firmware (FORMAT.md "Firmware side"). */
#if FML_MODEL_UPPER
#define FML_MODEL_CAPACITY FML_UPPER_MAX_BYTES
#define FML_STORAGE FML_STORAGE_UPPER
#else
#define FML_MODEL_CAPACITY 16384u
#define FML_STORAGE FML_STORAGE_LOWER
#endif
#define FML_ACT_CAPACITY_WORDS 5120u
/* CSR conv2d and pointwise layers look input channel offsets up in an SRAM table. */
#define FML_MAX_CSR_IN_C 512u
/* Upper engine: an SRAM buffer for one step's weights, bias and CSR rows (FORMAT.md "Storage");
 * the compiler sizes units to fit it. The header, layer and tap tables and the exit bias are kept
 * in a near FRAM copy of at most FML_META_BYTES. */
#define FML_STAGE_WORDS 2048u
#define FML_META_BYTES                                                                 \
  (FML_HDR_BYTES + FML_MAX_LAYERS * FML_LAYER_BYTES + FML_MAX_LAYERS * FML_TAP_BYTES + \
   4u * FML_MAX_CLASSES)

/* Blob storage: an ELF symbol the simulator overwrites (`ehsim exec --load FILE@freeml_model`).
 * The upper engine's is at 0x10000 (fml_model_upper.S) and only its address is visible to C. */
#if FML_MODEL_UPPER
extern const uint32_t freeml_model_addr;
#else
extern const uint8_t freeml_model[FML_MODEL_CAPACITY];
#endif

/* Reasons fml_check_blob rejects a blob (FML_MARK_ERROR argument). */
enum fml_error {
  FML_OK = 0,
  FML_ERR_MAGIC = 1,
  FML_ERR_VERSION = 2,
  FML_ERR_SIZE = 3,     /* total_bytes larger than FML_MODEL_CAPACITY */
  FML_ERR_LIMITS = 4,   /* layers, classes or activation words beyond the engine's limits */
  FML_ERR_SAMPLE = 5,   /* a sample's word count differs from the model's input */
  FML_ERR_CSR_IN_C = 6, /* a CSR conv2d/pointwise layer with more than FML_MAX_CSR_IN_C inputs */
  FML_ERR_STORAGE = 7,  /* the blob is planned for the other engine (header storage) */
  FML_ERR_STAGE = 8,    /* upper engine: a step needs more than FML_STAGE_WORDS staged words */
  FML_ERR_META = 9      /* upper engine: header and tables longer than FML_META_BYTES */
};

/* One layer, decoded from its 32-byte record into SRAM at the start of each unit. */
typedef struct {
  uint8_t kind, flags;
  uint8_t shift;  /* accumulator shift in_frac + w_frac - out_frac */
  uint32_t round; /* 2^(shift-1), or 0: the rounding term added before the shift */
  uint16_t in_c, in_h, in_w;
  uint16_t out_c, out_h, out_w;
  uint8_t kh, kw, sh, sw, ph, pw;
  uint16_t unit_elements;    /* output elements per unit, CHW order; never 0 after decoding */
  uint16_t out_elements;     /* out_c * out_h * out_w */
  const int16_t* weights;    /* dense weights, or CSR values */
  const uint16_t* row_ptr;   /* CSR only */
  const uint16_t* col_idx;   /* CSR only */
  const int16_t* bias_words; /* i32 bias as little-endian word pairs, or 0 */
#if FML_MODEL_UPPER
  /* Where the weights and bias are in upper FRAM (20-bit addresses; 0: none), and the words of
   * one output channel's dense weight row. The pointers above point into the stage once
   * fml_stage_unit has copied a unit's channels there. */
  uint32_t far_weights, far_bias;
  uint16_t row_words, nnz;
#endif
} fml_layer;

static inline uint16_t fml_u16(const uint8_t* blob, uint16_t off) {
  return *(const uint16_t*)(blob + off);
}
static inline int32_t fml_i32(const uint8_t* blob, uint16_t off) {
  const uint16_t* p = (const uint16_t*)(blob + off);
  return (int32_t)(((uint32_t)p[1] << 16) | p[0]);
}

static inline uint32_t fml_u32(const uint8_t* blob, uint16_t off) {
  const uint16_t* p = (const uint16_t*)(blob + off);
  return ((uint32_t)p[1] << 16) | p[0];
}

/* fml_blob.c */
uint16_t fml_check_blob(const uint8_t* blob);
void fml_decode_layer(const uint8_t* blob, uint16_t index, fml_layer* layer);
uint32_t fml_pow2(uint8_t n); /* 2^n, n < 32 */

uint16_t fml_tap_of_layer(const uint8_t* blob, uint16_t layer); /* tap index, or 0xFFFF */

/* Where an output element lies: channel, row, column. The runtime keeps the position of the next
 * element with its index, so no unit needs a division to find where it starts. */
typedef struct {
  uint16_t c, y, x;
} fml_pos;
/* Moves `pos` n elements on in a (c, h, w) tensor, by subtraction. */
void fml_advance(fml_pos* pos, uint16_t n, uint16_t h, uint16_t w);

/* fml_kernels.c: computes the output elements [e0, e1) (CHW order; e0 lies at `at`) of `layer`
 * from `in` into `out`. Reads only `in` and the blob and writes only those elements of `out`, so
 * re-running it is harmless. */
void fml_run_unit(const fml_layer* layer, const int16_t* in, int16_t* out, uint16_t e0, uint16_t e1,
                  const fml_pos* at);

/* fml_gnet.c: the gNet exit branch in parts (FORMAT.md "gNet exit branch"). A tap's channels are
 * taken `unit_channels` at a time; the part of channels [c0, c1) adds their contribution to the
 * partial sums: sums_out = (c0 == 0 ? 0 : sums_in) + W_k[c0..c1) * tap_k[c0..c1). */
uint16_t fml_tap_channels_per_part(const uint8_t* blob, uint16_t tap, const fml_layer* layer);
void fml_tap_part(const uint8_t* blob, uint16_t tap, const fml_layer* layer, const int16_t* out,
                  uint16_t c0, uint16_t c1, const int32_t* sums_in, int32_t* sums_out);
/* After the last part: L_out = L_in + round_shift(sums, s_k). */
void fml_tap_finish(const uint8_t* blob, uint16_t tap, const int32_t* sums,
                    const int32_t* logits_in, int32_t* logits_out);
/* argmax (first on ties) and top-1 minus top-2 margin. */
void fml_top1(const int32_t* logits, uint16_t n, uint16_t* cls, int32_t* margin);
/* Whether the policy in the blob header asks to exit with these logits now. */
uint16_t fml_should_exit(const uint8_t* blob, const int32_t* logits);

#if FML_MODEL_UPPER
/* fml_far.c: the near copy of the blob's header and tables (refreshed when the blob's CRC
 * differs from the copy's), or 0 with *error set. */
const uint8_t* fml_model_meta(uint16_t* error);
/* Copies the weights, bias and CSR rows of output channels [c_lo, c_hi] of `layer` into the
 * stage unless they are there already, and points the layer's pointers at them as if the whole
 * layer were near. Returns FML_OK or FML_ERR_STAGE. */
uint16_t fml_stage_unit(uint16_t layer, fml_layer* L, uint16_t c_lo, uint16_t c_hi);
/* Copies the exit weights of tapped channels [c0, c1) of the tap record `rec` into the stage;
 * returns W with W + f + c * (*stride) the weight of feature f for class c, or 0 if they do not
 * fit. */
const int16_t* fml_stage_tap(const uint8_t* rec, uint16_t classes, uint16_t c0, uint16_t c1,
                             uint16_t* stride);
/* After a boot (and, in freeml_infer_units.elf, after every commit) nothing is staged. */
void fml_stage_forget(void);
/* A blob the compiler should have refused (FML_ERR_STAGE): reports the error and stops with
 * host exit code 3. */
__attribute__((noreturn)) void fml_fail(uint16_t error);
/* fml_far_copy.S: a DMA block copy of `words` words from the 20-bit address src_hi:src_lo. */
void fml_far_copy(int16_t* dst, uint16_t src_lo, uint16_t src_hi, uint16_t words);
#endif

/* fml_supply.c: whether the supply measured by ADC12_B (A31 = AVCC/2) is below `mv`. */
uint16_t fml_supply_below_mv(uint16_t mv);
/* Sleeps in LPM3 for `ticks` periods of VLO (fml_sleep.c; Timer_A0 is used). */
void fml_sleep_vlo_ticks(uint16_t ticks);

/* fml_runtime.c: runs inference on every sample host_io offers, resuming after any power loss
 * from the last committed unit; returns the host exit code (0 when the samples are exhausted). */
int fml_run(void);

#endif

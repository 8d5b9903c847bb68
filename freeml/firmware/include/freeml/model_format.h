/* FreeML model blob and sample file: the binary layout shared by the MSP430 firmware (C11, clang
 * --target=msp430) and the host tools (C++17). freeml/FORMAT.md is the normative description;
 * this header only names the constants and offsets it defines, so neither side ever relies on a
 * C struct's padding: every field is read and written at an explicit byte offset, little endian.
 */
#ifndef FREEML_MODEL_FORMAT_H
#define FREEML_MODEL_FORMAT_H

#include <stdint.h>

/* ---- Model blob header (FML_HDR_BYTES bytes at offset 0) ---------------------------------- */
#define FML_MAGIC0 'F'
#define FML_MAGIC1 'M'
#define FML_MAGIC2 'L'
#define FML_MAGIC3 'B'
#define FML_VERSION 1u
#define FML_HDR_BYTES 48u

#define FML_HDR_MAGIC 0u          /* 4 x char: "FMLB" */
#define FML_HDR_VERSION 4u        /* u16 */
#define FML_HDR_HEADER_BYTES 6u   /* u16: FML_HDR_BYTES */
#define FML_HDR_TOTAL_BYTES 8u    /* u32: size of the whole blob */
#define FML_HDR_CRC32 12u         /* u32: CRC-32/IEEE of bytes [16, total_bytes) */
#define FML_HDR_LAYER_COUNT 16u   /* u16 */
#define FML_HDR_LAYER_TABLE 18u   /* u16: byte offset of the layer table */
#define FML_HDR_INPUT_C 20u       /* u16 */
#define FML_HDR_INPUT_H 22u       /* u16 */
#define FML_HDR_INPUT_W 24u       /* u16 */
#define FML_HDR_INPUT_FRAC 26u    /* i8: fractional bits of the input tensor */
#define FML_HDR_LOGIT_FRAC 27u    /* i8: fractional bits of the exit-classifier logits */
#define FML_HDR_NUM_CLASSES 28u   /* u16 */
#define FML_HDR_TAP_COUNT 30u     /* u16 */
#define FML_HDR_TAP_TABLE 32u     /* u16: byte offset of the tap table (0 if no taps) */
#define FML_HDR_POLICY 34u        /* u8: enum fml_policy */
#define FML_HDR_STORAGE 35u       /* u8: enum fml_storage, where the engine reads the blob */
#define FML_HDR_ENERGY_MV 36u     /* u16: energy policy threshold, supply in mV */
#define FML_HDR_EXIT_BIAS 38u     /* u16: byte offset of i32[num_classes] (0 if no taps) */
#define FML_HDR_CONF_MARGIN 40u   /* i32: confidence threshold, top-1 margin at logit_frac */
#define FML_HDR_MAX_ACT_WORDS 44u /* u16: largest tensor (input or any layer output), words */
#define FML_HDR_UNIT_BUDGET 46u   /* u16: every unit fits this many kilocycles (0: no promise) */

/* ---- Layer table: layer_count records of FML_LAYER_BYTES ------------------------------------ */
#define FML_LAYER_BYTES 32u
#define FML_L_KIND 0u           /* u8: enum fml_layer_kind */
#define FML_L_FLAGS 1u          /* u8: FML_FLAG_* */
#define FML_L_OUT_FRAC 2u       /* i8: fractional bits of the output tensor */
#define FML_L_W_FRAC 3u         /* i8: fractional bits of the weights (0 if none) */
#define FML_L_OUT_C 4u          /* u16 */
#define FML_L_OUT_H 6u          /* u16 */
#define FML_L_OUT_W 8u          /* u16 */
#define FML_L_KERNEL_H 10u      /* u8 */
#define FML_L_KERNEL_W 11u      /* u8 */
#define FML_L_STRIDE_H 12u      /* u8 */
#define FML_L_STRIDE_W 13u      /* u8 */
#define FML_L_PAD_H 14u         /* u8: zero rows added above and below */
#define FML_L_PAD_W 15u         /* u8: zero columns added left and right */
#define FML_L_UNIT_CHANNELS 16u /* u16: output channels per intermittent unit (0: whole layer) */
#define FML_L_UNIT_ELEMENTS 18u /* u16: output elements per unit, CHW order (0: by channels) */
#define FML_L_WEIGHTS 20u       /* u32: byte offset of the weights (0 if none) */
#define FML_L_NNZ 24u           /* u32: dense: weight count; CSR: non-zero count */
#define FML_L_BIAS 28u          /* u32: byte offset of i32[out_c] at in_frac + w_frac (0: none) */

enum fml_layer_kind {
  FML_CONV2D = 1,    /* weights [out_c][in_c][kh][kw] */
  FML_DWCONV2D = 2,  /* depthwise, multiplier 1: weights [c][kh][kw] */
  FML_POINTWISE = 3, /* 1x1 convolution, stride 1, no padding: weights [out_c][in_c] */
  FML_DENSE = 4,     /* weights [out_c][in_c*in_h*in_w]; output (out_c, 1, 1) */
  FML_MAXPOOL = 5,   /* kernel/stride, no padding */
  FML_AVGPOOL = 6,   /* kernel/stride, no padding */
  FML_GAP = 7,       /* global average pool: (c, h, w) -> (c, 1, 1) */
  FML_RELU = 8,      /* max(x, 0) */
  FML_FLATTEN = 9    /* (c, h, w) -> (c*h*w, 1, 1); data unchanged (CHW order) */
};

#define FML_FLAG_RELU 0x01u /* apply ReLU to the output (fused) */
#define FML_FLAG_CSR 0x02u  /* weights stored as CSR (see FORMAT.md) */
#define FML_FLAGS_KNOWN 0x03u

/* ---- Tap table: tap_count records of FML_TAP_BYTES ------------------------------------------ */
#define FML_TAP_BYTES 16u
#define FML_T_LAYER 0u          /* u16: index of the layer whose output is tapped */
#define FML_T_GRID_H 2u         /* u8: adaptive max-pool grid rows */
#define FML_T_GRID_W 3u         /* u8: adaptive max-pool grid columns */
#define FML_T_W_FRAC 4u         /* i8: fractional bits of this tap's exit weights */
#define FML_T_RESERVED 5u       /* u8: 0 */
#define FML_T_FEATURES 6u       /* u16: out_c * grid_h * grid_w of the tapped layer */
#define FML_T_WEIGHTS 8u        /* u32: byte offset of i16[num_classes][features] */
#define FML_T_UNIT_CHANNELS 12u /* u16: tapped channels per exit unit (0: all in one) */
#define FML_T_RESERVED2 14u     /* u16: 0 */

enum fml_policy {
  FML_POLICY_NONE = 0,             /* always run to the final layer */
  FML_POLICY_ENERGY = 1,           /* exit when the supply is below energy_mv */
  FML_POLICY_CONFIDENCE = 2,       /* exit when the top-1 margin is >= conf_margin */
  FML_POLICY_ENERGY_CONFIDENCE = 3 /* exit when either condition holds */
};

/* ---- Sample file ("FMLS") ------------------------------------------------------------------- */
#define FML_SAMPLES_HDR_BYTES 16u
#define FML_S_MAGIC 0u        /* 4 x char: "FMLS" */
#define FML_S_VERSION 4u      /* u16: 1 */
#define FML_S_HEADER_BYTES 6u /* u16: 16 */
#define FML_S_COUNT 8u        /* u32: number of samples */
#define FML_S_WORDS 12u       /* u16: int16 words per sample */
#define FML_S_FRAC 14u        /* i8: fractional bits of the sample words */
#define FML_S_RESERVED 15u    /* u8: 0 */
#define FML_SAMPLE_NO_LABEL 0xFFFFu

/* ---- host_io markers of freeml_infer (FORMAT.md "host_io protocol") ------------------------ */
#define FML_MARK_BOOT 0x50u     /* arg: committed phase at boot (0 idle, 1 running, 2 reporting) */
#define FML_MARK_START 0x51u    /* arg: sample index (low 16 bits) */
#define FML_MARK_LAYER 0x52u    /* arg: layer index completed and committed */
#define FML_MARK_LOGIT_LO 0x53u /* arg: reported logit bits 15..0, class 0 first */
#define FML_MARK_LOGIT_HI 0x54u /* arg: bits 31..16 */
#define FML_MARK_EXIT 0x55u     /* arg: exit layer */
#define FML_MARK_CLASS 0x56u    /* arg: class */
#define FML_MARK_CONF_LO 0x57u  /* arg: confidence bits 15..0 */
#define FML_MARK_CONF_HI 0x58u  /* arg: bits 31..16 */
#define FML_MARK_DONE 0x59u     /* arg: sample index (low 16 bits) */
#define FML_MARK_ERROR 0x5Au    /* arg: enum fml_error; the firmware then exits with code 3 */
#define FML_MARK_UNIT                                                   \
  0x5Bu /* freeml_infer_units.elf only: a step committed; arg: the next \
           step of the layer (units, then tap parts) */

/* Where the blob lives on the device (FORMAT.md "Storage"), and so which engine runs it. */
enum fml_storage {
  FML_STORAGE_LOWER = 0, /* FRAM below 64 KB, read in place (freeml_infer.elf) */
  FML_STORAGE_UPPER = 1  /* FRAM 0x10000-0x43FFF, copied per unit (freeml_infer_upper.elf) */
};
#define FML_LOWER_MAX_BYTES 65535ul   /* reachable with 16-bit pointers */
#define FML_UPPER_MAX_BYTES 0x34000ul /* FR5994 FRAM 0x10000-0x43FFF (facts §2.1) */

/* ---- Engine limits of the shipped firmware (freeml/firmware/engine) ------------------------- */
#define FML_MAX_CLASSES 32u
#define FML_MAX_LAYERS 64u

#endif

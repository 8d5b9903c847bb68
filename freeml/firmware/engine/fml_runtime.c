/* Intermittent inference runtime (docs/architecture.md "Firmware and FreeML"): all progress lives
 * in FRAM
 * (.persistent) and survives power loss; SRAM holds nothing that a reboot needs.
 *
 * Work per sample is a sequence of steps, each idempotent:
 *   fetch   copy the host_io sample into activation buffer 0, set the exit logits to the bias;
 *   unit    layer l, output elements [u*E, (u+1)*E): reads act[in], writes only those elements of
 *           act[in ^ 1] (kernels never read what they write);
 *   tap     after the last unit of a tapped layer, its parts: part p of P adds the products of its
 *           channels to sums[tsel] into sums[tsel ^ 1]; the last part also sets
 *           logits[sel ^ 1] = logits[sel] + round(sums), then the exit policy decides whether to
 *           report now;
 *   report  emit the result through host_io markers.
 * The compiler sizes E and the tap parts so that one charge of the smallest capacitor the model
 * is built for finishes any step (FORMAT.md "Intermittent units").
 * After each step the new progress {phase, layer, next, act_in, logit_sel, ...} is committed like
 * checksum_ckpt.c does: written whole into the inactive slot, then `active` flips with one 16-bit
 * store. A power failure before that store leaves the old slot in force, and every step re-run
 * from it reads only data no step after the old commit has written (the other buffer's half),
 * so it recomputes the same values. The compiler barrier before the flip keeps the step's FRAM
 * stores ahead of it (the MSP430 has no write buffer that could reorder them).
 */
#include "ehsim/host_io.h"
#include "freeml/engine.h"

enum { PHASE_IDLE = 0, PHASE_RUN = 1, PHASE_REPORT = 2 };
#define NO_TAP 0xFFFFu

struct fml_slot {
  uint16_t phase;
  uint16_t layer;
  uint16_t next;                   /* next output element; == the layer's count: its tap parts */
  uint16_t next_c, next_y, next_x; /* where `next` lies, so that no step divides to find it */
  uint16_t tap_next;               /* next tapped channel of the layer's tap */
  uint16_t act_in;
  uint16_t logit_sel;
  uint16_t sample_lo, sample_hi;
  uint16_t exit_layer;
  uint16_t exit_tap; /* NO_TAP: the answer is the final layer's output */
  uint16_t tap_sel;  /* which tap_sums buffer holds the sums of the parts done */
};

#define FML_SLOT_WORDS (sizeof(struct fml_slot) / sizeof(uint16_t))

struct fml_state {
  struct fml_slot slot[2];
  uint16_t active;
};

/* Activations and exit logits, double-buffered in FRAM (FORMAT.md "Firmware side"). */
__attribute__((section(".persistent"))) static int16_t act[2][FML_ACT_CAPACITY_WORDS];
__attribute__((section(".persistent"))) static int32_t exit_logits[2][FML_MAX_CLASSES];
__attribute__((section(".persistent"))) static int32_t tap_sums[2][FML_MAX_CLASSES];

#ifndef FML_INTERMITTENT
#define FML_INTERMITTENT 1
#endif

/* The layer the last step decoded, with its tap. In SRAM, so a boot starts with none (crt0 clears
 * .bss); decoding a layer's record for every step would cost each step hundreds of cycles. */
static struct {
  uint16_t index_plus_1; /* 0: nothing decoded */
  uint16_t tap;          /* NO_TAP or the tap's index */
  uint16_t tap_per;      /* tapped channels per part */
  fml_layer L;
} current;

#if FML_INTERMITTENT
/* Programmed once with the image (all zero: slot 0 idle); crt0 never touches .persistent. */
__attribute__((section(".persistent"))) static volatile struct fml_state state;

/* noinline: one call per step, so that profiles (ehsim exec --profile) show what committing
 * costs. */
__attribute__((noinline)) static void commit(const struct fml_slot* s) {
  const uint16_t target = (uint16_t)((state.active & 1u) ^ 1u);
  /* A conditional, not slot[target]: indexing by a variable multiplies by the slot's size. */
  volatile uint16_t* d = (volatile uint16_t*)(target ? &state.slot[1] : &state.slot[0]);
  const uint16_t* w = (const uint16_t*)s;
  for (uint16_t i = 0; i < FML_SLOT_WORDS; ++i) d[i] = w[i];
  __asm__ volatile("" ::: "memory");
  state.active = target; /* the commit point */
#if FML_TRACE_UNITS
  hostio_mark(FML_MARK_UNIT, s->next);
  /* Every step measured as a step after a boot is: with the layer decoded (and, in the upper
   * engine, its weights staged) again. */
  current.index_plus_1 = 0;
#if FML_MODEL_UPPER
  fml_stage_forget();
#endif
#endif
}

static void load_committed(struct fml_slot* s) {
  const volatile uint16_t* c =
      (const volatile uint16_t*)((state.active & 1u) ? &state.slot[1] : &state.slot[0]);
  uint16_t* w = (uint16_t*)s;
  for (uint16_t i = 0; i < FML_SLOT_WORDS; ++i) w[i] = c[i];
}

#else
/* Built with -DFML_INTERMITTENT=0 (freeml_infer_continuous.elf): the same engine without
 * intermittent support, for the benchmark's checkpoint-overhead comparison only. Progress
 * lives in the caller's SRAM copy and is never committed; a power failure restarts from
 * scratch with whatever the FRAM buffers hold. */
static void commit(const struct fml_slot* s) {
  (void)s;
}

static void load_committed(struct fml_slot* s) {
  s->phase = PHASE_IDLE;
}
#endif

/* Returns 0 on success, else the host exit code. */
static int fetch(const uint8_t* b, struct fml_slot* s, uint16_t* done) {
  for (;;) {
    const uint16_t ready = hostio_next_sample();
    if (ready == 1u) break;
    if (ready == 0u) {
      *done = 1;
      return 0;
    }
    /* The sensor's next sample is not there yet: sleep until it is (nothing to commit, the
     * idle phase is already durable). */
    fml_sleep_vlo_ticks(HOSTIO_REG(HOSTIO_SAMPLE_WAIT_OFFSET));
  }
  const uint16_t words = HOSTIO_REG(HOSTIO_SAMPLE_WORDS_OFFSET);
  const uint16_t want = (uint16_t)(fml_u16(b, FML_HDR_INPUT_C) * fml_u16(b, FML_HDR_INPUT_H) *
                                   fml_u16(b, FML_HDR_INPUT_W));
  if (words != want) {
    hostio_mark(FML_MARK_ERROR, FML_ERR_SAMPLE);
    return 4;
  }
  int16_t* x = act[0];
  for (uint16_t i = 0; i < words; ++i) x[i] = (int16_t)HOSTIO_REG(HOSTIO_SAMPLE_DATA_OFFSET);
  const uint16_t classes = fml_u16(b, FML_HDR_NUM_CLASSES);
  const uint16_t bias = fml_u16(b, FML_HDR_EXIT_BIAS);
  for (uint16_t c = 0; c < classes; ++c) exit_logits[0][c] = bias ? fml_i32(b, bias + 4u * c) : 0;
  s->phase = PHASE_RUN;
  s->layer = 0;
  s->next = s->next_c = s->next_y = s->next_x = 0;
  s->tap_next = 0;
  s->act_in = 0;
  s->logit_sel = 0;
  s->sample_lo = HOSTIO_REG(HOSTIO_SAMPLE_INDEX_OFFSET);
  s->sample_hi = HOSTIO_REG(HOSTIO_SAMPLE_INDEX_HI_OFFSET);
  s->exit_layer = 0;
  s->exit_tap = NO_TAP;
  s->tap_sel = 0;
  commit(s);
  hostio_mark(FML_MARK_START, s->sample_lo);
  return 0;
}

static void finish_layer(uint16_t layers, struct fml_slot* s) {
  const uint16_t done_layer = s->layer;
  s->layer++;
  s->next = s->next_c = s->next_y = s->next_x = 0;
  s->tap_next = 0;
  s->act_in ^= 1u;
  if (s->layer == layers) {
    s->phase = PHASE_REPORT;
    s->exit_layer = (uint16_t)(layers - 1u);
    s->exit_tap = NO_TAP;
  }
  commit(s);
  hostio_mark(FML_MARK_LAYER, done_layer);
}

static const fml_layer* layer_at(const uint8_t* b, uint16_t index) {
  if (current.index_plus_1 != index + 1u) {
    fml_decode_layer(b, index, &current.L);
    current.tap = fml_tap_of_layer(b, index);
    current.tap_per =
        current.tap != NO_TAP ? fml_tap_channels_per_part(b, current.tap, &current.L) : 0u;
    current.index_plus_1 = (uint16_t)(index + 1u);
  }
  return &current.L;
}

static int16_t* act_buffer(uint16_t which) {
  return which ? act[1] : act[0]; /* act[which] would multiply by the buffer's size */
}

static void step_layer(const uint8_t* b, struct fml_slot* s) {
  const uint16_t layers = fml_u16(b, FML_HDR_LAYER_COUNT);
  const fml_layer* L = layer_at(b, s->layer);
  const uint16_t tap = current.tap;
  const int16_t* in = act_buffer(s->act_in);
  int16_t* out = act_buffer(s->act_in ^ 1u);
  if (s->next < L->out_elements) {
    const uint16_t left = (uint16_t)(L->out_elements - s->next);
    const uint16_t n = left > L->unit_elements ? L->unit_elements : left;
    fml_pos at = {s->next_c, s->next_y, s->next_x};
#if FML_MODEL_UPPER
    /* The unit's output channels: from at.c to the channel of its last element. */
    fml_pos end = at;
    fml_advance(&end, n, L->out_h, L->out_w);
    const uint16_t c_hi = (end.y | end.x) ? end.c : (uint16_t)(end.c - 1u);
    if (fml_stage_unit(s->layer, &current.L, at.c, c_hi) != FML_OK) fml_fail(FML_ERR_STAGE);
#endif
    fml_run_unit(L, in, out, s->next, (uint16_t)(s->next + n), &at);
    fml_advance(&at, n, L->out_h, L->out_w);
    s->next = (uint16_t)(s->next + n);
    s->next_c = at.c;
    s->next_y = at.y;
    s->next_x = at.x;
    if (s->next < L->out_elements || tap != NO_TAP) {
      commit(s);
    } else {
      finish_layer(layers, s);
    }
    return;
  }
  /* A part of the tap of a tapped layer. */
  const uint16_t c0 = s->tap_next;
  const uint16_t c1 = (uint16_t)(L->out_c - c0 > current.tap_per ? c0 + current.tap_per : L->out_c);
  fml_tap_part(b, tap, L, out, c0, c1, tap_sums[s->tap_sel], tap_sums[s->tap_sel ^ 1u]);
  s->tap_sel ^= 1u;
  s->tap_next = c1;
  if (c1 < L->out_c) {
    commit(s);
    return;
  }
  const int32_t* from = exit_logits[s->logit_sel];
  int32_t* to = exit_logits[s->logit_sel ^ 1u];
  fml_tap_finish(b, tap, tap_sums[s->tap_sel], from, to);
  s->logit_sel ^= 1u;
  if (fml_should_exit(b, to)) {
    const uint16_t done_layer = s->layer;
    s->phase = PHASE_REPORT;
    s->exit_layer = s->layer;
    s->exit_tap = tap;
    commit(s);
    hostio_mark(FML_MARK_LAYER, done_layer);
    return;
  }
  finish_layer(layers, s);
}

static void report(const uint8_t* b, struct fml_slot* s) {
  const uint16_t classes = fml_u16(b, FML_HDR_NUM_CLASSES);
  int32_t logits[FML_MAX_CLASSES];
  if (s->exit_tap != NO_TAP) {
    for (uint16_t c = 0; c < classes; ++c) logits[c] = exit_logits[s->logit_sel][c];
  } else {
    const int16_t* final_out = act_buffer(s->act_in);
    for (uint16_t c = 0; c < classes; ++c) logits[c] = final_out[c];
  }
  uint16_t cls;
  int32_t margin;
  fml_top1(logits, classes, &cls, &margin);
  for (uint16_t c = 0; c < classes; ++c) {
    hostio_mark(FML_MARK_LOGIT_LO, (uint16_t)logits[c]);
    hostio_mark(FML_MARK_LOGIT_HI, (uint16_t)((uint32_t)logits[c] >> 16));
  }
  hostio_mark(FML_MARK_EXIT, s->exit_layer);
  hostio_mark(FML_MARK_CLASS, cls);
  hostio_mark(FML_MARK_CONF_LO, (uint16_t)margin);
  hostio_mark(FML_MARK_CONF_HI, (uint16_t)((uint32_t)margin >> 16));
  hostio_mark(FML_MARK_DONE, s->sample_lo);
  s->phase = PHASE_IDLE;
  commit(s);
}

int fml_run(void) {
#if FML_MODEL_UPPER
  uint16_t err = FML_OK;
  const uint8_t* b = fml_model_meta(&err);
  if (b) err = fml_check_blob(b);
#else
  const uint8_t* b = freeml_model;
  const uint16_t err = fml_check_blob(b);
#endif
  if (err != FML_OK) {
    hostio_mark(FML_MARK_ERROR, err);
    return 3;
  }
  struct fml_slot s;
  load_committed(&s);
  hostio_mark(FML_MARK_BOOT, s.phase);
  for (;;) {
    if (s.phase == PHASE_IDLE) {
      uint16_t done = 0;
      const int status = fetch(b, &s, &done);
      if (status != 0 || done) return status;
    } else if (s.phase == PHASE_RUN) {
      step_layer(b, &s);
    } else {
      report(b, &s);
    }
  }
}

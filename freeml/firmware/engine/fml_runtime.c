/* Intermittent inference runtime (docs/architecture.md "Firmware and FreeML"): all progress lives
 * in FRAM
 * (.persistent) and survives power loss; SRAM holds nothing that a reboot needs.
 *
 * Work per sample is a sequence of steps, each idempotent:
 *   fetch   copy the host_io sample into activation buffer 0, set the exit logits to the bias;
 *   unit    layer l, output channels [u*U, (u+1)*U): reads act[in], writes only those channels of
 *           act[in ^ 1] (kernels never read what they write);
 *   tap     after the last unit of a tapped layer: logits[sel ^ 1] = logits[sel] + W_k * tap_k,
 *           then the exit policy decides whether to report now;
 *   report  emit the result through host_io markers.
 * After each step the new progress {phase, layer, unit, act_in, logit_sel, ...} is committed like
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
  uint16_t unit; /* next unit; == unit count: the tap step is next */
  uint16_t act_in;
  uint16_t logit_sel;
  uint16_t sample_lo, sample_hi;
  uint16_t exit_layer;
  uint16_t exit_tap; /* NO_TAP: the answer is the final layer's output */
};

struct fml_state {
  struct fml_slot slot[2];
  uint16_t active;
};

/* Activations and exit logits, double-buffered in FRAM (FORMAT.md "Firmware side"). */
__attribute__((section(".persistent"))) static int16_t act[2][FML_ACT_CAPACITY_WORDS];
__attribute__((section(".persistent"))) static int32_t exit_logits[2][FML_MAX_CLASSES];

#ifndef FML_INTERMITTENT
#define FML_INTERMITTENT 1
#endif

#if FML_INTERMITTENT
/* Programmed once with the image (all zero: slot 0 idle); crt0 never touches .persistent. */
__attribute__((section(".persistent"))) static volatile struct fml_state state;

static void commit(const struct fml_slot* s) {
  const uint16_t target = (uint16_t)((state.active & 1u) ^ 1u);
  volatile struct fml_slot* d = &state.slot[target];
  d->phase = s->phase;
  d->layer = s->layer;
  d->unit = s->unit;
  d->act_in = s->act_in;
  d->logit_sel = s->logit_sel;
  d->sample_lo = s->sample_lo;
  d->sample_hi = s->sample_hi;
  d->exit_layer = s->exit_layer;
  d->exit_tap = s->exit_tap;
  __asm__ volatile("" ::: "memory");
  state.active = target; /* the commit point */
}

static void load_committed(struct fml_slot* s) {
  const volatile struct fml_slot* c = &state.slot[state.active & 1u];
  s->phase = c->phase;
  s->layer = c->layer;
  s->unit = c->unit;
  s->act_in = c->act_in;
  s->logit_sel = c->logit_sel;
  s->sample_lo = c->sample_lo;
  s->sample_hi = c->sample_hi;
  s->exit_layer = c->exit_layer;
  s->exit_tap = c->exit_tap;
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
  s->unit = 0;
  s->act_in = 0;
  s->logit_sel = 0;
  s->sample_lo = HOSTIO_REG(HOSTIO_SAMPLE_INDEX_OFFSET);
  s->sample_hi = HOSTIO_REG(HOSTIO_SAMPLE_INDEX_HI_OFFSET);
  s->exit_layer = 0;
  s->exit_tap = NO_TAP;
  commit(s);
  hostio_mark(FML_MARK_START, s->sample_lo);
  return 0;
}

static void finish_layer(uint16_t layers, struct fml_slot* s) {
  const uint16_t done_layer = s->layer;
  s->layer++;
  s->unit = 0;
  s->act_in ^= 1u;
  if (s->layer == layers) {
    s->phase = PHASE_REPORT;
    s->exit_layer = (uint16_t)(layers - 1u);
    s->exit_tap = NO_TAP;
  }
  commit(s);
  hostio_mark(FML_MARK_LAYER, done_layer);
}

static void step_layer(const uint8_t* b, struct fml_slot* s) {
  const uint16_t layers = fml_u16(b, FML_HDR_LAYER_COUNT);
  fml_layer L;
  fml_decode_layer(b, s->layer, &L);
  const int16_t* in = act[s->act_in];
  int16_t* out = act[s->act_in ^ 1u];
  const uint16_t units = fml_unit_count(&L);
  const uint16_t tap = fml_tap_of_layer(b, s->layer);
  if (s->unit < units) {
    const uint16_t c0 = (uint16_t)(s->unit * L.unit_channels);
    const uint16_t c1 = (uint16_t)(c0 + L.unit_channels < L.out_c ? c0 + L.unit_channels : L.out_c);
    fml_run_unit(&L, in, out, c0, c1);
    s->unit++;
    if (s->unit < units || tap != NO_TAP) {
      commit(s);
    } else {
      finish_layer(layers, s);
    }
    return;
  }
  /* The tap step of a tapped layer. */
  const int32_t* from = exit_logits[s->logit_sel];
  int32_t* to = exit_logits[s->logit_sel ^ 1u];
  fml_tap_accumulate(b, tap, &L, out, from, to);
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
    for (uint16_t c = 0; c < classes; ++c) logits[c] = act[s->act_in][c];
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
  const uint8_t* b = freeml_model;
  const uint16_t err = fml_check_blob(b);
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

#include "freeml/reference/unit_cost.h"

#include <algorithm>

#include "freeml/firmware/include/freeml/model_format.h"

namespace freeml::ref {

namespace {

// What a step does, counted in the repetitions of the engine's code that its cycles depend on.
// `category` names the code: the kernel (and its weight storage), a tap part, the fetch or the
// boot. Each category's cost is a linear function of these counts (kCosts).
enum Category : uint8_t {
  kConvDense,
  kConvCsr,
  kPointDense,
  kPointCsr,
  kDenseDense,
  kDenseCsr,
  kMaxPool,
  kAvgPool,
  kGapPool,
  kCopy,
  kTapPart,
  kFetchStep,
  kBootStep,
  kCategories
};
// Per category: {step, channel, row, element, work, shift bit, layer end}. For kernels `work` is
// one product (dense weights), one stored weight (CSR: used or skipped), or one pooled cell; for
// a tap part, channel = a tapped channel, row = a compared value, element = a pooled feature,
// work = a product, shift bit = a class rounded by the last part; for the fetch, element = an
// input word and work = an exit logit; for the boot, element = a layer checked.
struct Counts {
  Category category = kCopy;
  uint64_t step = 1, channels = 0, rows = 0, elements = 0, work = 0, shift_bits = 0, layer_end = 0;
};

// The name of each category in `freeml-ref units` and scripts/calibrate-unit-costs.
const char* const kCodes[kCategories] = {
    "conv",    "conv-csr", "pointwise", "pointwise-csr", "dense", "dense-csr", "maxpool",
    "avgpool", "gap",      "copy",      "tap-part",      "fetch", "boot"};

// Cycle constants of the engine as clang -O2 compiles it (freeml/firmware/CMakeLists.txt), at
// MCLK <= 8 MHz, in the order of Counts. Fitted by least squares to every step of
// freeml_infer_units.elf under ehsim on generated models of every kind, then raised until no
// step of those models exceeds its bound (scripts/calibrate-unit-costs, which prints this table);
// tests/freeml/test_units.cpp holds the steps of further models to them.
constexpr std::array<uint64_t, 7> kCosts[kCategories] = {
    /* kConvDense  */ {1342, 195, 50, 159, 14, 10, 811},
    /* kConvCsr    */ {1070, 692, 59, 271, 80, 0, 307},
    /* kPointDense */ {1071, 143, 0, 103, 19, 12, 6},
    /* kPointCsr   */ {1332, 106, 0, 200, 29, 6, 0},
    /* kDenseDense */ {1035, 177, 0, 0, 16, 11, 0},
    /* kDenseCsr   */ {1037, 144, 0, 0, 25, 12, 59},
    /* kMaxPool    */ {1074, 91, 119, 253, 0, 0, 49},
    /* kAvgPool    */ {1065, 94, 103, 3703, 37, 0, 27},
    /* kGapPool    */ {1055, 3679, 0, 0, 25, 0, 0},
    /* kCopy       */ {931, 16, 0, 31, 0, 0, 81},
    /* kTapPart    */ {1599, 175, 26, 90, 53, 30, 2153},
    /* kFetchStep  */ {408, 0, 0, 11, 25, 0, 0},
    /* kBootStep   */ {647, 0, 0, 21, 0, 0, 0},
};

// The upper engine's copies (freeml/firmware/engine/upper/fml_far.c): per step (finding the
// unit's last channel, the stage check), per DMA block copy (the call of fml_far_copy, its
// 20-bit address arithmetic and the DMA's 1 + 1 cycles of synchronisation and wait), and per word
// (2 MCLK cycles of the DMA, SLAU367P "DMA Transfer Cycle Time"). Measured on
// freeml_infer_upper_units.elf and raised; tests/freeml/test_upper.cpp holds every step of
// generated and committed models to the bound.
struct StageCosts {
  uint64_t step, copy, word;
};
constexpr StageCosts kStageCosts = {400, 120, 2};
// The upper engine's boot reads the blob's CRC (one copy) and, the first time after a new blob,
// copies the header and tables.
constexpr uint64_t kUpperBootCycles = 300;

std::array<uint64_t, 7> as_array(const Counts& n) {
  return {n.step, n.channels, n.rows, n.elements, n.work, n.shift_bits, n.layer_end};
}

uint64_t cycles_of(const Counts& n) {
  const std::array<uint64_t, 7> c = as_array(n);
  uint64_t cycles = 0;
  for (size_t i = 0; i < c.size(); ++i) cycles += kCosts[n.category][i] * c[i];
  return cycles;
}

// A step's bound and the terms it is made of.
void set_cost(Step* s, const Counts& n) {
  s->cycles = cycles_of(n);
  s->code = kCodes[n.category];
  s->counts = as_array(n);
}

int shift_of(const Model& m, size_t layer) {
  const Layer& l = m.layers[layer];
  return m.input_frac_of(layer) + l.w_frac - l.out_frac;
}

// Bits fml_sar32 shifts for one output element (fml_finish shifts 16 by taking the high word).
uint64_t shift_bits(int shift) {
  return uint64_t(shift >= 16 ? shift - 16 : shift);
}

// Stored weights of output channel co: every weight of its row for dense storage, the non-zeros
// for CSR.
uint64_t row_weights(const Layer& l, const Shape& in, int co) {
  const size_t rows = size_t(l.kind == LayerKind::kDwConv2d ? in.c : l.out.c);
  const size_t per_row = dense_weight_count(l, in) / rows;
  if (!l.csr) return per_row;
  uint64_t n = 0;
  for (size_t k = 0; k < per_row; ++k) n += l.weights[size_t(co) * per_row + k] != 0;
  return n;
}

Category category_of(const Layer& l) {
  switch (l.kind) {
    case LayerKind::kConv2d:
    case LayerKind::kDwConv2d:
      return l.csr ? kConvCsr : kConvDense;
    case LayerKind::kPointwise:
      return l.csr ? kPointCsr : kPointDense;
    case LayerKind::kDense:
      return l.csr ? kDenseCsr : kDenseDense;
    case LayerKind::kMaxPool:
      return kMaxPool;
    case LayerKind::kAvgPool:
      return kAvgPool;
    case LayerKind::kGap:
      return kGapPool;
    default:
      return kCopy;
  }
}

// Work of one output element of channel co (see Counts).
uint64_t element_work(const Model& m, size_t layer, int co) {
  const Layer& l = m.layers[layer];
  const Shape in = m.input_shape_of(layer);
  switch (l.kind) {
    case LayerKind::kConv2d:
    case LayerKind::kDwConv2d:
    case LayerKind::kPointwise:
    case LayerKind::kDense:
      return row_weights(l, in, co);
    case LayerKind::kMaxPool:
    case LayerKind::kAvgPool:
      return uint64_t(l.kernel_h) * uint64_t(l.kernel_w);
    case LayerKind::kGap:
      return uint64_t(in.h) * uint64_t(in.w);
    default:
      return 0;
  }
}

bool has_rows(LayerKind kind) {
  return kind == LayerKind::kConv2d || kind == LayerKind::kDwConv2d ||
         kind == LayerKind::kMaxPool || kind == LayerKind::kAvgPool;
}

// Output elements [e0, e1) of one layer.
Counts unit_counts(const Model& m, size_t layer, int e0, int e1) {
  const Layer& l = m.layers[layer];
  const int hw = l.out.h * l.out.w;
  Counts n;
  n.category = category_of(l);
  const bool weighted = has_weights(l.kind);
  const uint64_t bits = weighted ? shift_bits(shift_of(m, layer)) : 0;
  // A conv2d kernel row is visited once per input channel of the element's window.
  const uint64_t kernel_rows = l.kind == LayerKind::kConv2d
                                   ? uint64_t(m.input_shape_of(layer).c) * uint64_t(l.kernel_h)
                               : l.kind == LayerKind::kDwConv2d ? uint64_t(l.kernel_h)
                                                                : 0;
  for (int co = e0 / hw; co * hw < e1; ++co) {
    const int begin = std::max(e0, co * hw), end = std::min(e1, (co + 1) * hw);
    const uint64_t count = uint64_t(end - begin);
    n.channels += 1;
    n.elements += count;
    n.work += count * element_work(m, layer, co);
    n.shift_bits += count * bits;
    if (has_rows(l.kind)) n.rows += uint64_t((end - 1) / l.out.w - begin / l.out.w + 1);
    if (!l.csr && kernel_rows != 0) n.rows += count * kernel_rows;
  }
  return n;
}

int tap_of(const Model& m, size_t layer) {
  for (size_t k = 0; k < m.taps.size(); ++k) {
    if (m.taps[k].layer == int(layer)) return int(k);
  }
  return -1;
}

// Tapped channels [c0, c1) of tap k (see Counts).
Counts tap_counts(const Model& m, size_t k, int c0, int c1, bool last) {
  const Tap& t = m.taps[k];
  const Shape out = m.layers[size_t(t.layer)].out;
  const uint64_t channels = uint64_t(c1 - c0);
  const uint64_t cells = uint64_t(t.grid_h) * uint64_t(t.grid_w);
  Counts n;
  n.category = kTapPart;
  n.channels = channels;
  n.rows = channels * uint64_t(out.h) * uint64_t(out.w);
  n.elements = channels * cells;
  n.work = channels * cells * uint64_t(m.num_classes);
  n.shift_bits = last ? uint64_t(m.num_classes) : 0;
  n.layer_end = last ? 1 : 0;
  return n;
}

int elements_per_unit(const Layer& l) {
  if (l.unit_elements != 0) return l.unit_elements;
  return (l.unit_channels != 0 ? l.unit_channels : l.out.c) * l.out.h * l.out.w;
}

void add_stage(Step* s, uint64_t copies, uint64_t words) {
  s->staged_words = words;
  s->stage_cycles = kStageCosts.step + kStageCosts.copy * copies + kStageCosts.word * words;
  s->cycles += s->stage_cycles;
}

// What the upper engine stages for output elements [e0, e1): the bias, CSR rows or dense weight
// rows of their channels (fml_stage_unit).
void stage_unit(const Model& m, size_t layer, int e0, int e1, Step* s) {
  const Layer& l = m.layers[layer];
  if (!has_weights(l.kind)) {
    add_stage(s, 0, 0);
    return;
  }
  const Shape in = m.input_shape_of(layer);
  const int hw = l.out.h * l.out.w;
  const int c_lo = e0 / hw, c_hi = (e1 - 1) / hw;
  const uint64_t channels = uint64_t(c_hi - c_lo + 1);
  uint64_t words = l.bias.empty() ? 0 : 2 * channels, copies = l.bias.empty() ? 0 : 1;
  if (l.csr) {
    uint64_t nnz = 0;
    for (int co = c_lo; co <= c_hi; ++co) nnz += row_weights(l, in, co);
    words += channels + 1 + 2 * nnz;
    copies += 3;
  } else {
    words += channels * row_weights(l, in, c_lo);
    copies += 1;
  }
  add_stage(s, copies, words);
}

Step unit_step(const Model& m, size_t layer, int e0, int e1, bool ends_layer) {
  Step s;
  s.kind = StepKind::kUnit;
  s.layer = int(layer);
  s.first = e0;
  s.last = e1;
  s.last_of_layer = ends_layer;
  Counts n = unit_counts(m, layer, e0, e1);
  n.layer_end = ends_layer ? 1 : 0;
  set_cost(&s, n);
  if (m.upper) stage_unit(m, layer, e0, e1, &s);
  return s;
}

Step tap_step(const Model& m, size_t k, int c0, int c1) {
  const int channels = m.layers[size_t(m.taps[k].layer)].out.c;
  Step s;
  s.kind = StepKind::kTapPart;
  s.layer = m.taps[k].layer;
  s.first = c0;
  s.last = c1;
  s.last_of_layer = c1 == channels;
  set_cost(&s, tap_counts(m, k, c0, c1, s.last_of_layer));
  // The upper engine stages each class's weights of these channels (fml_stage_tap).
  const Tap& t = m.taps[k];
  if (m.upper) {
    add_stage(&s, uint64_t(m.num_classes),
              uint64_t(m.num_classes) * uint64_t(c1 - c0) * uint64_t(t.grid_h * t.grid_w));
  }
  return s;
}

// The steps of a layer whose units are `per` elements, in order (a tapped layer's units never end
// it: its tap's last part does).
std::vector<Step> unit_steps(const Model& m, size_t layer, int per) {
  const int total = m.layers[layer].out.size();
  const bool tapped = tap_of(m, layer) >= 0;
  std::vector<Step> steps;
  for (int e0 = 0; e0 < total; e0 += per) {
    const int e1 = std::min(total, e0 + per);
    steps.push_back(unit_step(m, layer, e0, e1, !tapped && e1 == total));
  }
  return steps;
}

// The parts of tap k when they are `per` tapped channels each, in order.
std::vector<Step> tap_steps(const Model& m, size_t k, int per) {
  const int channels = m.layers[size_t(m.taps[k].layer)].out.c;
  std::vector<Step> steps;
  for (int c0 = 0; c0 < channels; c0 += per) {
    steps.push_back(tap_step(m, k, c0, std::min(channels, c0 + per)));
  }
  return steps;
}

// The largest bound among `steps`, or UINT64_MAX when one of them does not fit the stage.
uint64_t largest(const std::vector<Step>& steps) {
  uint64_t worst = 0;
  for (const Step& s : steps) {
    if (s.staged_words > kStageWords) return UINT64_MAX;
    worst = std::max(worst, s.cycles);
  }
  return worst;
}

// Why even the smallest step of a layer or tap does not fit.
std::string smallest_step_needs(const std::vector<Step>& one) {
  for (const Step& s : one) {
    if (s.staged_words > kStageWords) {
      return std::to_string(s.staged_words) + " staged words, more than the upper engine's " +
             std::to_string(kStageWords);
    }
  }
  return std::to_string(largest(one)) + " cycles, more than the unit budget";
}

Step boot_step(const Model& m) {
  Counts n;
  n.category = kBootStep;
  n.elements = m.layers.size();
  Step s;
  s.kind = StepKind::kBoot;
  set_cost(&s, n);
  if (m.upper) {
    // fml_model_meta's three copies: the CRC (2 words), the header alone, then the header and
    // tables (a record per layer and per tap, the exit bias's i32 per class).
    const uint64_t meta_words = (FML_HDR_BYTES + FML_LAYER_BYTES * m.layers.size() +
                                 FML_TAP_BYTES * m.taps.size() + 4 * uint64_t(m.num_classes)) /
                                2;
    s.cycles += kUpperBootCycles + 3 * kStageCosts.copy +
                kStageCosts.word * (2 + FML_HDR_BYTES / 2 + meta_words);
  }
  return s;
}

Step fetch_step(const Model& m) {
  Counts n;
  n.category = kFetchStep;
  n.elements = uint64_t(m.input.size());
  n.work = uint64_t(m.num_classes);
  Step s;
  s.kind = StepKind::kFetch;
  set_cost(&s, n);
  return s;
}

// The largest per in [1, limit] for which cost(per) <= budget (cost grows with per), or 0 if even
// per = 1 does not fit.
template <typename Cost>
int largest_fitting(int limit, uint64_t budget, Cost cost) {
  if (cost(1) > budget) return 0;
  int lo = 1, hi = limit;
  while (lo < hi) {
    const int mid = lo + (hi - lo + 1) / 2;
    if (cost(mid) <= budget) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

}  // namespace

const char* to_string(StepKind kind) {
  switch (kind) {
    case StepKind::kBoot:
      return "boot";
    case StepKind::kFetch:
      return "fetch";
    case StepKind::kUnit:
      return "unit";
    case StepKind::kTapPart:
      return "tap part";
  }
  return "?";
}

std::vector<Step> inference_steps(const Model& m) {
  std::vector<Step> steps{boot_step(m), fetch_step(m)};
  for (size_t i = 0; i < m.layers.size(); ++i) {
    const std::vector<Step> units = unit_steps(m, i, elements_per_unit(m.layers[i]));
    steps.insert(steps.end(), units.begin(), units.end());
    const int tap = tap_of(m, i);
    if (tap < 0) continue;
    const int per = m.taps[size_t(tap)].unit_channels;
    const std::vector<Step> parts = tap_steps(m, size_t(tap), per ? per : m.layers[i].out.c);
    steps.insert(steps.end(), parts.begin(), parts.end());
  }
  return steps;
}

uint64_t largest_step_cycles(const Model& m) {
  uint64_t worst = 0;
  for (const Step& s : inference_steps(m)) {
    if (s.kind != StepKind::kBoot) worst = std::max(worst, s.cycles);
  }
  return worst;
}

std::vector<Step> steps_over_budget(const Model& m, uint64_t budget_cycles) {
  std::vector<Step> over;
  for (const Step& s : inference_steps(m)) {
    if (s.kind == StepKind::kBoot) continue;
    if (s.cycles > budget_cycles || s.staged_words > kStageWords) over.push_back(s);
  }
  return over;
}

void plan_units(Model* m, uint64_t budget_cycles) {
  // The blob records the budget in whole kilocycles, and what it records is what is checked.
  budget_cycles = std::min<uint64_t>(budget_cycles / 1000, 0xFFFF) * 1000;
  for (size_t i = 0; i < m->layers.size(); ++i) {
    Layer& l = m->layers[i];
    const int total = l.out.size();
    const int per =
        largest_fitting(total, budget_cycles, [&](int p) { return largest(unit_steps(*m, i, p)); });
    if (per == 0) {
      throw UnitBudgetError(
          "layer " + std::to_string(i) + " (" + to_string(l.kind) + "): one output element needs " +
          smallest_step_needs(unit_steps(*m, i, 1)) + " of " + std::to_string(budget_cycles));
    }
    l.unit_channels = 0;
    l.unit_elements = per == total ? 0 : per;
  }
  for (size_t k = 0; k < m->taps.size(); ++k) {
    Tap& t = m->taps[k];
    const int channels = m->layers[size_t(t.layer)].out.c;
    const int per = largest_fitting(channels, budget_cycles,
                                    [&](int p) { return largest(tap_steps(*m, k, p)); });
    if (per == 0) {
      throw UnitBudgetError("the gNet tap of layer " + std::to_string(t.layer) +
                            ": one channel needs " + smallest_step_needs(tap_steps(*m, k, 1)) +
                            " of " + std::to_string(budget_cycles));
    }
    t.unit_channels = per == channels ? 0 : per;
  }
  const uint64_t fetch = fetch_step(*m).cycles;
  if (fetch > budget_cycles) {
    throw UnitBudgetError("fetching a sample of " + std::to_string(m->input.size()) +
                          " words needs " + std::to_string(fetch) +
                          " cycles, more than the unit budget of " + std::to_string(budget_cycles));
  }
  m->unit_budget_kcycles = int(budget_cycles / 1000);
}

}  // namespace freeml::ref

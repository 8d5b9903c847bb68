// freeml-ref: validate a FreeML model blob, describe it, and run it on a sample file with the
// firmware's bit-exact arithmetic (and the float path, to show the quantisation error).
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <string>

#include "freeml/reference/blob_io.h"
#include "freeml/reference/fixed_exec.h"
#include "freeml/reference/float_exec.h"
#include "freeml/reference/generator.h"
#include "freeml/reference/samples.h"

namespace {

using namespace freeml::ref;

int usage() {
  std::cerr << "usage: freeml-ref validate MODEL.fmlb\n"
               "       freeml-ref info MODEL.fmlb\n"
               "       freeml-ref run MODEL.fmlb SAMPLES.fmls [--policy none|confidence]\n"
               "       freeml-ref gen mixed|conv2d|dwconv2d|pointwise|dense|maxpool|avgpool|gap|\n"
               "                      relu|flatten[-csr] SEED COUNT OUT.fmlb OUT.fmls\n"
               "         (a random test model and COUNT random samples)\n"
               "Exit status: 0 ok, 1 the model or sample file is malformed, 2 bad usage.\n";
  return 2;
}

void print_info(const Model& m) {
  std::cout << "input " << m.input.c << "x" << m.input.h << "x" << m.input.w << " frac "
            << m.input_frac << ", " << m.num_classes << " classes, policy " << to_string(m.policy)
            << ", energy_mv " << m.energy_mv << ", conf_margin " << m.conf_margin << ", logit_frac "
            << m.logit_frac << "\n";
  for (size_t i = 0; i < m.layers.size(); ++i) {
    const Layer& l = m.layers[i];
    std::cout << "layer " << i << ": " << to_string(l.kind) << (l.relu ? "+relu" : "")
              << (l.csr ? " csr" : "") << " out " << l.out.c << "x" << l.out.h << "x" << l.out.w
              << " frac " << l.out_frac;
    if (has_weights(l.kind)) {
      size_t nnz = 0;
      for (int16_t w : l.weights) nnz += w != 0;
      std::cout << " w_frac " << l.w_frac << " weights " << l.weights.size() << " nnz " << nnz;
    }
    std::cout << " unit " << l.unit_channels << "\n";
  }
  for (const Tap& t : m.taps) {
    std::cout << "tap layer " << t.layer << " grid " << t.grid_h << "x" << t.grid_w << " features "
              << t.features << " w_frac " << t.w_frac << "\n";
  }
}

int run(const Model& m, const SampleSet& set, Policy policy) {
  for (size_t s = 0; s < set.samples.size(); ++s) {
    const FixedRun fx = run_fixed(m, set.samples[s]);
    const Decision d = decide(m, fx, policy, m.conf_margin, [](int) { return false; });
    const FloatRun fl = run_float(m, set.samples[s]);
    double err = 0;
    for (size_t c = 0; c < fx.outputs.back().size(); ++c) {
      err =
          std::max(err, std::abs(fx.outputs.back()[c] * std::ldexp(1.0, -m.layers.back().out_frac) -
                                 fl.outputs.back()[c]));
    }
    std::cout << "sample " << s << " label " << set.labels[s] << " exit " << d.exit_layer
              << " class " << d.cls << " confidence " << d.confidence << " logits";
    for (int32_t v : d.logits) std::cout << " " << v;
    std::cout << " | final |fixed-float| " << err << " (bound " << fl.output_bound.back() << ")"
              << (fl.saturated ? " SATURATED" : "") << "\n";
  }
  return 0;
}

}  // namespace

int generate(int argc, char** argv) {
  if (argc != 7) return usage();
  std::string kind = argv[2];
  const bool csr = kind.size() > 4 && kind.substr(kind.size() - 4) == "-csr";
  if (csr) kind.resize(kind.size() - 4);
  ModelSpec spec;
  if (kind == "mixed") {
    spec = mixed_spec();
  } else {
    bool found = false;
    for (int k = 1; k <= 9; ++k) {
      if (kind == to_string(LayerKind(k))) {
        spec = single_layer_spec(LayerKind(k), csr);
        found = true;
      }
    }
    if (!found) return usage();
  }
  const uint32_t seed = uint32_t(std::strtoul(argv[3], nullptr, 10));
  const Model m = generate_model(spec, seed);
  write_file(argv[5], write_blob(m));
  std::mt19937 rng(seed ^ 0x5A5A5A5Au);
  SampleSet set;
  set.words = m.input.size();
  set.frac = m.input_frac;
  for (long i = 0; i < std::strtol(argv[4], nullptr, 10); ++i) {
    set.samples.push_back(random_input(m, rng));
    set.labels.push_back(uint16_t(i % m.num_classes));
  }
  write_file(argv[6], write_samples(set));
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 3) return usage();
  const std::string cmd = argv[1];
  try {
    if (cmd == "gen") return generate(argc, argv);
    const Model m = read_blob_file(argv[2]);
    if (cmd == "validate") {
      std::cout << argv[2] << ": valid FreeML model (" << m.layers.size() << " layers, "
                << m.taps.size() << " taps)\n";
      return 0;
    }
    if (cmd == "info") {
      print_info(m);
      return 0;
    }
    if (cmd == "run" && argc >= 4) {
      Policy policy = Policy::kNone;
      if (argc == 6 && std::string(argv[4]) == "--policy") {
        const std::string p = argv[5];
        if (p == "confidence") {
          policy = Policy::kConfidence;
        } else if (p != "none") {
          return usage();
        }
      } else if (argc != 4) {
        return usage();
      }
      const SampleSet set = read_samples_file(argv[3]);
      if (set.words != m.input.size()) {
        std::cerr << argv[3] << ": samples have " << set.words << " words, the model's input "
                  << m.input.size() << "\n";
        return 1;
      }
      return run(m, set, policy);
    }
  } catch (const std::exception& e) {
    std::cerr << "freeml-ref: " << e.what() << "\n";
    return 1;
  }
  return usage();
}

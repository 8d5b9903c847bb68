// freeml-ref: validate a FreeML model blob, describe it, and run it on a sample file with the
// firmware's bit-exact arithmetic (and the float path, to show the quantisation error).
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>

#include "freeml/reference/blob_io.h"
#include "freeml/reference/budget_options.h"
#include "freeml/reference/fixed_exec.h"
#include "freeml/reference/float_exec.h"
#include "freeml/reference/generator.h"
#include "freeml/reference/samples.h"
#include "freeml/reference/unit_cost.h"
#include "sim/scenario/units.h"

namespace {

using namespace freeml::ref;

int usage() {
  std::cerr << "usage: freeml-ref validate MODEL.fmlb [BUDGET]\n"
               "       freeml-ref info MODEL.fmlb\n"
               "       freeml-ref units MODEL.fmlb [BUDGET]\n"
               "       freeml-ref plan MODEL.fmlb OUT.fmlb BUDGET [--storage lower|upper]\n"
               "       freeml-ref run MODEL.fmlb SAMPLES.fmls [--policy none|confidence]\n"
               "       freeml-ref gen mixed|conv2d|dwconv2d|pointwise|dense|maxpool|avgpool|gap|\n"
               "                      relu|flatten[-csr] SEED COUNT OUT.fmlb OUT.fmls\n"
               "         (a random test model and COUNT random samples)\n"
               "BUDGET (freeml/FORMAT.md \"Intermittent units\"): --unit-budget-cycles N, or\n"
               "  --capacitor C [--v-on 2.4V] [--v-off 1.8V] [--mclk 8MHz] [--leakage 0A]\n"
               "  [--safety 0.8]: the cycles one charge pays for. validate fails (exit 1) when a\n"
               "  step of the engine needs more than the budget (default: the blob's own),\n"
               "  units lists every step's cycles, plan writes the model with units sized to it.\n"
               "Exit status: 0 ok, 1 the model or sample file is malformed, 2 bad usage.\n";
  return 2;
}

void print_info(const Model& m) {
  std::cout << "input " << m.input.c << "x" << m.input.h << "x" << m.input.w << " frac "
            << m.input_frac << ", " << m.num_classes << " classes, policy " << to_string(m.policy)
            << ", energy_mv " << m.energy_mv << ", conf_margin " << m.conf_margin << ", logit_frac "
            << m.logit_frac << ", storage " << (m.upper ? "upper" : "lower") << "\n";
  for (size_t i = 0; i < m.layers.size(); ++i) {
    const Layer& l = m.layers[i];
    std::cout << "layer " << i << ": " << to_string(l.kind) << (l.relu ? "+relu" : "")
              << (l.csr ? " csr" : "") << " out " << l.out.c << "x" << l.out.h << "x" << l.out.w
              << " frac " << l.out_frac;
    if (has_weights(l.kind)) {
      size_t nnz = 0;
      for (int16_t w : l.weights) nnz += w != 0;
      std::cout << " w_frac " << l.w_frac << " weights " << l.weights.size() << " nnz " << nnz
                << " products " << m.products(i);
    }
    if (l.unit_elements != 0) {
      std::cout << " unit " << l.unit_elements << " elements\n";
    } else {
      std::cout << " unit " << l.unit_channels << "\n";
    }
  }
  for (const Tap& t : m.taps) {
    std::cout << "tap layer " << t.layer << " grid " << t.grid_h << "x" << t.grid_w << " features "
              << t.features << " w_frac " << t.w_frac << " unit " << t.unit_channels << "\n";
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

// BUDGET options from argv[first..]: "--name value" pairs.
BudgetRequest budget_request(int argc, char** argv, int first) {
  BudgetRequest r;
  const std::map<std::string, std::string*> known{{"--unit-budget-cycles", &r.unit_budget_cycles},
                                                  {"--capacitor", &r.capacitor},
                                                  {"--v-on", &r.v_on},
                                                  {"--v-off", &r.v_off},
                                                  {"--mclk", &r.mclk},
                                                  {"--leakage", &r.leakage},
                                                  {"--safety", &r.safety}};
  for (int i = first; i < argc; i += 2) {
    const auto it = known.find(argv[i]);
    if (it == known.end()) throw ehsim::InputError(std::string("unknown option ") + argv[i]);
    if (i + 1 >= argc) throw ehsim::InputError(std::string(argv[i]) + ": expected a value");
    *it->second = argv[i + 1];
  }
  return r;
}

// The budget given on the command line, else the one the blob records (0: none).
uint64_t budget_for(const Model& m, const BudgetRequest& r) {
  if (r.given()) return resolve_budget(r).cycles;
  return uint64_t(m.unit_budget_kcycles) * 1000;
}

void print_step(std::ostream& os, const Step& s, uint64_t budget) {
  os << to_string(s.kind);
  if (s.layer >= 0) os << " layer " << s.layer;
  if (s.kind == StepKind::kUnit) os << " elements " << s.first << ".." << s.last;
  if (s.kind == StepKind::kTapPart) os << " channels " << s.first << ".." << s.last;
  os << " cycles " << s.cycles << " [" << s.code;
  for (uint64_t n : s.counts) os << " " << n;
  os << "]";
  if (s.stage_cycles != 0) {
    os << " staged " << s.staged_words << " words (" << s.stage_cycles << " cycles)";
    if (s.staged_words > kStageWords) os << " OVER THE STAGE";
  }
  if (budget != 0 && s.kind != StepKind::kBoot && s.cycles > budget) os << " OVER BUDGET";
  os << "\n";
}

int list_units(const Model& m, uint64_t budget) {
  for (const Step& s : inference_steps(m)) print_step(std::cout, s, budget);
  if (budget != 0) std::cout << "budget " << budget << " cycles\n";
  return 0;
}

int validate(const char* path, const Model& m, uint64_t budget) {
  std::cout << path << ": valid FreeML model (" << m.layers.size() << " layers, " << m.taps.size()
            << " taps)\n";
  if (budget == 0) {
    std::cout << path << ": no unit budget recorded; the largest step needs "
              << largest_step_cycles(m) << " cycles\n";
    return 0;
  }
  const std::vector<Step> over = steps_over_budget(m, budget);
  if (over.empty()) {
    std::cout << path << ": every step fits the unit budget of " << budget << " cycles (largest "
              << largest_step_cycles(m) << ")\n";
    return 0;
  }
  std::cerr << path << ": " << over.size() << " steps need more than the unit budget of " << budget
            << " cycles, so one charge cannot finish them:\n";
  for (const Step& s : over) {
    std::cerr << "  ";
    print_step(std::cerr, s, budget);
  }
  return 1;
}

// Removes "--storage lower|upper" from argv (plan's only option besides the budget's); returns
// the storage it names, or `current` when it is absent.
bool take_storage(int* argc, char** argv, bool current) {
  for (int i = 0; i < *argc; ++i) {
    if (std::string(argv[i]) != "--storage") continue;
    if (i + 1 >= *argc) throw ehsim::InputError("--storage: expected lower or upper");
    const std::string v = argv[i + 1];
    if (v != "lower" && v != "upper") {
      throw ehsim::InputError("--storage: expected lower or upper, got '" + v + "'");
    }
    for (int j = i; j + 2 < *argc; ++j) argv[j] = argv[j + 2];
    *argc -= 2;
    return v == "upper";
  }
  return current;
}

int plan(const Model& m, const std::string& out, uint64_t budget, bool upper) {
  if (std::filesystem::exists(out)) {
    std::cerr << "freeml-ref: " << out << " exists; plan writes only new files\n";
    return 2;
  }
  Model planned = m;
  planned.upper = upper;
  plan_units(&planned, budget);
  write_file(out, write_blob(planned));
  std::cout << out << ": units sized to " << planned.unit_budget_kcycles * 1000
            << " cycles (largest step " << largest_step_cycles(planned) << ")\n";
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
    if (cmd == "validate")
      return validate(argv[2], m, budget_for(m, budget_request(argc, argv, 3)));
    if (cmd == "units") return list_units(m, budget_for(m, budget_request(argc, argv, 3)));
    if (cmd == "plan" && argc >= 4) {
      const bool upper = take_storage(&argc, argv, m.upper);
      const BudgetRequest r = budget_request(argc, argv, 4);
      if (!r.given()) throw ehsim::InputError("plan: give --unit-budget-cycles or --capacitor");
      return plan(m, argv[3], resolve_budget(r).cycles, upper);
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
  } catch (const ehsim::InputError& e) {
    std::cerr << "freeml-ref: " << e.what() << "\n";
    return 2;
  } catch (const UnitBudgetError& e) {
    std::cerr << "freeml-ref: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "freeml-ref: " << e.what() << "\n";
    return 1;
  }
  return usage();
}

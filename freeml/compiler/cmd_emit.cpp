// freeml-compile emit: quantize a (compressed) net and its gNet head to the engine's model blob,
// check it with the host reference exactly as the firmware will read it, and report the
// reference's accuracy on the test split at every exit.
#include <chrono>
#include <filesystem>
#include <iostream>

#include "freeml/compiler/commands.h"
#include "freeml/compiler/gnet.h"
#include "freeml/compiler/lower.h"
#include "freeml/compiler/model_io.h"
#include "freeml/compiler/options.h"
#include "freeml/compiler/report.h"
#include "freeml/compiler/sparsecomp.h"
#include "freeml/compiler/train.h"
#include "freeml/engine.h"
#include "freeml/reference/blob_io.h"
#include "freeml/reference/budget_options.h"
#include "freeml/reference/unit_cost.h"

namespace freeml {

namespace po = boost::program_options;

namespace {

ref::Policy policy_from_name(const std::string& name) {
  if (name == "none") return ref::Policy::kNone;
  if (name == "energy") return ref::Policy::kEnergy;
  if (name == "confidence") return ref::Policy::kConfidence;
  if (name == "energy+confidence") return ref::Policy::kEnergyConfidence;
  throw std::invalid_argument("unknown policy '" + name +
                              "' (none, energy, confidence, energy+confidence)");
}

// The report of an earlier step (train/compress/gnet), embedded so one file records the chain.
nlohmann::json report_if_present(const std::string& artifact) {
  const std::string path = report_path_for(artifact);
  if (!std::filesystem::exists(path)) return nullptr;
  return read_json(path);
}

}  // namespace

int cmd_emit(int argc, char** argv) {
  const ref::BudgetRequest supply_defaults;  // --v-on and the rest default as freeml-ref's do
  po::options_description opts("freeml-compile emit options");
  opts.add_options()("help,h", "this help")(
      "model", po::value<std::string>()->required(),
      "backbone: TorchScript (.pt, usually compressed) or ONNX (.onnx)")(
      "head", po::value<std::string>(), "gNet head archive (freeml-compile gnet); none = no exits")(
      "policy", po::value<std::string>()->default_value("none"),
      "default exit policy: none, energy, confidence, energy+confidence")(
      "energy-mv", po::value<int>()->default_value(2200), "energy policy threshold, mV")(
      "conf-margin", po::value<double>()->default_value(4.0),
      "confidence policy: exit when top-1 minus top-2 exit logit >= this (real units)")(
      "storage", po::value<std::string>()->default_value("lower"),
      "where the device keeps the blob: lower (FRAM below 64 KB, freeml_infer.elf) or upper "
      "(FRAM above 64 KB, up to 208 KB, freeml_infer_upper.elf; FORMAT.md \"Storage\")")(
      "capacity-bytes", po::value<size_t>(),
      "largest blob the firmware accepts (default: 16384 for lower storage, 212992 for "
      "upper)")("out", po::value<std::string>()->required(), "model blob to write (report: .json)")(
      "unit-budget-cycles", po::value<std::string>(),
      "size the intermittent units so that every step of the engine takes at most N cycles "
      "(instead of --capacitor)")(
      "capacitor", po::value<std::string>()->default_value("10uF"),
      "size the units so that one charge of this capacitor finishes any step (FORMAT.md "
      "\"Intermittent units\")")("v-on",
                                 po::value<std::string>()->default_value(supply_defaults.v_on),
                                 "turn-on voltage of that supply")(
      "v-off", po::value<std::string>()->default_value(supply_defaults.v_off), "turn-off voltage")(
      "mclk", po::value<std::string>()->default_value(supply_defaults.mclk), "MCLK, at most 8 MHz")(
      "leakage", po::value<std::string>()->default_value(supply_defaults.leakage),
      "capacitor leakage current")("safety",
                                   po::value<std::string>()->default_value(supply_defaults.safety),
                                   "share of one charge's modelled cycles a step may use");
  add_dataset_options(&opts);
  po::variables_map vm;
  if (int rc = parse_options("emit", argc, argv, opts, &vm); rc >= 0) return rc;

  // Options first: a typo should not cost loading the dataset and the model.
  const std::string storage = vm["storage"].as<std::string>();
  if (storage != "lower" && storage != "upper") {
    throw std::invalid_argument("--storage: expected lower or upper, got '" + storage + "'");
  }

  const auto start = std::chrono::steady_clock::now();
  const Dataset data = dataset_from_options(vm);
  const std::string model_path = vm["model"].as<std::string>();
  const Net net = load_net(model_path);
  GnetHead head;
  const bool with_head = vm.count("head") > 0;
  if (with_head) head = load_gnet_head(vm["head"].as<std::string>());

  // The same calibration images SparseComp measured with, so the emitted sizes match its report.
  const int64_t calibration_count = SparseCompOptions{}.calibration_count;
  const torch::Tensor calibration =
      data.train.images.slice(0, 0, std::min<int64_t>(calibration_count, data.train.size()));
  Lowered lowered = lower(net, with_head ? &head : nullptr, calibration);
  ref::Model& m = lowered.model;
  m.policy = policy_from_name(vm["policy"].as<std::string>());
  m.energy_mv = vm["energy-mv"].as<int>();
  m.conf_margin = int32_t(std::lround(std::ldexp(vm["conf-margin"].as<double>(), m.logit_frac)));
  if (m.taps.empty() && m.policy != ref::Policy::kNone) {
    throw std::invalid_argument("an exit policy needs a gNet head (--head)");
  }

  m.upper = storage == "upper";

  ref::BudgetRequest budget_request;
  if (vm.count("unit-budget-cycles")) {
    budget_request.unit_budget_cycles = vm["unit-budget-cycles"].as<std::string>();
  } else {
    budget_request.capacitor = vm["capacitor"].as<std::string>();
  }
  budget_request.v_on = vm["v-on"].as<std::string>();
  budget_request.v_off = vm["v-off"].as<std::string>();
  budget_request.mclk = vm["mclk"].as<std::string>();
  budget_request.leakage = vm["leakage"].as<std::string>();
  budget_request.safety = vm["safety"].as<std::string>();
  const ref::ResolvedBudget budget = ref::resolve_budget(budget_request);
  ref::plan_units(&m, budget.cycles);

  const std::vector<uint8_t> blob = ref::write_blob(m);
  const size_t capacity = vm.count("capacity-bytes") ? vm["capacity-bytes"].as<size_t>()
                                                     : (m.upper ? size_t(FML_UPPER_MAX_BYTES)
                                                                : size_t(FML_MODEL_CAPACITY));
  if (blob.size() > capacity) {
    throw std::runtime_error("blob is " + std::to_string(blob.size()) +
                             " bytes, over the firmware's capacity of " + std::to_string(capacity) +
                             (m.upper ? "" : " (--storage upper keeps up to 212992 bytes)"));
  }
  if (size_t(m.max_act_words()) > FML_ACT_CAPACITY_WORDS) {
    throw std::runtime_error("largest activation is " + std::to_string(m.max_act_words()) +
                             " words, over the firmware's buffers of " +
                             std::to_string(FML_ACT_CAPACITY_WORDS));
  }
  const std::string out = vm["out"].as<std::string>();
  ref::write_file(out, blob);

  // Everything below reads the blob back as the firmware will: what it reports is the file's.
  const ref::Model parsed = ref::parse_blob(blob, out);
  const FixedAccuracy fixed = fixed_accuracy(parsed, data.test);
  const Footprint f = footprint(parsed);
  const double float_test = accuracy(net, data.test);
  nlohmann::json exits = nlohmann::json::array();
  for (size_t k = 0; k < parsed.taps.size(); ++k) {
    exits.push_back({{"exit", k},
                     {"layer", parsed.taps[k].layer},
                     {"net_layer", net.layers[size_t(head.tap_layers[k])].name},
                     {"grid", {parsed.taps[k].grid_h, parsed.taps[k].grid_w}},
                     {"features", parsed.taps[k].features},
                     {"reference_test_accuracy", fixed.exit_accuracy[k]}});
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  nlohmann::json report = {
      {"command", "emit"},
      {"blob", out},
      {"model", model_path},
      {"head", with_head ? vm["head"].as<std::string>() : ""},
      {"dataset", data.describe()},
      {"seed", vm["seed"].as<uint64_t>()},
      {"blob_bytes", blob.size()},
      {"storage", parsed.upper ? "upper" : "lower"},
      {"blob_crc32", ref::crc32_ieee(blob.data() + 16, blob.size() - 16)},
      {"backbone_weight_bytes", f.weight_bytes},
      {"exit_bytes", f.exit_bytes},
      {"max_act_words", f.max_act_words},
      {"activation_buffer_bytes", 4 * f.max_act_words},
      {"peak_pair_bytes", 2 * f.peak_pair_words},
      {"layers", f.layers},
      {"policy", ref::to_string(parsed.policy)},
      {"energy_mv", parsed.energy_mv},
      {"conf_margin", parsed.conf_margin},
      {"logit_frac", parsed.logit_frac},
      {"units",
       {{"budget", budget.to_json()},
        {"recorded_kcycles", parsed.unit_budget_kcycles},
        {"steps", ref::inference_steps(parsed).size()},
        {"largest_step_cycles", ref::largest_step_cycles(parsed)}}},
      {"accuracy",
       {{"float_test", float_test},
        {"reference_final_test", fixed.final_accuracy},
        {"reference_exits_test", exits}}},
      {"seconds", seconds},
      {"versions", versions_json()},
      {"inputs",
       {{"model_report", report_if_present(model_path)},
        {"head_report", with_head ? report_if_present(vm["head"].as<std::string>()) : nullptr}}}};
  write_json(report, report_path_for(out));
  std::cerr << "emit: " << out << " " << blob.size() << " B (weights " << f.weight_bytes
            << ", exits " << f.exit_bytes << "), activations " << 4 * f.max_act_words
            << " B; test accuracy float " << float_test << ", reference " << fixed.final_accuracy;
  for (size_t k = 0; k < fixed.exit_accuracy.size(); ++k)
    std::cerr << (k ? ", " : "; exits ") << fixed.exit_accuracy[k];
  std::cerr << "\n";
  std::cout << report_path_for(out) << "\n";
  return 0;
}

}  // namespace freeml

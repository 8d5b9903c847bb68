// freeml-compile compress: SparseComp a trained model to a memory budget.
#include <iostream>

#include "freeml/compiler/commands.h"
#include "freeml/compiler/lower.h"
#include "freeml/compiler/model_io.h"
#include "freeml/compiler/options.h"
#include "freeml/compiler/report.h"
#include "freeml/compiler/sparsecomp.h"

namespace freeml {

namespace po = boost::program_options;

int cmd_compress(int argc, char** argv) {
  po::options_description opts("freeml-compile compress options");
  opts.add_options()("help,h", "this help")("model", po::value<std::string>()->required(),
                                            "trained model: TorchScript (.pt) or ONNX (.onnx)")(
      "target-kb", po::value<double>()->default_value(16), "budget for the backbone's blob, KB")(
      "activation-budget-kb", po::value<double>()->default_value(4),
      "budget for the two activation buffers, KB")("rank",
                                                   po::value<std::string>()->default_value("vbmf"),
                                                   "rank rule: vbmf or energy:<fraction>")(
      "no-separate", "skip layer separation (sparsity only)")(
      "fragile-drop", po::value<double>()->default_value(0.05),
      "accuracy loss that marks a layer fragile")("separation-batches",
                                                  po::value<int64_t>()->default_value(600),
                                                  "fine-tuning batches per separation")(
      "retrain-batches", po::value<int64_t>()->default_value(300),
      "retraining batches per sparsity step")(
      "final-batches", po::value<int64_t>()->default_value(1500), "final fine-tuning batches")(
      "batch-size", po::value<int64_t>()->default_value(32), "minibatch size")(
      "lr", po::value<double>()->default_value(5e-4), "Adam learning rate for retraining")(
      "out", po::value<std::string>()->required(), "compressed TorchScript model (report: .json)");
  add_dataset_options(&opts);
  po::variables_map vm;
  if (int rc = parse_options("compress", argc, argv, opts, &vm); rc >= 0) return rc;

  const Dataset data = dataset_from_options(vm);
  const Net baseline = load_net(vm["model"].as<std::string>());
  SparseCompOptions o;
  o.target_kb = vm["target-kb"].as<double>();
  o.activation_budget_kb = vm["activation-budget-kb"].as<double>();
  o.rank_rule = vm["rank"].as<std::string>();
  o.separate = !vm.count("no-separate");
  o.fragile_drop = vm["fragile-drop"].as<double>();
  o.separation_batches = vm["separation-batches"].as<int64_t>();
  o.retrain_batches = vm["retrain-batches"].as<int64_t>();
  o.final_batches = vm["final-batches"].as<int64_t>();
  o.train.batch_size = vm["batch-size"].as<int64_t>();
  o.train.learning_rate = vm["lr"].as<double>();
  o.train.seed = vm["seed"].as<uint64_t>();
  torch::manual_seed(o.train.seed);

  const SparseCompResult r = sparsecomp(baseline, data, o, &std::cerr);

  const torch::Tensor calibration =
      data.train.images.slice(0, 0, std::min<int64_t>(o.calibration_count, data.train.size()));
  const Lowered base_lowered = lower(baseline, nullptr, calibration);
  const Lowered lowered = lower(r.net, nullptr, calibration);
  const Footprint base_f = footprint(base_lowered.model);
  const Footprint f = footprint(lowered.model);
  const FixedAccuracy fixed = fixed_accuracy(lowered.model, data.test);
  const FixedAccuracy base_fixed = fixed_accuracy(base_lowered.model, data.test);
  const double base_test = accuracy(baseline, data.test);
  const double test = accuracy(r.net, data.test);
  const size_t float_bytes = size_t(baseline.parameter_count()) * 4;

  const std::string out = vm["out"].as<std::string>();
  save_net(r.net, out);
  nlohmann::json report = {
      {"command", "compress"},
      {"model", out},
      {"baseline_model", vm["model"].as<std::string>()},
      {"arch", r.net.arch_json()},
      {"dataset", data.describe()},
      {"seed", o.train.seed},
      {"options",
       {{"target_kb", o.target_kb},
        {"activation_budget_kb", o.activation_budget_kb},
        {"rank_rule", o.rank_rule},
        {"separate", o.separate},
        {"fragile_drop", o.fragile_drop},
        {"separation_batches", o.separation_batches},
        {"retrain_batches", o.retrain_batches},
        {"final_batches", o.final_batches},
        {"batch_size", o.train.batch_size},
        {"learning_rate", o.train.learning_rate}}},
      {"sparsecomp", r.report},
      {"size",
       {{"baseline_float32_bytes", float_bytes},
        {"baseline_blob_bytes", base_f.blob_bytes},
        {"compressed_blob_bytes", f.blob_bytes},
        {"compressed_weight_bytes", f.weight_bytes},
        {"ratio_vs_float32", double(float_bytes) / double(f.blob_bytes)},
        {"ratio_vs_int16_dense_blob", double(base_f.blob_bytes) / double(f.blob_bytes)},
        {"activation_bytes", 4 * f.max_act_words},
        {"peak_pair_bytes", 2 * f.peak_pair_words},
        {"layers", f.layers}}},
      {"accuracy",
       {{"baseline_float_test", base_test},
        {"baseline_fixed_test", base_fixed.final_accuracy},
        {"compressed_float_test", test},
        {"compressed_fixed_test", fixed.final_accuracy},
        {"compressed_float_val", r.report["steps"].back()["val_accuracy"]}}},
      {"versions", versions_json()}};
  write_json(report, report_path_for(out));
  std::cerr << "compress: " << base_f.blob_bytes << " -> " << f.blob_bytes
            << " B blob, activations " << 4 * f.max_act_words << " B; test accuracy float "
            << base_test << " -> " << test << ", fixed point " << fixed.final_accuracy
            << (r.fits ? "" : " (DOES NOT FIT)") << "\n";
  std::cout << report_path_for(out) << "\n";
  return r.fits ? 0 : 1;
}

}  // namespace freeml

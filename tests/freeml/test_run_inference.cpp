// FreeML under `ehsim run` on harvested power (docs/run.md "inference"): every result the
// firmware completes across power failures equals the host reference's; the energy policy exits
// earlier than none when energy is scarce, and each exit equals the reference's exit branch at
// that layer; a sensor with a sampling period loses the samples that arrive while the device is
// off or busy; bad inference input is rejected naming the JSON path.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "fml_harness.h"
#include "freeml/reference/blob_io.h"
#include "freeml/reference/fixed_exec.h"
#include "freeml/reference/generator.h"
#include "run_harness.h"

namespace {

using namespace freeml::ref;
using nlohmann::json;

constexpr int kSamples = 40;

struct Fixture {
  std::string dir;
  Model model;
  SampleSet samples;
};

// A random mixed model (every kernel kind, three taps) and samples whose labels are the
// reference's final answer for even indices and a wrong class for odd ones, so the accuracy the
// simulator reports is known in advance.
Fixture make_fixture(const std::string& name) {
  Fixture f;
  f.dir = runtest::scratch_dir(name);
  f.model = generate_model(mixed_spec(), 42);
  f.samples = fmltest::random_samples(f.model, kSamples, 3);
  for (size_t i = 0; i < f.samples.samples.size(); ++i) {
    const int cls = fmltest::expected(f.model, f.samples.samples[i]).cls;
    f.samples.labels[i] = uint16_t(i % 2 == 0 ? cls : (cls + 1) % f.model.num_classes);
  }
  fmltest::write_bytes(f.dir + "/model.fmlb", write_blob(f.model));
  fmltest::write_bytes(f.dir + "/samples.fmls", write_samples(f.samples));
  return f;
}

json scenario(const Fixture& f, const std::string& policy) {
  json sc = runtest::square_scenario("freeml_infer");
  sc["name"] = "inference-" + policy;
  sc["run"]["duration"] = "4s";
  sc["outputs"]["timeseries_period"] = "0";
  sc["inference"] = {
      {"model", f.dir + "/model.fmlb"}, {"samples", f.dir + "/samples.fmls"}, {"policy", policy}};
  return sc;
}

std::vector<json> inferences(const runtest::RunOutput& r) {
  return runtest::events_of(r, "inference");
}

Decision final_answer(const Model& m, const std::vector<int16_t>& x) {
  Model none = m;
  none.policy = Policy::kNone;
  return fmltest::expected(none, x);
}

}  // namespace

TEST_CASE("run: every inference completed across power failures equals the reference",
          "[freeml][run]") {
  const Fixture f = make_fixture("run-inference-none");
  const runtest::RunOutput r = runtest::run_scenario(f.dir, scenario(f, "none"));
  INFO(r.console);
  REQUIRE(r.status == 0);
  REQUIRE(r.summary["power"]["power_failures"].get<int>() >= 2);
  const auto results = inferences(r);
  REQUIRE(results.size() >= 5);
  int correct = 0;
  for (const auto& ev : results) {
    const int i = ev["sample"];
    const Decision want = final_answer(f.model, f.samples.samples[size_t(i)]);
    INFO("sample " << i);
    CHECK(ev["class"] == want.cls);
    CHECK(ev["confidence"] == want.confidence);
    CHECK(ev["exit_layer"] == int(f.model.layers.size()) - 1);
    CHECK(ev["label"] == f.samples.labels[size_t(i)]);
    CHECK(ev["correct"] == (i % 2 == 0));
    correct += i % 2 == 0;
  }
  const json& s = r.summary["inference"];
  CHECK(s["policy"] == "none");
  CHECK(s["completed"] == results.size());
  CHECK(s["correct"] == correct);
  CHECK(s["accuracy"].get<double>() == Approx(double(correct) / double(results.size())));
  CHECK(s["missed"] == 0);  // on demand: nothing is offered that the firmware did not take
  // Results are reported in sample order, each once, even when a report was interrupted.
  for (size_t k = 0; k < results.size(); ++k) CHECK(results[k]["sample"] == k);
}

TEST_CASE("run: one output channel per unit gives the reference's classes and confidences",
          "[freeml][run]") {
  const Fixture f = make_fixture("run-inference-units");
  json sc = scenario(f, "none");
  sc["inference"]["unit_channels"] = 1;
  const runtest::RunOutput r = runtest::run_scenario(f.dir, sc);
  INFO(r.console);
  REQUIRE(r.status == 0);
  REQUIRE(r.summary["power"]["power_failures"].get<int>() >= 2);
  const auto results = inferences(r);
  REQUIRE(results.size() >= 5);
  for (const auto& ev : results) {
    const int i = ev["sample"];
    const Decision want = final_answer(f.model, f.samples.samples[size_t(i)]);
    CHECK(ev["class"] == want.cls);
    CHECK(ev["confidence"] == want.confidence);
  }
}

TEST_CASE("run: unit_budget supply re-plans a blob of whole layers for the scenario's 10 uF",
          "[freeml][run][recorded]") {
  RUNTEST_REQUIRE_RECORDED_TRACES();
  // The MNIST blob with whole layers as units (as before issue 16) on the weakest RF trace: at
  // 10 uF its largest layer outlasts every charge and nothing completes. Re-planned for one
  // charge of the scenario's own capacitor, the same blob answers, with the reference's classes.
  const std::string dir = runtest::scratch_dir("run-inference-unit-budget");
  freeml::ref::Model whole = freeml::ref::read_blob_file(std::string(EHSIM_SOURCE_DIR) +
                                                         "/freeml/models/mnist-lenet.fmlb");
  for (auto& l : whole.layers) l.unit_elements = l.unit_channels = 0;
  for (auto& t : whole.taps) t.unit_channels = 0;
  whole.unit_budget_kcycles = 0;
  fmltest::write_bytes(dir + "/whole.fmlb", freeml::ref::write_blob(whole));
  const auto run = [&](const std::string& name, const std::string& extra) {
    return runtest::run_scenario_file(
        std::string(EHSIM_SOURCE_DIR) + "/scenarios/experiments/capacitor-sweep.json",
        dir + "/" + name,
        std::string("--set trace_dir=") + EHSIM_TRACE_DIR +
            " --set harvester.trace.file=rf-obstruction.trace --set supply.capacitance=10uF"
            " --set inference.policy=none --set outputs.timeseries_period=0"
            " --set run.duration=60s --set inference.model=" +
            dir + "/whole.fmlb" + extra);
  };
  const auto as_is = run("as-is", "");
  const auto planned = run("planned", " --set inference.unit_budget=supply");
  for (const auto* r : {&as_is, &planned}) {
    INFO(r->console);
    REQUIRE(r->status == 0);
  }
  CHECK(as_is.summary["inference"]["completed"] == 0);
  CHECK(planned.summary["inference"]["completed"].get<int>() > 0);
  const freeml::ref::SampleSet set = freeml::ref::read_samples_file(
      std::string(EHSIM_SOURCE_DIR) + "/freeml/models/mnist-test-1000.fmls");
  for (const auto& ev : inferences(planned)) {
    const int i = ev["sample"];
    CHECK(ev["class"] == final_answer(whole, set.samples[size_t(i)]).cls);
  }
}

TEST_CASE("run: the energy policy exits earlier than none, at the reference's exit outputs",
          "[freeml][run]") {
  const Fixture f = make_fixture("run-inference-energy");
  std::map<std::string, runtest::RunOutput> runs;
  for (const char* policy : {"none", "energy"}) {
    json sc = scenario(f, policy);
    // Just below v_on: the policy exits whenever the capacitor has discharged a little.
    sc["inference"]["energy_threshold"] = "2.3V";
    runs[policy] = runtest::run_scenario(
        runtest::scratch_dir(std::string("run-inference-energy-") + policy), sc);
    INFO(runs[policy].console);
    REQUIRE(runs[policy].status == 0);
  }
  const auto mean_exit = [](const std::vector<json>& results) {
    double sum = 0;
    for (const auto& ev : results) sum += ev["exit_layer"].get<double>();
    return results.empty() ? 0.0 : sum / double(results.size());
  };
  const auto energy = inferences(runs["energy"]);
  const auto none = inferences(runs["none"]);
  REQUIRE(!energy.empty());
  CHECK(mean_exit(energy) < mean_exit(none));
  // More samples finish in the same time when they may stop early.
  CHECK(energy.size() >= none.size());
  int early = 0;
  for (const auto& ev : energy) {
    const int i = ev["sample"];
    const FixedRun run = run_fixed(f.model, f.samples.samples[size_t(i)]);
    const int layer = ev["exit_layer"];
    INFO("sample " << i << " exit layer " << layer);
    int tap = -1;
    for (size_t k = 0; k < f.model.taps.size(); ++k) {
      if (f.model.taps[k].layer == layer) tap = int(k);
    }
    int cls;
    int32_t margin;
    if (tap >= 0) {
      ++early;
      top1_margin(run.exit_logits[size_t(tap)], &cls, &margin);
    } else {
      REQUIRE(layer == int(f.model.layers.size()) - 1);
      const Decision d = final_answer(f.model, f.samples.samples[size_t(i)]);
      cls = d.cls;
      margin = d.confidence;
    }
    CHECK(ev["class"] == cls);
    CHECK(ev["confidence"] == margin);
  }
  CHECK(early > 0);
  const json& exits = runs["energy"].summary["inference"]["exits"];
  CHECK(exits.size() >= 2);
}

TEST_CASE("run: a sensor with a sampling period loses samples while the device is off",
          "[freeml][run]") {
  const Fixture f = make_fixture("run-inference-period");
  json sc = scenario(f, "none");
  sc["inference"]["sampling_period"] = "50ms";
  const runtest::RunOutput r = runtest::run_scenario(f.dir, sc);
  INFO(r.console);
  REQUIRE(r.status == 0);
  const json& s = r.summary["inference"];
  // 40 samples at 0, 50 ms, ... 1.95 s: all produced within the 4 s run.
  CHECK(s["samples_offered"] == kSamples);
  CHECK(s["missed"].get<int>() > 0);
  CHECK(s["missed"].get<int>() + s["completed"].get<int>() + s["in_progress_at_end"].get<int>() ==
        kSamples);
  const auto results = inferences(r);
  REQUIRE(!results.empty());
  for (const auto& ev : results) {
    const int i = ev["sample"];
    // Latency counts from the sample's arrival, k x 50 ms.
    CHECK(ev["latency_s"].get<double>() ==
          Approx(ev["time_s"].get<double>() - 0.05 * i).margin(1e-9));
    CHECK(ev["latency_s"].get<double>() > 0);
    CHECK(ev["class"] == final_answer(f.model, f.samples.samples[size_t(i)]).cls);
  }
  // No sample was taken before it arrived, and none twice.
  for (size_t k = 1; k < results.size(); ++k)
    CHECK(results[k]["sample"] > results[k - 1]["sample"]);
  // The first sample arrives at 0 s while the capacitor is still charging: missed.
  CHECK(results[0]["sample"].get<int>() > 0);
}

TEST_CASE("run: bad inference input names the JSON path", "[freeml][run][errors]") {
  const Fixture f = make_fixture("run-inference-bad");
  SampleSet wrong;
  wrong.words = f.model.input.size() + 1;
  wrong.frac = f.samples.frac;
  wrong.samples.push_back(std::vector<int16_t>(size_t(wrong.words), 1));
  wrong.labels.push_back(0);
  fmltest::write_bytes(f.dir + "/wrong.fmls", write_samples(wrong));
  std::vector<uint8_t> corrupt = write_blob(f.model);
  corrupt[corrupt.size() / 2] ^= 0xFF;
  fmltest::write_bytes(f.dir + "/corrupt.fmlb", corrupt);
  struct Case {
    const char* key;
    json value;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {"model", f.dir + "/none.fmlb", "/inference/model"},
      {"model", f.dir + "/corrupt.fmlb", "/inference/model"},
      {"samples", f.dir + "/wrong.fmls", "/inference/samples"},
      {"policy", "sometimes", "/inference/policy"},
      {"order", "backwards", "/inference/order"},
      {"sampling_period", "fast", "/inference/sampling_period"},
      {"unit_channels", -1, "/inference/unit_channels"},
      {"unit_budget", "sometimes", "/inference/unit_budget"},
      {"unit_budget", 5, "/inference/unit_budget"},
      {"unit_budget", 1000, "/inference/unit_budget"},  // no element of the model fits
  };
  for (const auto& c : cases) {
    json sc = scenario(f, "none");
    sc["inference"][c.key] = c.value;
    const runtest::RunOutput r = runtest::run_scenario(f.dir, sc);
    INFO(c.key << "\n" << r.console);
    CHECK(r.status == 2);
    CHECK(r.console.find(c.expect) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(r.dir));
  }
  // A firmware that is not a FreeML one has nowhere to put the model.
  json sc = scenario(f, "none");
  sc["firmware"] = std::string(EHSIM_FIRMWARE_DIR) + "/checksum_ckpt.elf";
  const runtest::RunOutput r = runtest::run_scenario(f.dir, sc);
  CHECK(r.status == 2);
  CHECK(r.console.find("freeml_model") != std::string::npos);
}

TEST_CASE("run: between samples the firmware sleeps in LPM3 and wakes for each arrival",
          "[freeml][run][lpm]") {
  const Fixture f = make_fixture("run-inference-sleep");
  // Ample constant power: the device never fails, finishes each sample well within the period
  // and waits for the next one in LPM3 (Timer_A0 on VLO).
  std::ofstream(f.dir + "/constant.csv") << "time_s,power_W\n0,0.05\n100,0.05\n";
  json sc = scenario(f, "none");
  sc["harvester"]["trace"]["file"] = f.dir + "/constant.csv";
  sc["run"]["duration"] = "4.5s";
  sc["inference"]["sampling_period"] = "1s";
  const runtest::RunOutput r = runtest::run_scenario(f.dir, sc);
  INFO(r.console);
  REQUIRE(r.status == 0);
  CHECK(r.summary["power"]["power_failures"] == 0);
  const auto results = inferences(r);
  REQUIRE(results.size() == 5);  // samples 0..4 arrive at 0, 1, 2, 3, 4 s
  for (size_t k = 0; k < results.size(); ++k) {
    CHECK(results[k]["sample"] == k);
    // Each starts when it arrives (after the wake-up), so its latency is one inference.
    CHECK(results[k]["latency_s"].get<double>() < 0.5);
  }
  CHECK(r.summary["inference"]["missed"] == 0);
  CHECK(r.summary["mcu"]["wakeups"].get<int>() >= 4);
  CHECK(r.summary["time"]["low_power_s"].get<double>() > 2.0);
}

// FreeML inference under `ehsim run` (docs/run.md "inference"): the scenario's model blob is
// written into the firmware's `freeml_model` FRAM array before the first boot, its sample file
// feeds host_io as a sensor would, and the firmware's result markers (freeml/FORMAT.md "host_io
// protocol") become inference events and the summary's "inference" figures.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "energy/supply_params.h"
#include "mcu_model/elf/elf_image.h"
#include "mcu_model/mcu.h"
#include "mcu_model/periph/host_io.h"

namespace ehsim {

struct InferenceConfig {
  std::string model_path;         // resolved
  std::string samples_path;       // resolved
  bool shuffled = false;          // else the file's order
  uint32_t first = 0;             // first sample of the file used
  uint32_t count = 0;             // 0: all from `first`
  double sampling_period_s = 0;   // 0: a sample is there whenever the firmware asks
  std::optional<uint8_t> policy;  // overrides the blob's default (FML_POLICY_*)
  std::optional<uint16_t> energy_threshold_mV;
  std::optional<int32_t> confidence_margin;
  // Output channels per intermittent unit for every layer (0: whole layers), overriding the
  // compiler's choice so a unit fits the energy one charge of the capacitor buys.
  std::optional<uint16_t> unit_channels;
  // "unit_budget": the blob's units re-planned so that every step fits this many cycles
  // (freeml/FORMAT.md "Intermittent units"); "supply" asks for the cycles one charge of the
  // scenario's own capacitor pays for, which resolve_unit_budget() fills in.
  std::optional<uint64_t> unit_budget_cycles;
  bool unit_budget_from_supply = false;
};

// For "unit_budget": "supply": the cycles one charge of the scenario's capacitor pays for
// between its v_on and v_off at the device's MCLK (freeml/reference/charge_budget.h, safety
// 0.8). Throws InputError naming /inference/unit_budget when the model cannot answer (a
// converter, MCLK above 8 MHz).
void resolve_unit_budget(InferenceConfig* config, const energy::SupplyParams& supply,
                         double mclk_hz);

// Parses "/inference" (absent: nullopt). Files are looked up next to the scenario, in the
// working directory, then in freeml/models of the source tree.
std::optional<InferenceConfig> parse_inference_section(const nlohmann::json& doc,
                                                       const std::string& scenario_dir);

// A sensor producing the scenario's samples: on demand, or sample k at k * period. With a period
// it holds only the newest sample: what the firmware does not take before the next arrives
// (because it was off or busy) is missed.
class SensorSampleSource : public mcu::SampleSource {
 public:
  SensorSampleSource(std::vector<mcu::Sample> samples, double period_s);
  mcu::SampleStatus next(mcu::Sample* sample, double now_s) override;
  double wait_s(double now_s) const override;

  struct Handed {
    uint32_t index = 0;  // in the sample file
    int label = -1;
    double arrival_s = 0;  // when the sensor produced it (the request time when on demand)
    double handed_s = 0;
  };
  const std::vector<Handed>& handed() const { return handed_; }
  // Samples the sensor had produced by end_s (on demand: those handed out).
  uint64_t offered_by(double end_s) const;
  double period_s() const { return period_s_; }

 private:
  std::vector<mcu::Sample> samples_;
  double period_s_;
  int64_t last_ = -1;  // position in samples_ of the last sample handed out
  std::vector<Handed> handed_;
};

struct PreparedInference {
  std::shared_ptr<SensorSampleSource> source;
  uint16_t layer_count = 0;
  std::string policy;  // in force after the scenario's override
};

// Loads the model (validated, policy overrides applied) into the firmware's `freeml_model` and
// attaches the sensor to host_io. Throws InputError naming the file and what is wrong.
PreparedInference prepare_inference(const InferenceConfig& config, uint64_t seed,
                                    const std::string& firmware_path, const mcu::ElfImage& image,
                                    mcu::Mcu& mcu);

// Turns the firmware's markers into one result per sample.
class InferenceTracker {
 public:
  InferenceTracker(std::shared_ptr<SensorSampleSource> source, uint16_t layer_count,
                   std::string policy);
  // Feeds one host_io marker; returns an "inference" event when a sample's result completes.
  std::optional<nlohmann::ordered_json> on_marker(uint16_t id, uint16_t arg, double t_s);
  nlohmann::ordered_json summary(double end_s) const;

 private:
  struct Exit {
    uint64_t count = 0, correct = 0, labelled = 0;
  };
  std::shared_ptr<SensorSampleSource> source_;
  std::string policy_;
  std::vector<Exit> exits_;  // by layer
  uint16_t exit_layer_ = 0, cls_ = 0, conf_lo_ = 0;
  int32_t confidence_ = 0;
  int64_t last_done_ = -1;  // position in source_->handed() of the last completed sample
  uint64_t completed_ = 0, correct_ = 0, labelled_ = 0;
  double latency_sum_s_ = 0;
};

}  // namespace ehsim

#include "sim/run/inference.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>

#include "freeml/firmware/include/freeml/model_format.h"
#include "freeml/reference/blob_io.h"
#include "freeml/reference/charge_budget.h"
#include "freeml/reference/samples.h"
#include "freeml/reference/unit_cost.h"
#include "sim/run/firmware_inputs.h"
#include "sim/scenario/units.h"

namespace ehsim {

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

// Markers of freeml_infer (freeml/FORMAT.md "host_io protocol").
constexpr uint16_t kMarkExit = 0x55, kMarkClass = 0x56, kMarkConfLo = 0x57, kMarkConfHi = 0x58,
                   kMarkDone = 0x59;
constexpr const char* kModelSymbol = "freeml_model";

std::string resolve_input(const std::string& name, const std::string& scenario_dir,
                          const std::string& path) {
  const fs::path models = fs::path(EHSIM_SOURCE_DIR) / "freeml" / "models";
  return find_scenario_file(name, path, scenario_dir, models.string(), "the models directory");
}

uint8_t parse_policy(const std::string& text, const std::string& path) {
  if (text == "none") return FML_POLICY_NONE;
  if (text == "energy") return FML_POLICY_ENERGY;
  if (text == "confidence") return FML_POLICY_CONFIDENCE;
  if (text == "energy+confidence") return FML_POLICY_ENERGY_CONFIDENCE;
  throw InputError(path +
                   ": expected \"none\", \"energy\", \"confidence\" or \"energy+confidence\"");
}

const char* policy_name(uint8_t policy) {
  switch (policy) {
    case FML_POLICY_NONE:
      return "none";
    case FML_POLICY_ENERGY:
      return "energy";
    case FML_POLICY_CONFIDENCE:
      return "confidence";
    default:
      return "energy+confidence";
  }
}

uint32_t count_value(const json& obj, const std::string& path, const char* key) {
  if (!obj.contains(key)) return 0;
  const json& v = obj.at(key);
  require(v.is_number_unsigned() && v.get<uint64_t>() <= UINT32_MAX, json_path(path, key),
          "expected a non-negative integer");
  return uint32_t(v.get<uint64_t>());
}

void put_u16(std::vector<uint8_t>& b, size_t off, uint16_t v) {
  b[off] = uint8_t(v);
  b[off + 1] = uint8_t(v >> 8);
}

uint16_t get_u16(const std::vector<uint8_t>& b, size_t off) {
  return uint16_t(b[off] | (b[off + 1] << 8));
}

// Deterministic on every platform: mt19937_64's output sequence is fixed by the standard, while
// std::shuffle and the distributions are not.
void shuffle(std::vector<mcu::Sample>& samples, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (size_t i = samples.size(); i > 1; --i) std::swap(samples[i - 1], samples[rng() % i]);
}

}  // namespace

std::optional<InferenceConfig> parse_inference_section(const json& doc,
                                                       const std::string& scenario_dir) {
  if (!doc.contains("inference")) return std::nullopt;
  const std::string path = "/inference";
  const json& j = doc.at("inference");
  require_object(j, path);
  check_keys(j, path,
             {"model", "samples", "order", "first", "count", "sampling_period", "policy",
              "energy_threshold", "confidence_margin", "unit_channels", "unit_budget"});
  InferenceConfig c;
  require(j.contains("model"), json_path(path, "model"), "required: the model blob (.fmlb)");
  require(j.contains("samples"), json_path(path, "samples"), "required: the sample file (.fmls)");
  c.model_path =
      resolve_input(string_value(j, path, "model", ""), scenario_dir, json_path(path, "model"));
  c.samples_path =
      resolve_input(string_value(j, path, "samples", ""), scenario_dir, json_path(path, "samples"));
  const std::string order = string_value(j, path, "order", "sequential");
  require(order == "sequential" || order == "shuffled", json_path(path, "order"),
          "expected \"sequential\" or \"shuffled\"");
  c.shuffled = order == "shuffled";
  c.first = count_value(j, path, "first");
  c.count = count_value(j, path, "count");
  c.sampling_period_s = quantity(j, path, "sampling_period", "s", 0.0);
  require(c.sampling_period_s == 0 || c.sampling_period_s >= 1e-6,
          json_path(path, "sampling_period"), "expected 0 (on demand) or at least 1us");
  if (j.contains("policy")) {
    c.policy = parse_policy(string_value(j, path, "policy", ""), json_path(path, "policy"));
  }
  if (j.contains("energy_threshold")) {
    const double v = quantity(j, path, "energy_threshold", "V", 0.0);
    require(v > 0 && v < 65.535, json_path(path, "energy_threshold"),
            "expected a voltage such as \"2.1V\"");
    c.energy_threshold_mV = uint16_t(std::lround(v * 1000));
  }
  if (j.contains("confidence_margin")) {
    const json& v = j.at("confidence_margin");
    require(v.is_number_integer() && v.get<int64_t>() >= 0 && v.get<int64_t>() <= INT32_MAX,
            json_path(path, "confidence_margin"),
            "expected a non-negative integer (top-1 minus top-2 exit logit, at the model's "
            "logit_frac)");
    c.confidence_margin = int32_t(v.get<int64_t>());
  }
  if (j.contains("unit_channels")) {
    const json& v = j.at("unit_channels");
    require(v.is_number_unsigned() && v.get<uint64_t>() <= 0xFFFF, json_path(path, "unit_channels"),
            "expected output channels per unit, 0..65535 (0: one unit per layer)");
    c.unit_channels = uint16_t(v.get<uint64_t>());
  }
  if (j.contains("unit_budget")) {
    const json& v = j.at("unit_budget");
    const std::string where = json_path(path, "unit_budget");
    require(!c.unit_channels, where, "give unit_budget or unit_channels, not both");
    if (v.is_string()) {
      require(v.get<std::string>() == "supply", where,
              "expected \"supply\" (one charge of this scenario's capacitor) or a number of "
              "cycles");
      c.unit_budget_from_supply = true;
    } else {
      require(v.is_number_unsigned() && v.get<uint64_t>() >= 1000 && v.get<uint64_t>() <= 65535000,
              where, "expected cycles per step, 1000..65535000, or \"supply\"");
      c.unit_budget_cycles = v.get<uint64_t>();
    }
  }
  return c;
}

void resolve_unit_budget(InferenceConfig* c, const energy::SupplyParams& supply, double mclk_hz) {
  if (!c->unit_budget_from_supply) return;
  const std::string where = "/inference/unit_budget";
  require(supply.converter.type == energy::ConverterType::none, where,
          "\"supply\" sizes units for an MCU straight off the capacitor; with a converter give "
          "the cycles instead");
  freeml::ref::ChargeSupply s;
  s.capacitance_F = supply.capacitor.capacitance_F;
  s.v_on_V = supply.thresholds.v_on_V;
  s.v_off_V = supply.thresholds.v_off_V;
  s.mclk_Hz = mclk_hz;
  s.leakage_A = supply.capacitor.leakage_A + supply.capacitor.leakage_S * s.v_on_V;
  try {
    c->unit_budget_cycles = freeml::ref::charge_budget(s).budget_cycles;
  } catch (const std::invalid_argument& e) {
    throw InputError(where + ": " + e.what());
  }
}

SensorSampleSource::SensorSampleSource(std::vector<mcu::Sample> samples, double period_s)
    : samples_(std::move(samples)), period_s_(period_s) {}

mcu::SampleStatus SensorSampleSource::next(mcu::Sample* sample, double now_s) {
  const int64_t n = int64_t(samples_.size());
  int64_t pick = last_ + 1;
  double arrival_s = now_s;
  if (period_s_ > 0) {
    // The newest sample produced by now; the ones between it and the last taken were missed.
    const int64_t newest = std::min<int64_t>(n - 1, int64_t(std::floor(now_s / period_s_)));
    if (newest <= last_)
      return last_ + 1 >= n ? mcu::SampleStatus::kExhausted : mcu::SampleStatus::kNotYet;
    pick = newest;
    arrival_s = double(pick) * period_s_;
  }
  if (pick >= n) return mcu::SampleStatus::kExhausted;
  last_ = pick;
  *sample = samples_[size_t(pick)];
  handed_.push_back({sample->index, sample->label, arrival_s, now_s});
  return mcu::SampleStatus::kReady;
}

double SensorSampleSource::wait_s(double now_s) const {
  if (period_s_ <= 0) return 0.0;
  return std::max(0.0, double(last_ + 1) * period_s_ - now_s);
}

uint64_t SensorSampleSource::offered_by(double end_s) const {
  if (period_s_ <= 0) return handed_.size();
  if (end_s < 0) return 0;
  return uint64_t(std::min<double>(double(samples_.size()), std::floor(end_s / period_s_) + 1));
}

PreparedInference prepare_inference(const InferenceConfig& c, uint64_t seed,
                                    const std::string& firmware_path, const mcu::ElfImage& image,
                                    mcu::Mcu& mcu) {
  // The model: validated exactly as the host reference reads it, after the overrides.
  std::vector<uint8_t> blob;
  freeml::ref::Model model;
  try {
    blob = freeml::ref::read_file(c.model_path);
    model = freeml::ref::parse_blob(blob, c.model_path);
  } catch (const std::exception& e) {
    throw InputError(std::string("/inference/model: ") + e.what());
  }
  if (c.unit_budget_cycles) {
    try {
      freeml::ref::plan_units(&model, *c.unit_budget_cycles);
      blob = freeml::ref::write_blob(model);
    } catch (const freeml::ref::UnitBudgetError& e) {
      throw InputError("/inference/unit_budget: " + c.model_path + ": " + e.what());
    }
  }
  // Overrides change header and layer fields; the CRC is then recomputed and the result
  // validated again (a unit size the engine cannot use is rejected here, not on the device).
  if (c.policy || c.energy_threshold_mV || c.confidence_margin || c.unit_channels) {
    if (c.policy) blob[FML_HDR_POLICY] = *c.policy;
    if (c.energy_threshold_mV) put_u16(blob, FML_HDR_ENERGY_MV, *c.energy_threshold_mV);
    if (c.confidence_margin) {
      const uint32_t m = uint32_t(*c.confidence_margin);
      put_u16(blob, FML_HDR_CONF_MARGIN, uint16_t(m));
      put_u16(blob, FML_HDR_CONF_MARGIN + 2, uint16_t(m >> 16));
    }
    if (c.unit_channels) {
      const uint16_t table = get_u16(blob, FML_HDR_LAYER_TABLE);
      for (uint16_t l = 0; l < get_u16(blob, FML_HDR_LAYER_COUNT); ++l) {
        const size_t record = size_t(table) + size_t(l) * FML_LAYER_BYTES;
        put_u16(blob, record + FML_L_UNIT_CHANNELS, *c.unit_channels);
        put_u16(blob, record + FML_L_UNIT_ELEMENTS, 0);  // channels, not the blob's elements
      }
      // The blob's promise (every step within its recorded budget) no longer holds.
      put_u16(blob, FML_HDR_UNIT_BUDGET, 0);
    }
    const uint32_t crc = freeml::ref::crc32_ieee(blob.data() + 16, blob.size() - 16);
    put_u16(blob, FML_HDR_CRC32, uint16_t(crc));
    put_u16(blob, FML_HDR_CRC32 + 2, uint16_t(crc >> 16));
    try {
      freeml::ref::parse_blob(blob, c.model_path + " (with the scenario's overrides)");
    } catch (const std::exception& e) {
      throw InputError(std::string("/inference: ") + e.what());
    }
  }

  // A blob planned for one engine is refused by the other (FML_ERR_STORAGE); say so before the
  // run. The upper engine's model lies above 64 KB.
  if (const mcu::FirmwareSymbol* sym = image.find_symbol(kModelSymbol)) {
    const bool upper_firmware = sym->address >= 0x10000;
    if (model.upper != upper_firmware) {
      throw InputError("/inference/model: " + c.model_path + " is stored " +
                       (model.upper ? "above" : "below") + " 64 KB (header storage " +
                       (model.upper ? "upper" : "lower") + "), but " + firmware_path +
                       (upper_firmware
                            ? " is the upper engine; use freeml_infer.elf"
                            : " reads its model below 64 KB; use freeml_infer_upper.elf"));
    }
  }
  std::string error;
  if (!load_at_symbol(firmware_path, image, mcu, kModelSymbol, blob, &error)) {
    throw InputError("/inference/model: " + c.model_path + ": " + error +
                     " (/inference needs a FreeML firmware such as freeml_infer.elf)");
  }

  // The samples, checked against the model's input size.
  freeml::ref::SampleSet set;
  try {
    set = freeml::ref::read_samples_file(c.samples_path);
  } catch (const std::exception& e) {
    throw InputError(std::string("/inference/samples: ") + e.what());
  }
  const uint32_t want = uint32_t(get_u16(blob, FML_HDR_INPUT_C)) * get_u16(blob, FML_HDR_INPUT_H) *
                        get_u16(blob, FML_HDR_INPUT_W);
  if (uint32_t(set.words) != want) {
    throw InputError("/inference/samples: " + c.samples_path + " has " + std::to_string(set.words) +
                     " words per sample; the model's input has " + std::to_string(want));
  }
  if (c.first >= set.samples.size() && !set.samples.empty()) {
    throw InputError("/inference/first: " + std::to_string(c.first) + " is past the " +
                     std::to_string(set.samples.size()) + " samples of " + c.samples_path);
  }
  const size_t end =
      c.count == 0 ? set.samples.size() : std::min(set.samples.size(), size_t(c.first) + c.count);
  std::vector<mcu::Sample> samples = host_samples(set, c.first, end);
  if (c.shuffled) shuffle(samples, seed);
  auto source = std::make_shared<SensorSampleSource>(std::move(samples), c.sampling_period_s);
  mcu.host_io().set_sample_source(source);
  return {source, get_u16(blob, FML_HDR_LAYER_COUNT), policy_name(blob[FML_HDR_POLICY])};
}

InferenceTracker::InferenceTracker(std::shared_ptr<SensorSampleSource> source, uint16_t layer_count,
                                   std::string policy)
    : source_(std::move(source)), policy_(std::move(policy)), exits_(layer_count) {}

std::optional<ordered_json> InferenceTracker::on_marker(uint16_t id, uint16_t arg, double t_s) {
  switch (id) {
    case kMarkExit:
      exit_layer_ = arg;
      return std::nullopt;
    case kMarkClass:
      cls_ = arg;
      return std::nullopt;
    case kMarkConfLo:
      conf_lo_ = arg;
      return std::nullopt;
    case kMarkConfHi:
      confidence_ = int32_t(uint32_t(conf_lo_) | (uint32_t(arg) << 16));
      return std::nullopt;
    case kMarkDone:
      break;
    default:
      return std::nullopt;
  }
  // DONE: the result belongs to the newest handed sample whose index matches; a report repeated
  // after a power failure during reporting finds it completed already.
  const auto& handed = source_->handed();
  int64_t pos = int64_t(handed.size()) - 1;
  while (pos > last_done_ && uint16_t(handed[size_t(pos)].index) != arg) --pos;
  if (pos <= last_done_) return std::nullopt;
  last_done_ = pos;
  const auto& h = handed[size_t(pos)];
  ++completed_;
  const double latency_s = t_s - h.arrival_s;
  latency_sum_s_ += latency_s;
  if (exit_layer_ >= exits_.size()) exits_.resize(exit_layer_ + 1u);
  Exit& e = exits_[exit_layer_];
  ++e.count;
  ordered_json ev = {{"time_s", t_s},
                     {"event", "inference"},
                     {"sample", h.index},
                     {"label", h.label >= 0 ? json(h.label) : json()},
                     {"class", cls_},
                     {"exit_layer", exit_layer_},
                     {"confidence", confidence_},
                     {"latency_s", latency_s}};
  if (h.label >= 0) {
    const bool ok = h.label == int(cls_);
    ++labelled_;
    ++e.labelled;
    correct_ += ok;
    e.correct += ok;
    ev["correct"] = ok;
  }
  return ev;
}

ordered_json InferenceTracker::summary(double end_s) const {
  const auto ratio = [](uint64_t a, uint64_t b) {
    return b ? ordered_json(double(a) / b) : ordered_json();
  };
  const uint64_t offered = source_->offered_by(end_s);
  const uint64_t handed = source_->handed().size();
  // Only the newest sample handed out can still be under way; older unfinished ones were
  // abandoned when a power failure lost them before their first commit.
  const uint64_t in_progress = handed > uint64_t(last_done_ + 1) ? 1 : 0;
  ordered_json exits = ordered_json::array();
  for (size_t l = 0; l < exits_.size(); ++l) {
    const Exit& e = exits_[l];
    if (e.count == 0) continue;
    exits.push_back({{"layer", l},
                     {"count", e.count},
                     {"correct", e.correct},
                     {"accuracy", ratio(e.correct, e.labelled)}});
  }
  return {
      {"policy", policy_},
      {"sampling_period_s", source_->period_s()},
      {"samples_offered", offered},
      {"handed", handed},
      {"completed", completed_},
      // Offered but never finished: arrived while the device was off or busy, or taken and
      // then abandoned (the firmware asks for a fresh sample after a power failure lost one
      // it had not yet committed).
      {"missed", offered - std::min(offered, completed_ + in_progress)},
      {"in_progress_at_end", in_progress},
      {"correct", correct_},
      {"accuracy", ratio(correct_, labelled_)},
      {"mean_latency_s", completed_ ? ordered_json(latency_sum_s_ / completed_) : ordered_json()},
      {"inferences_per_hour", end_s > 0 ? double(completed_) * 3600.0 / end_s : 0.0},
      {"exits", exits}};
}

}  // namespace ehsim

#include "sim/scenario/run_scenario.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "mcu_model/periph/cs.h"
#include "sim/cli/exec_args.h"
#include "sim/debug/energy_breaks.h"
#include "sim/scenario/scenario_document.h"
#include "sim/scenario/supply_scenario.h"
#include "sim/scenario/units.h"

namespace ehsim {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

uint64_t unsigned_value(const json& obj, const std::string& path, const char* key,
                        uint64_t fallback, uint64_t max) {
  if (!obj.contains(key)) return fallback;
  const json& v = obj.at(key);
  const std::string p = json_path(path, key);
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    require(u <= max, p, "must be at most " + std::to_string(max));
    return u;
  }
  if (v.is_string()) {  // "0x15" style ids read better next to firmware sources
    const std::string text = v.get<std::string>();
    char* end = nullptr;
    errno = 0;
    const unsigned long long u = std::strtoull(text.c_str(), &end, 0);
    if (!text.empty() && *end == '\0' && errno == 0 && u <= max) return u;
  }
  throw InputError(p + ": expected an integer in [0, " + std::to_string(max) +
                   "] (decimal, or a string such as \"0x15\")");
}

std::optional<uint16_t> marker_id(const json& obj, const std::string& path, const char* key) {
  if (!obj.contains(key)) return std::nullopt;
  return uint16_t(unsigned_value(obj, path, key, 0, 0xFFFF));
}

// The scenario's `device` section, written straight into the MCU's configuration; the platform
// assembly (sim/run/platform.cpp) adds what comes from elsewhere: the supply, seed and limits.
mcu::McuConfig parse_device(const json& doc, bool* allow_out_of_spec) {
  mcu::McuConfig d;
  d.quantum = sc_core::sc_time(kDefaultRunQuantum_s, sc_core::SC_SEC);
  *allow_out_of_spec = false;
  if (!doc.contains("device")) return d;
  const std::string path = "/device";
  const json& j = doc.at("device");
  check_keys(j, path,
             {"part", "mclk", "sram_at_power_loss", "fault", "boot_delay", "boot_charge", "quantum",
              "comparator_poll", "allow_out_of_spec", "strict_peripherals"});
  if (j.contains("part")) {
    const std::string part = string_value(j, path, "part", "");
    try {
      d.map = mcu::MemoryMap::for_part(part);  // the part's memory map, as data
    } catch (const std::invalid_argument& e) {
      require(false, json_path(path, "part"), e.what());
    }
  }
  if (j.contains("strict_peripherals")) {
    require(j.at("strict_peripherals").is_boolean(), json_path(path, "strict_peripherals"),
            "expected true or false");
    d.strict_peripherals = j.at("strict_peripherals").get<bool>();
  }
  *allow_out_of_spec = parse_allow_out_of_spec(j, path);
  if (j.contains("mclk")) {
    const double hz = json_quantity(j.at("mclk"), "Hz", json_path(path, "mclk"));
    require(hz >= 1.0 && hz <= 100e6, json_path(path, "mclk"), "expected a clock such as \"8MHz\"");
    d.initial_mclk_hz = uint32_t(std::lround(hz));
    require(mcu::Cs::find_preset(d.initial_mclk_hz, nullptr, nullptr), json_path(path, "mclk"),
            "cannot be made from the DCO table with a /1../32 divider (e.g. 1MHz, 4MHz, 8MHz, "
            "16MHz)");
  }
  if (j.contains("sram_at_power_loss")) {
    const json& v = j.at("sram_at_power_loss");
    if (v.is_string() && v.get<std::string>() == "zero") {
      d.sram_pattern = 0;
    } else if (v.is_string() && v.get<std::string>() == "random") {
      d.sram_at_power_loss = mcu::SramAtPowerLoss::kRandom;
    } else {
      d.sram_pattern = uint8_t(unsigned_value(j, path, "sram_at_power_loss", 0, 0xFF));
    }
  }
  const std::string fault = string_value(j, path, "fault", "stop");
  if (fault == "puc") {
    d.fault_policy = mcu::FaultPolicy::kPuc;
  } else {
    require(fault == "stop", json_path(path, "fault"), "expected \"stop\" or \"puc\"");
  }
  d.boot_delay_s = quantity(j, path, "boot_delay", "s", d.boot_delay_s);
  require(d.boot_delay_s >= 0 && d.boot_delay_s < 10, json_path(path, "boot_delay"),
          "expected a time in [0, 10 s)");
  d.boot_charge_C = quantity(j, path, "boot_charge", "C", d.boot_charge_C);
  require_range(d.boot_charge_C, 0.0, 1e-3, json_path(path, "boot_charge"), "C");
  const double quantum_s = quantity(j, path, "quantum", "s", kDefaultRunQuantum_s);
  require(quantum_s >= 1e-6 && quantum_s <= 1.0, json_path(path, "quantum"),
          "expected a time in [1us, 1s]");
  d.quantum = sc_core::sc_time(quantum_s, sc_core::SC_SEC);
  d.comparator_poll_s = quantity(j, path, "comparator_poll", "s", d.comparator_poll_s);
  require(d.comparator_poll_s >= 1e-7 && d.comparator_poll_s <= 1.0,
          json_path(path, "comparator_poll"), "expected a time in [0.1us, 1s]");
  return d;
}

RunLimits parse_limits(const json& doc) {
  RunLimits r;
  if (!doc.contains("run")) return r;
  const std::string path = "/run";
  const json& j = doc.at("run");
  check_keys(j, path, {"duration", "max_cycles", "stop_after_marker", "break_on"});
  r.duration_s = parse_run_duration(j, path);
  r.max_cycles = unsigned_value(j, path, "max_cycles", mcu::kNeverCycle, mcu::kNeverCycle);
  require(r.max_cycles > 0, json_path(path, "max_cycles"), "must be positive");
  if (j.contains("stop_after_marker")) {
    const std::string p = json_path(path, "stop_after_marker");
    const json& s = j.at("stop_after_marker");
    check_keys(s, p, {"id", "count"});
    require(s.contains("id"), json_path(p, "id"), "required key is missing");
    StopAfterMarker stop;
    stop.id = uint16_t(unsigned_value(s, p, "id", 0, 0xFFFF));
    stop.count = unsigned_value(s, p, "count", 1, UINT64_MAX);
    require(stop.count > 0, json_path(p, "count"), "must be positive");
    r.stop_after_marker = stop;
  }
  if (j.contains("break_on")) {
    const std::string p = json_path(path, "break_on");
    const json& list = j.at("break_on");
    require(list.is_array() && list.size() <= 8, p,
            "expected a list of at most 8 events, e.g. [\"power-fail\", \"voltage<1.95V\"]");
    EnergyBreaks check;  // the same parser as --break-on, for the message's JSON path
    for (size_t i = 0; i < list.size(); ++i) {
      require(list[i].is_string(), json_path(p, i), "expected an event name as a string");
      check.add(list[i].get<std::string>(), json_path(p, i));
      r.break_on.push_back(list[i].get<std::string>());
    }
  }
  return r;
}

// progress.marker_names: {"0x11": "commit", "19": "done"}; names as in C identifiers, so that
// they read the same in the summary, the events and the firmware's EHSIM_MARKER_NAME.
std::map<uint16_t, std::string> parse_marker_names(const json& j) {
  const std::string path = "/progress/marker_names";
  require(j.is_object(), path, "expected an object such as {\"0x11\": \"commit\"}");
  require(j.size() <= 0x10000, path, "more names than marker ids");
  std::map<uint16_t, std::string> names;
  for (const auto& [key, value] : j.items()) {
    const std::string p = json_path(path, key);
    uint64_t id = 0;
    require(parse_u64(key, &id) && id <= 0xFFFF, p,
            "expected a marker id (0..0xFFFF, decimal or 0x hex) as the key");
    bool identifier = value.is_string() && !value.get<std::string>().empty() &&
                      value.get<std::string>().size() <= 64 &&
                      !std::isdigit(static_cast<unsigned char>(value.get<std::string>()[0]));
    if (identifier) {
      for (char c : value.get<std::string>()) {
        identifier = identifier && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
      }
    }
    require(identifier, p, "expected a name of letters, digits and '_' (at most 64)");
    names[uint16_t(id)] = value.get<std::string>();
  }
  return names;
}

// inputs.gpio: [{"time": "0.5s", "pin": "P1.3", "level": 1}, ...] (or "cycle": N instead of
// "time"): levels the MCU's pins see from then on (mcu::PinInput).
std::vector<mcu::PinInput> parse_gpio_inputs(const json& doc) {
  std::vector<mcu::PinInput> inputs;
  if (!doc.contains("inputs")) return inputs;
  const json& section = doc.at("inputs");
  require(section.is_object(), "/inputs", "expected an object such as {\"gpio\": [...]}");
  check_keys(section, "/inputs", {"gpio"});
  if (!section.contains("gpio")) return inputs;
  const json& list = section.at("gpio");
  require(list.is_array(), "/inputs/gpio", "expected a list of {\"time\", \"pin\", \"level\"}");
  require(list.size() <= 100000, "/inputs/gpio", "at most 100000 pin changes");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string path = "/inputs/gpio/" + std::to_string(i);
    const json& e = list.at(i);
    require(e.is_object(), path, "expected {\"time\": \"0.5s\", \"pin\": \"P1.3\", \"level\": 1}");
    check_keys(e, path, {"time", "cycle", "pin", "level"});
    mcu::PinInput in;
    require(e.contains("time") != e.contains("cycle"), path, "give either \"time\" or \"cycle\"");
    if (e.contains("time")) {
      in.time_s = quantity(e, path, "time", "s", 0.0);
      require(in.time_s >= 0 && in.time_s <= 1e8, json_path(path, "time"),
              "expected a time in [0, 1e8 s]");
    } else {
      in.cycle = unsigned_value(e, path, "cycle", 0, mcu::kNeverCycle - 1);
    }
    const std::string pin = string_value(e, path, "pin", "");
    const size_t dot = pin.find('.');
    const std::string port = pin.substr(0, dot);
    const bool port_ok =
        port == "PJ" || (port.size() == 2 && port[0] == 'P' && port[1] >= '1' && port[1] <= '8');
    require(port_ok && dot != std::string::npos && pin.size() == dot + 2 && pin[dot + 1] >= '0' &&
                pin[dot + 1] <= '7',
            json_path(path, "pin"), "expected a pin such as \"P1.3\" (P1..P8 or PJ, bit 0..7)");
    in.port = port;
    in.pin = unsigned(pin[dot + 1] - '0');
    in.level = unsigned_value(e, path, "level", 0, 1) != 0;
    inputs.push_back(in);
  }
  return inputs;
}

ProgressConfig parse_progress(const json& doc) {
  ProgressConfig p;
  if (!doc.contains("progress")) return p;
  const json& j = doc.at("progress");
  check_keys(j, "/progress", {"commit_marker", "done_marker", "marker_names"});
  p.commit_marker = marker_id(j, "/progress", "commit_marker");
  p.done_marker = marker_id(j, "/progress", "done_marker");
  if (j.contains("marker_names")) p.marker_names = parse_marker_names(j.at("marker_names"));
  return p;
}

OutputConfig parse_outputs(const json& doc) {
  OutputConfig o;
  if (!doc.contains("outputs")) return o;
  const std::string path = "/outputs";
  const json& j = doc.at("outputs");
  check_keys(j, path, {"timeseries_period", "vcd", "max_output_rows"});
  o.max_output_rows = parse_max_output_rows(j, path);
  o.timeseries_period_s = quantity(j, path, "timeseries_period", "s", o.timeseries_period_s);
  require(o.timeseries_period_s == 0 || o.timeseries_period_s >= 1e-6,
          json_path(path, "timeseries_period"), "expected 0 (off) or at least 1us");
  if (j.contains("vcd")) {
    require(j.at("vcd").is_boolean(), json_path(path, "vcd"), "expected true or false");
    o.vcd = j.at("vcd").get<bool>();
  }
  return o;
}

}  // namespace

std::string default_firmware_dir() {
  if (const char* env = std::getenv("EHSIM_FIRMWARE_DIR")) return env;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  return (exe.parent_path().parent_path() / "firmware").string();
}

RunScenario load_run_scenario(const std::string& file, const std::vector<std::string>& overrides,
                              const std::string& firmware_dir) {
  const json doc = load_scenario_document(file, overrides);
  const std::string scenario_dir = fs::absolute(file).parent_path().string();
  RunScenario sc;
  sc.file = file;
  try {
    check_keys(doc, "",
               {"name", "description", "seed", "firmware", "device", "harvester", "supply",
                "trace_dir", "run", "progress", "outputs", "inference", "inputs"});
    sc.name = string_value(doc, "", "name", fs::path(file).stem().string());
    sc.seed = unsigned_value(doc, "", "seed", 1, UINT64_MAX);
    require(doc.contains("firmware"), "/firmware",
            "required: the firmware image (ELF, Intel HEX or TI-TXT)");
    const std::string fw = string_value(doc, "", "firmware", "");
    require(!fw.empty(), "/firmware", "expected the firmware image's file name");
    sc.firmware_path =
        find_scenario_file(fw, "/firmware", scenario_dir, firmware_dir, "the firmware directory");
    sc.device = parse_device(doc, &sc.allow_out_of_spec);
    sc.device.gpio_inputs = parse_gpio_inputs(doc);
    require(doc.contains("supply"), "/supply", "required key is missing");
    require(doc.contains("harvester"), "/harvester", "required key is missing");
    sc.supply = parse_supply_section(doc.at("supply"), "/supply", sc.allow_out_of_spec);
    sc.harvester = parse_harvester_section(doc.at("harvester"), "/harvester", scenario_dir,
                                           resolve_trace_dir(doc, scenario_dir), sc.supply);
    sc.limits = parse_limits(doc);
    sc.progress = parse_progress(doc);
    sc.outputs = parse_outputs(doc);
    sc.inference = parse_inference_section(doc, scenario_dir);
    if (sc.inference) {
      resolve_unit_budget(&*sc.inference, sc.supply,
                          sc.device.initial_mclk_hz ? double(sc.device.initial_mclk_hz) : 1e6);
    }
  } catch (const InputError& e) {
    throw InputError(file + ": " + e.what());
  }
  sc.document = doc;
  return sc;
}

}  // namespace ehsim

#include "sim/scenario/supply_scenario.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

namespace ehsim {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

double fraction(const json& obj, const std::string& path, const char* key, double fallback) {
  const double v = quantity(obj, path, key, "", fallback);
  require(v >= 0.0 && v <= 1.0, json_path(path, key), "expected a fraction in [0, 1]");
  return v;
}

energy::Table2D parse_efficiency(const json& j, const std::string& path) {
  if (j.is_number() || j.is_string()) {
    const double eta = json_quantity(j, "", path);
    require(eta > 0.0 && eta <= 1.0, path, "expected an efficiency in (0, 1]");
    return energy::Table2D({0.0}, {0.0}, {{eta}});
  }
  check_keys(j, path, {"input_voltages", "output_currents", "table"});
  auto axis = [&](const char* key, const char* unit) {
    const std::string p = json_path(path, key);
    if (!j.contains(key) || !j.at(key).is_array() || j.at(key).empty()) {
      throw InputError(p + ": expected a non-empty array");
    }
    std::vector<double> v;
    for (std::size_t i = 0; i < j.at(key).size(); ++i) {
      v.push_back(json_quantity(j.at(key)[i], unit, json_path(p, i)));
    }
    return v;
  };
  auto vin = axis("input_voltages", "V");
  auto iout = axis("output_currents", "A");
  const std::string tp = json_path(path, "table");
  if (!j.contains("table") || !j.at("table").is_array()) throw InputError(tp + ": expected rows");
  std::vector<std::vector<double>> z;
  for (std::size_t r = 0; r < j.at("table").size(); ++r) {
    const auto& row = j.at("table")[r];
    if (!row.is_array()) throw InputError(json_path(tp, r) + ": expected an array");
    z.emplace_back();
    for (std::size_t c = 0; c < row.size(); ++c) {
      const double eta = json_quantity(row[c], "", json_path(json_path(tp, r), c));
      require(eta > 0.0 && eta <= 1.0, json_path(json_path(tp, r), c), "expected (0, 1]");
      z.back().push_back(eta);
    }
  }
  try {
    return energy::Table2D(vin, iout, z);
  } catch (const std::invalid_argument& e) {
    throw InputError(path + ": " + e.what());
  }
}

}  // namespace

energy::SupplyParams parse_supply_section(const json& j, const std::string& path,
                                          bool allow_out_of_spec) {
  check_keys(j, path,
             {"capacitance", "rated_voltage", "initial_voltage", "leakage_current",
              "leakage_resistance", "esr", "v_on", "v_off", "converter", "integrator_rtol"});
  energy::SupplyParams p;
  auto& cap = p.capacitor;
  // A bare number would be farads, which nobody means: the unit is required.
  cap.capacitance_F = required_quantity_with_unit(j, path, "capacitance", "F");
  // 100 nF .. 100 F spans decoupling capacitors to supercapacitors; below, the integrator's
  // steps (and the run's host time) shrink without bound.
  require_range(cap.capacitance_F, 100e-9, 100.0, json_path(path, "capacitance"), "F");
  // MSP430FR5994 recommended supply 1.8-3.6 V (SLASE54, "Recommended Operating Conditions").
  cap.rated_V = quantity(j, path, "rated_voltage", "V", 3.6);
  require_range(cap.rated_V, 0.1, 100.0, json_path(path, "rated_voltage"), "V");
  cap.initial_V = quantity(j, path, "initial_voltage", "V", 0.0);
  cap.leakage_A = quantity(j, path, "leakage_current", "A", 0.0);
  require_range(cap.leakage_A, 0.0, 1.0, json_path(path, "leakage_current"), "A");
  if (j.contains("leakage_resistance")) {
    const double r =
        json_quantity(j.at("leakage_resistance"), "Ohm", json_path(path, "leakage_resistance"));
    require_range(r, 1.0, 1e15, json_path(path, "leakage_resistance"), "Ohm");
    cap.leakage_S = 1.0 / r;
  }
  cap.esr_Ohm = quantity(j, path, "esr", "Ohm", 0.0);
  require_range(cap.esr_Ohm, 0.0, 1e3, json_path(path, "esr"), "Ohm");
  // Power-up 1.9 V / power-down 1.8 V as modelled by the Fused simulator's PMM (facts §6.1,
  // [C]); the FR5994's own SVSH levels are not verified.
  p.thresholds.v_on_V = quantity(j, path, "v_on", "V", 1.9);
  p.thresholds.v_off_V = quantity(j, path, "v_off", "V", 1.8);
  require_range(p.thresholds.v_off_V, 0.1, 100.0, json_path(path, "v_off"), "V");
  require_range(p.thresholds.v_on_V, 0.1, 100.0, json_path(path, "v_on"), "V");
  if (!allow_out_of_spec) {
    // MSP430FR5994 supply range 1.8-3.6 V, the minimum restricted by the SVS (SLASE54,
    // "Recommended Operating Conditions"; facts §4 [V]): the MCU cannot run below
    // 1.8 V, so v_off must not be lower, and v_on above 3.6 V would exceed the supply range.
    const char* why =
        " (the MSP430FR5994's supply range, SLASE54; set "
        "/device/allow_out_of_spec to true to go outside it)";
    if (p.thresholds.v_off_V < 1.8) {
      throw InputError(json_path(path, "v_off") + ": below the 1.8 V minimum supply" + why);
    }
    if (p.thresholds.v_on_V > 3.6) {
      throw InputError(json_path(path, "v_on") + ": above the 3.6 V maximum supply" + why);
    }
  }
  require(p.thresholds.v_on_V > p.thresholds.v_off_V, json_path(path, "v_on"),
          "must be above v_off (hysteresis)");
  require(cap.rated_V >= p.thresholds.v_on_V, json_path(path, "rated_voltage"),
          "must be at least v_on");
  require(cap.initial_V >= 0.0 && cap.initial_V <= cap.rated_V, json_path(path, "initial_voltage"),
          "must lie between 0 and rated_voltage");
  p.rk_rtol = quantity(j, path, "integrator_rtol", "", p.rk_rtol);
  require(p.rk_rtol >= 1e-14 && p.rk_rtol <= 1e-3, json_path(path, "integrator_rtol"),
          "expected a relative tolerance in [1e-14, 1e-3]");
  if (j.contains("converter")) {
    const std::string cp = json_path(path, "converter");
    const auto& c = j.at("converter");
    check_keys(c, cp, {"type", "output_voltage", "quiescent_current", "efficiency"});
    const std::string type = string_value(c, cp, "type", "none");
    auto& cv = p.converter;
    if (type == "none") {
      cv.type = energy::ConverterType::none;
      require(!c.contains("output_voltage") && !c.contains("efficiency") &&
                  !c.contains("quiescent_current"),
              cp, "type \"none\" takes no output_voltage, efficiency or quiescent_current");
    } else if (type == "ldo" || type == "buck") {
      cv.type = type == "ldo" ? energy::ConverterType::ldo : energy::ConverterType::buck;
      cv.vout_V = required_quantity(c, cp, "output_voltage", "V");
      require_range(cv.vout_V, 0.1, 100.0, json_path(cp, "output_voltage"), "V");
      cv.quiescent_A = quantity(c, cp, "quiescent_current", "A", 0.0);
      require_range(cv.quiescent_A, 0.0, 1.0, json_path(cp, "quiescent_current"), "A");
      if (type == "buck") {
        if (!c.contains("efficiency"))
          throw InputError(json_path(cp, "efficiency") + ": required for a buck converter");
        cv.efficiency = parse_efficiency(c.at("efficiency"), json_path(cp, "efficiency"));
      } else {
        require(!c.contains("efficiency"), json_path(cp, "efficiency"),
                "an LDO's efficiency follows from its currents; remove this key");
      }
    } else {
      throw InputError(json_path(cp, "type") + ": unknown converter \"" + type +
                       "\" (expected none, ldo or buck)");
    }
  }
  return p;
}

std::string resolve_trace_dir(const json& doc, const std::string& scenario_dir) {
  if (doc.contains("trace_dir")) {
    if (!doc.at("trace_dir").is_string()) throw InputError("/trace_dir: expected a string");
    fs::path p(doc.at("trace_dir").get<std::string>());
    if (p.is_relative()) p = fs::path(scenario_dir) / p;
    return p.string();
  }
  if (const char* env = std::getenv("EHSIM_TRACE_DIR"); env && *env) return env;
  return EHSIM_DEFAULT_TRACE_DIR;  // traces/recorded of the source tree (CMake EHSIM_TRACE_DIR)
}

HarvesterConfig parse_harvester_section(const json& j, const std::string& path,
                                        const std::string& scenario_dir,
                                        const std::string& trace_dir,
                                        energy::SupplyParams& params) {
  check_keys(j, path,
             {"trace", "type", "efficiency", "source_resistance", "efficiency_table", "model",
              "area", "isc", "voc", "reference_irradiance", "ideality", "cells_series", "rs", "rsh",
              "temperature", "charger"});
  HarvesterConfig h;
  h.json_path = path;
  h.model = j;
  // Trace
  const std::string tp = json_path(path, "trace");
  if (!j.contains("trace")) throw InputError(tp + ": required key is missing");
  const json& t = j.at("trace").is_string() ? json{{"file", j.at("trace")}} : j.at("trace");
  check_keys(
      t, tp,
      {"file", "format", "start_offset", "time_scale", "value_scale", "loop", "interpolation"});
  const std::string file = string_value(t, tp, "file", "");
  require(!file.empty(), json_path(tp, "file"), "required: the trace file name");
  fs::path fp(file);
  if (fp.is_relative()) {
    const fs::path near = fs::path(scenario_dir) / fp;
    fp = fs::exists(near) ? near : fs::path(trace_dir) / fp;
  }
  // A trace may also stream through a named pipe (e.g. a shell's <(unxz -c trace.xz)); a
  // directory or a device such as /dev/zero is refused before anything reads it.
  if (fs::exists(fp) && !fs::is_regular_file(fp) && !fs::is_fifo(fp)) {
    throw InputError(json_path(tp, "file") + ": \"" + fp.string() +
                     "\" is not a regular file or a pipe (a trace is a text file)");
  }
  if (!fs::exists(fp)) {
    throw InputError(json_path(tp, "file") + ": trace \"" + file + "\" not found next to the " +
                     "scenario nor in the trace directory \"" + trace_dir +
                     "\" (set /trace_dir or EHSIM_TRACE_DIR)");
  }
  h.trace_path = fp.string();
  h.trace_format = string_value(t, tp, "format", "auto");
  auto& o = h.trace_options;
  // Bounds that keep the trace's time arithmetic exact enough and its loop count bounded: an
  // offset of at most 30 years, a time scale within a factor of 1e6, a value scale up to 1e6.
  o.start_offset_s = quantity(t, tp, "start_offset", "s", 0.0);
  require_range(o.start_offset_s, -1e9, 1e9, json_path(tp, "start_offset"), "s");
  o.time_scale = quantity(t, tp, "time_scale", "", 1.0);
  require_range(o.time_scale, 1e-6, 1e6, json_path(tp, "time_scale"), "");
  o.value_scale = quantity(t, tp, "value_scale", "", 1.0);
  require_range(o.value_scale, 0.0, 1e6, json_path(tp, "value_scale"), "");
  if (t.contains("loop")) {
    require(t.at("loop").is_boolean(), json_path(tp, "loop"), "expected true or false");
    o.loop = t.at("loop").get<bool>();
  }
  const std::string interp = string_value(t, tp, "interpolation", "hold");
  if (interp == "hold") {
    o.interpolation = energy::Interpolation::hold;
  } else if (interp == "linear") {
    o.interpolation = energy::Interpolation::linear;
  } else {
    throw InputError(json_path(tp, "interpolation") + ": expected \"hold\" or \"linear\"");
  }
  // Model keys are checked here so errors appear before the trace is read.
  const std::string type = string_value(j, path, "type", "direct");
  auto only = [&](const std::set<std::string>& keys) {
    static const std::set<std::string> common = {"trace", "type", "charger"};
    for (const auto& item : j.items()) {
      if (!common.count(item.key()) && !keys.count(item.key())) {
        throw InputError(json_path(path, item.key()) + ": not a key of a \"" + type +
                         "\" harvester");
      }
    }
  };
  if (type == "direct") {
    only({"efficiency", "source_resistance"});
    fraction(j, path, "efficiency", 1.0);
  } else if (type == "rf") {
    only({"efficiency_table"});
  } else if (type == "solar") {
    const std::string model = string_value(j, path, "model", "area");
    if (model == "area") {
      only({"model", "area", "efficiency"});
    } else if (model == "single_diode") {
      only({"model", "isc", "voc", "reference_irradiance", "ideality", "cells_series", "rs", "rsh",
            "temperature"});
    } else {
      throw InputError(json_path(path, "model") + ": expected \"area\" or \"single_diode\"");
    }
  } else {
    throw InputError(json_path(path, "type") + ": unknown harvester \"" + type +
                     "\" (expected direct, rf or solar)");
  }
  if (j.contains("charger") && !j.at("charger").is_null()) {
    const std::string cp = json_path(path, "charger");
    const auto& c = j.at("charger");
    check_keys(c, cp,
               {"efficiency", "cold_start_exit", "cold_start_reentry", "cold_start_efficiency",
                "cold_start_min_power", "quiescent_current"});
    energy::ChargerParams ch;
    // Defaults describe a BQ25570 (TI SLUSBH2): VSTOR_CHGEN 1.73 V typ ends cold start and
    // quiescent current is 488 nA typ (facts §6.1 [V]). APPROXIMATE
    // assumptions, not datasheet values: 80 % boost efficiency (order of the datasheet's
    // efficiency plots at 0.1-10 mW), cold start re-entered below 1.6 V (VSTOR_CHGEN min),
    // 5 % cold-start efficiency, 15 uW minimum cold-start input power ([U]).
    ch.efficiency = fraction(c, cp, "efficiency", 0.80);
    ch.cold_exit_V = quantity(c, cp, "cold_start_exit", "V", 1.73);
    ch.cold_reentry_V = quantity(c, cp, "cold_start_reentry", "V", 1.6);
    ch.cold_efficiency = fraction(c, cp, "cold_start_efficiency", 0.05);
    ch.cold_min_power_W = quantity(c, cp, "cold_start_min_power", "W", 15e-6);
    ch.quiescent_A = quantity(c, cp, "quiescent_current", "A", 488e-9);
    require(ch.cold_reentry_V > 0.0 && ch.cold_reentry_V < ch.cold_exit_V,
            json_path(cp, "cold_start_reentry"), "must lie between 0 and cold_start_exit");
    require(ch.cold_min_power_W >= 0.0 && ch.quiescent_A >= 0.0, cp,
            "powers and currents must not be negative");
    params.charger = ch;
  }
  return h;
}

namespace {

std::shared_ptr<energy::Harvester> build_harvester(const HarvesterConfig& h, energy::Quantity q) {
  const json& j = h.model;
  const std::string& path = h.json_path;
  const std::string type = string_value(j, path, "type", "direct");
  try {
    if (type == "direct") {
      double r = 0.0;
      if (q == energy::Quantity::voltage_V) {
        r = required_quantity(j, path, "source_resistance", "Ohm");
      }
      return std::make_shared<energy::DirectHarvester>(q, fraction(j, path, "efficiency", 1.0), r);
    }
    if (type == "rf") {
      if (!j.contains("efficiency_table")) {
        return std::make_shared<energy::RfHarvester>(energy::RfHarvester::default_p2110b_table());
      }
      const std::string tp = json_path(path, "efficiency_table");
      const auto& t = j.at("efficiency_table");
      require(t.is_array() && !t.empty(), tp, "expected [[dBm, efficiency], ...]");
      std::vector<double> x, y;
      for (std::size_t i = 0; i < t.size(); ++i) {
        const std::string ip = json_path(tp, i);
        require(t[i].is_array() && t[i].size() == 2, ip, "expected [dBm, efficiency]");
        x.push_back(json_quantity(t[i][0], "dBm", json_path(ip, 0)));
        const double eta = json_quantity(t[i][1], "", json_path(ip, 1));
        require(eta >= 0.0 && eta <= 1.0, json_path(ip, 1), "expected an efficiency in [0, 1]");
        y.push_back(eta);
      }
      try {
        return std::make_shared<energy::RfHarvester>(energy::Table1D(x, y));
      } catch (const std::invalid_argument& e) {
        throw InputError(tp + ": " + e.what());
      }
    }
    const std::string model = string_value(j, path, "model", "area");
    if (model == "area") {
      const double area = required_quantity(j, path, "area", "m^2");
      require(area > 0.0, json_path(path, "area"), "must be positive");
      if (!j.contains("efficiency")) throw InputError(json_path(path, "efficiency") + ": required");
      return std::make_shared<energy::SolarAreaHarvester>(area,
                                                          fraction(j, path, "efficiency", 0.0));
    }
    energy::SingleDiodeParams d;
    d.isc_A = required_quantity(j, path, "isc", "A");
    d.voc_V = required_quantity(j, path, "voc", "V");
    d.reference_W_per_m2 = quantity(j, path, "reference_irradiance", "W/m^2", 1000.0);
    d.ideality = quantity(j, path, "ideality", "", d.ideality);
    if (j.contains("cells_series")) {
      require(j.at("cells_series").is_number_integer(), json_path(path, "cells_series"),
              "expected a positive integer");
      d.cells_series = j.at("cells_series").get<int>();
    }
    d.rs_Ohm = quantity(j, path, "rs", "Ohm", 0.0);
    d.rsh_Ohm = quantity(j, path, "rsh", "Ohm", d.rsh_Ohm);
    d.temperature_K = quantity(j, path, "temperature", "K", d.temperature_K);
    return std::make_shared<energy::SolarDiodeHarvester>(d);
  } catch (const std::invalid_argument& e) {
    throw InputError(path + ": " + e.what());
  }
}

}  // namespace

std::shared_ptr<energy::SupplyCore> build_supply_core(const HarvesterConfig& h,
                                                      const energy::SupplyParams& params) {
  std::shared_ptr<const energy::Trace> trace;
  try {
    trace = std::make_shared<energy::Trace>(energy::read_trace_file(h.trace_path, h.trace_format),
                                            h.trace_options);
  } catch (const energy::TraceError& e) {
    throw InputError(e.what());
  }
  auto harvester = build_harvester(h, trace->quantity());
  if (!harvester->accepts(trace->quantity())) {
    throw InputError(json_path(h.json_path, "type") + ": this harvester cannot use the " +
                     energy::quantity_name(trace->quantity()) + " trace " + h.trace_path);
  }
  try {
    return std::make_shared<energy::SupplyCore>(params, trace, harvester);
  } catch (const std::invalid_argument& e) {
    throw InputError("/supply: " + std::string(e.what()));
  }
}

SupplyScenario parse_supply_scenario(const json& doc, const std::string& scenario_dir) {
  check_keys(doc, "",
             {"name", "description", "trace_dir", "device", "harvester", "supply", "load", "run"});
  SupplyScenario s;
  if (!doc.contains("supply")) throw InputError("/supply: required key is missing");
  if (!doc.contains("harvester")) throw InputError("/harvester: required key is missing");
  bool allow_out_of_spec = false;
  if (doc.contains("device")) {
    check_keys(doc.at("device"), "/device", {"allow_out_of_spec"});
    allow_out_of_spec = parse_allow_out_of_spec(doc.at("device"), "/device");
  }
  s.params = parse_supply_section(doc.at("supply"), "/supply", allow_out_of_spec);
  s.harvester = parse_harvester_section(doc.at("harvester"), "/harvester", scenario_dir,
                                        resolve_trace_dir(doc, scenario_dir), s.params);
  if (doc.contains("load")) {
    const auto& l = doc.at("load");
    check_keys(l, "/load", {"type", "current", "sleep_current", "period", "duty"});
    const std::string type = string_value(l, "/load", "type", "constant");
    auto& lp = s.run.load;
    lp.active_A = required_quantity(l, "/load", "current", "A");
    require_range(lp.active_A, 0.0, 1.0, "/load/current", "A");
    if (type == "constant") {
      require(!l.contains("period") && !l.contains("duty") && !l.contains("sleep_current"), "/load",
              "a constant load takes only \"current\"");
    } else if (type == "duty_cycle") {
      lp.sleep_A = quantity(l, "/load", "sleep_current", "A", 0.0);
      require_range(lp.sleep_A, 0.0, 1.0, "/load/sleep_current", "A");
      lp.period_s = required_quantity(l, "/load", "period", "s");
      require_range(lp.period_s, 1e-6, 1e6, "/load/period", "s");
      lp.duty = fraction(l, "/load", "duty", 0.5);
    } else {
      throw InputError("/load/type: expected \"constant\" or \"duty_cycle\"");
    }
  }
  if (doc.contains("run")) {
    const auto& r = doc.at("run");
    check_keys(r, "/run", {"duration", "voltage_period", "lookahead", "max_output_rows"});
    s.run.duration_s = parse_run_duration(r, "/run");
    s.run.voltage_period_s = quantity(r, "/run", "voltage_period", "s", s.run.voltage_period_s);
    require(s.run.voltage_period_s == 0.0 || s.run.voltage_period_s >= 1e-6, "/run/voltage_period",
            "expected 0 (no voltage.csv) or at least 1us");
    s.run.lookahead_s = quantity(r, "/run", "lookahead", "s", s.run.lookahead_s);
    require_range(s.run.lookahead_s, 1e-6, 1e6, "/run/lookahead", "s");
    s.run.max_output_rows = parse_max_output_rows(r, "/run");
  }
  return s;
}

double parse_run_duration(const json& run, const std::string& path) {
  if (!run.contains("duration")) return 0.0;
  const double d = json_quantity(run.at("duration"), "s", json_path(path, "duration"));
  require(d > 0.0, json_path(path, "duration"),
          "must be positive (leave the key out to run the whole trace)");
  // About three years of simulated time: more is a typo, and would run for days of host time.
  require_range(d, 0.0, 1e8, json_path(path, "duration"), "s");
  return d;
}

uint64_t parse_max_output_rows(const json& section, const std::string& path) {
  if (!section.contains("max_output_rows")) return kDefaultMaxOutputRows;
  const json& v = section.at("max_output_rows");
  const std::string p = json_path(path, "max_output_rows");
  require(v.is_number_unsigned() && v.get<uint64_t>() >= 1 && v.get<uint64_t>() <= 1000000000, p,
          "expected an integer in [1, 1e9]");
  return v.get<uint64_t>();
}

void check_output_rows(double duration_s, double period_s, uint64_t max_rows,
                       const std::string& period_path, const std::string& max_path) {
  if (period_s <= 0.0) return;
  const double rows = duration_s / period_s;
  if (rows > double(max_rows)) {
    char text[200];
    std::snprintf(text, sizeof text,
                  ": %.4g s sampled every %g s gives %.3g rows, more than the limit of %llu; "
                  "sample less often or raise ",
                  duration_s, period_s, rows, static_cast<unsigned long long>(max_rows));
    throw InputError(period_path + text + max_path);
  }
}

void check_trace_loops(const HarvesterConfig& h, const energy::SupplyCore& core,
                       double duration_s) {
  if (!h.trace_options.loop) return;
  constexpr double kMaxLoops = 1e7;
  const double period_s = core.trace().duration_s();
  const double loops = (duration_s + std::fabs(h.trace_options.start_offset_s)) / period_s;
  if (!(period_s > 0.0) || !(loops <= kMaxLoops)) {
    char text[200];
    std::snprintf(text, sizeof text,
                  ": a looping trace of %g s repeats %.3g times in this run, more than %g; "
                  "shorten the run or the offset, or scale time up",
                  period_s, loops, kMaxLoops);
    throw InputError(json_path(h.json_path, "trace/loop") + text);
  }
}

double checked_run_duration(const std::string& scenario_file, const HarvesterConfig& h,
                            const energy::SupplyCore& core, double configured_s, double period_s,
                            uint64_t max_rows, const std::string& period_path,
                            const std::string& max_path) {
  const double duration_s = configured_s > 0.0 ? configured_s : core.trace().duration_s();
  try {
    require(duration_s > 0.0 && std::isfinite(duration_s), "/run/duration",
            "the trace has no length; set a duration");
    check_trace_loops(h, core, duration_s);
    check_output_rows(duration_s, period_s, max_rows, period_path, max_path);
  } catch (const InputError& e) {
    throw InputError(scenario_file + ": " + e.what());
  }
  return duration_s;
}

bool parse_allow_out_of_spec(const json& device, const std::string& path) {
  if (!device.contains("allow_out_of_spec")) return false;
  require(device.at("allow_out_of_spec").is_boolean(), json_path(path, "allow_out_of_spec"),
          "expected true or false");
  return device.at("allow_out_of_spec").get<bool>();
}

void apply_override(json& doc, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw InputError("--set " + assignment + ": expected key.path=value");
  }
  const std::string key = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  json value = json::parse(text, nullptr, false);
  if (value.is_discarded()) value = text;
  if (!doc.is_object()) {
    throw InputError("--set " + assignment + ": the scenario is not an object");
  }
  json* node = &doc;
  std::stringstream ss(key);
  std::string part;
  std::vector<std::string> parts;
  while (std::getline(ss, part, '.')) parts.push_back(part);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty()) throw InputError("--set " + assignment + ": empty key in path");
    if (i > 0 && !node->is_object() && !node->is_null()) {
      throw InputError("--set " + assignment + ": \"" + parts[i - 1] + "\" is not an object");
    }
    node = &(*node)[parts[i]];
  }
  *node = value;
}

}  // namespace ehsim

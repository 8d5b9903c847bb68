#include "sim/run/platform.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "sim/debug/break_reporter.h"
#include "sim/debug/gdb_server.h"
#include "sim/report/report_run.h"
#include "sim/scenario/units.h"

namespace ehsim {

namespace {

mcu::FirmwareImage read_firmware(const std::string& path) {
  mcu::FirmwareImage image;
  std::string error;
  if (!mcu::read_firmware_file(path, &image, &error)) throw InputError(error);
  return image;
}

}  // namespace

Platform::Platform(const RunScenario& sc)
    : image_(read_firmware(sc.firmware_path)), symbols_(image_, sc.progress.marker_names) {
  symbols_.read_lines(sc.firmware_path);
  firmware_path_ = sc.firmware_path;
  commit_marker_ = sc.progress.commit_marker;
  // 1. create: the supply, checked against the run's length and output size before anything
  // else exists.
  try {
    core_ = build_supply_core(sc.harvester, sc.supply);
  } catch (const InputError& e) {
    throw InputError(sc.file + ": " + e.what());
  }
  duration_s_ = checked_run_duration(sc.file, sc.harvester, *core_, sc.limits.duration_s,
                                     sc.outputs.timeseries_period_s, sc.outputs.max_output_rows,
                                     "/outputs/timeseries_period", "/outputs/max_output_rows");
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  supply_ = std::make_unique<energy::Supply>("supply", core_);
  port_ = std::make_unique<SupplyPortAdapter>(*supply_);
  mcu::McuConfig config = sc.device;
  config.supply = port_.get();
  config.seed = sc.seed;
  config.max_cycles = sc.limits.max_cycles;
  config.end_time_s = duration_s_;
  config.powered_at_start = false;  // the capacitor starts empty: the MCU boots at v_on
  mcu_ = std::make_unique<mcu::Mcu>("mcu", config);

  // 2. map: the firmware, then the FreeML model and its samples.
  std::string error;
  if (!mcu_->load(image_, &error)) throw InputError(sc.firmware_path + ": " + error);
  if (sc.inference) {
    try {
      inference_ = prepare_inference(*sc.inference, sc.seed, sc.firmware_path, image_, *mcu_);
    } catch (const InputError& e) {
      throw InputError(sc.file + ": " + e.what());
    }
  }
}

Platform::Platform(const std::string& firmware_path, const mcu::McuConfig& config)
    : image_(read_firmware(firmware_path)), symbols_(image_, {}) {
  symbols_.read_lines(firmware_path);
  firmware_path_ = firmware_path;
  // 1. create: the MCU alone (config.supply is null: continuous power).
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  mcu_ = std::make_unique<mcu::Mcu>("mcu", config);
  // 2. map.
  std::string error;
  if (!mcu_->load(image_, &error)) throw InputError(error);
}

Platform::~Platform() = default;

mcu::McuConfig Platform::continuous_power_config() {
  mcu::McuConfig config;
  config.stop_simulation_when_done = false;
  // On continuous power nothing else shares SystemC time with the MCU, and the CPU still stops at
  // every peripheral event, so a long quantum only saves kernel round trips (a quarter of the
  // run time at 100 us and 1 MHz, bench/RESULTS.md).
  config.quantum = sc_core::sc_time(10, sc_core::SC_MS);
  return config;
}

std::string Platform::energy_report() {
  if (!supply_) return "continuous power: no supply (ehsim exec)\n";
  const double v = supply_->capacitor_V();
  const energy::Books books = supply_->books();
  const double load_A = port_->load_A();
  // Look a day ahead at most: the answer is "more than that" beyond.
  constexpr double kHorizon_s = 86400;
  const double fail_s = supply_->power_loss_time_s(load_A, kHorizon_s);
  const double now_s = sc_core::sc_time_stamp().to_seconds();
  char text[512];
  std::snprintf(text, sizeof text,
                "capacitor_V %.6f\nstored_J %.9g\nharvested_J %.9g\nconsumed_J %.9g\n"
                "mcu_consumed_J %.9g\nload_A %.6g\ntime_s %.9f\nenergy_guard %s\n",
                v, core_->energy_J(v), books.harvested_J, books.consumed_total_J(),
                mcu_->power_totals().energy_J, load_A, now_s, mcu_->energy_guard() ? "on" : "off");
  std::string out = text;
  if (std::isfinite(fail_s)) {
    std::snprintf(text, sizeof text, "time_to_power_failure_s %.9g (at load_A)\n", fail_s - now_s);
  } else {
    std::snprintf(text, sizeof text, "time_to_power_failure_s none within %.0f s at load_A\n",
                  kHorizon_s);
  }
  return out + text;
}

void Platform::attach_debugger(const std::string& gdb_endpoint,
                               const std::vector<std::string>& break_on) {
  SupplyControl control;
  control.energy_report = [this] { return energy_report(); };
  if (supply_) {
    control.capacitor_V = [this] { return supply_->capacitor_V(); };
    control.set_capacitor_V = [this](double v) { supply_->set_capacitor_V(v); };
  }
  if (!gdb_endpoint.empty()) {
    debugger_ = std::make_unique<GdbServer>(gdb_endpoint, *mcu_, symbols_, control);
    has_gdb_ = true;
  } else if (!break_on.empty()) {
    debugger_ = std::make_unique<BreakReporter>(break_on, *mcu_, symbols_, control, std::cout);
  }
  mcu_->set_debug_port(debugger_.get());
}

void Platform::bind_recorder(const RunScenario& sc, const std::string& out_dir, bool progress_bar) {
  recorder_ = std::make_unique<RunRecorder>("recorder", sc, out_dir, *supply_, *port_, *mcu_,
                                            symbols_, duration_s_, progress_bar);
  if (inference_) recorder_->attach_inference(*inference_);
}

void Platform::enable_profiler() {
  Profiler::Options options;
  options.commit_marker = commit_marker_;
  options.on_supply = supply_ != nullptr;
  profiler_ = std::make_unique<Profiler>(*mcu_, image_, symbols_.lines(), options);
  Profiler* p = profiler_.get();
  const auto forward = [p](const mcu::McuEvent& ev) { p->on_event(ev); };
  if (recorder_) {
    recorder_->forward_events(forward);
  } else {
    mcu_->set_event_listener(forward);  // exec: nobody else listens
  }
}

void Platform::write_profile(const std::string& dir) {
  if (profiler_) profiler_->write(dir, firmware_path_);
}

double Platform::run() {
  const auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void Platform::write_run_outputs(const std::string& out_dir, double host_seconds,
                                 const nlohmann::ordered_json& memory) {
  recorder_->set_memory_dumps(memory);
  recorder_->write_results(host_seconds);
  recorder_->close_vcd();
  write_profile(out_dir);  // before the report, which shows it
  write_run_report(out_dir);
}

}  // namespace ehsim

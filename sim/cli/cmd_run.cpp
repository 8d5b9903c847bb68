// `ehsim run SCENARIO.json [--out DIR] [--set key=value ...] [--vcd]`: the firmware on the MCU
// model powered by the harvester, capacitor and PMU of the scenario (docs/scenario.md). Writes
// DIR/summary.json, events.jsonl, timeseries.csv, host.json, scenario.json and optionally
// trace.vcd.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <systemc>

#include "energy/supply_module.h"
#include "mcu_model/elf/elf_image.h"
#include "mcu_model/mcu.h"
#include "sim/cli/cli.h"
#include "sim/cli/commands.h"
#include "sim/report/report_run.h"
#include "sim/run/output_dir.h"
#include "sim/run/run_recorder.h"
#include "sim/scenario/run_scenario.h"
#include "sim/scenario/supply_scenario.h"
#include "sim/scenario/units.h"

namespace ehsim {

namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;

int run(const std::string& scenario_file, std::string out_dir, const std::vector<std::string>& sets,
        bool vcd, bool progress, bool force) {
  RunScenario sc = load_run_scenario(scenario_file, sets, default_firmware_dir());
  if (vcd) sc.outputs.vcd = true;
  if (out_dir.empty()) out_dir = (fs::path("out") / fs::path(scenario_file).stem()).string();

  mcu::ElfImage image;
  std::string error;
  if (!mcu::read_firmware_file(sc.firmware_path, &image, &error)) throw InputError(error);
  std::shared_ptr<energy::SupplyCore> core;
  try {
    core = build_supply_core(sc.harvester, sc.supply);
  } catch (const InputError& e) {
    throw InputError(scenario_file + ": " + e.what());
  }
  const double duration_s = checked_run_duration(
      scenario_file, sc.harvester, *core, sc.limits.duration_s, sc.outputs.timeseries_period_s,
      sc.outputs.max_output_rows, "/outputs/timeseries_period", "/outputs/max_output_rows");

  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  energy::Supply supply("supply", core);
  SupplyPortAdapter port(supply);
  mcu::McuConfig config;
  config.supply = &port;
  config.initial_mclk_hz = sc.device.mclk_hz;
  config.fault_policy = sc.device.fault_policy;
  config.sram_at_power_loss = sc.device.sram_at_power_loss;
  config.sram_pattern = sc.device.sram_pattern;
  config.seed = sc.seed;
  config.boot_delay_s = sc.device.boot_delay_s;
  config.boot_charge_C = sc.device.boot_charge_C;
  config.quantum = sc_core::sc_time(sc.device.quantum_s, sc_core::SC_SEC);
  config.comparator_poll_s = sc.device.comparator_poll_s;
  config.max_cycles = sc.limits.max_cycles;
  config.end_time_s = duration_s;
  config.powered_at_start = false;
  mcu::Mcu mcu("mcu", config);
  if (!mcu.load(image, &error)) throw InputError(sc.firmware_path + ": " + error);
  std::optional<PreparedInference> inference;
  if (sc.inference) {
    try {
      inference = prepare_inference(*sc.inference, sc.seed, sc.firmware_path, image, mcu);
    } catch (const InputError& e) {
      throw InputError(scenario_file + ": " + e.what());
    }
  }
  // Every input is valid: only now does the output directory appear, so bad input leaves none.
  // A sweep point's directory already holds the sweep's files for the point.
  OutputDir out(out_dir, "run", force, {"sweep-point"});
  const std::string staging = out.staging().string();
  {
    std::ofstream scenario_out(out.staging() / "scenario.json");
    scenario_out << sc.document.dump(2) << '\n';
  }
  RunRecorder recorder("recorder", sc, staging, supply, port, mcu, duration_s, progress);
  if (inference) recorder.attach_inference(*inference);

  const auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  const double host_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  recorder.write_results(host_s);
  recorder.close_vcd();
  write_run_report(staging);
  out.commit("summary.json");
  std::cout << "ehsim run: " << sc.name << ": " << mcu::to_string(mcu.exit_reason()) << " at "
            << mcu.local_time().to_seconds() << " s, " << mcu.boots() << " boots, "
            << mcu.power_losses() << " power failures; results in " << out_dir << "\n";
  return mcu.exit_reason() == mcu::ExitReason::kFault ? 1 : 0;
}

}  // namespace

int cmd_run(int argc, char** argv) {
  po::options_description visible("ehsim run SCENARIO.json [options]");
  std::string out_dir;
  std::vector<std::string> sets;
  bool vcd = false, no_progress = false, force = false;
  visible.add_options()("help,h", "show this help")(
      "out", po::value(&out_dir), "output directory (default: out/<scenario name>)")(
      "set", po::value(&sets)->composing(),
      "override a scenario key: path=value, e.g. supply.capacitance=47uF (repeatable)")(
      "vcd", po::bool_switch(&vcd), "also write trace.vcd for GTKWave")(
      "no-progress", po::bool_switch(&no_progress), "no progress bar on stderr")(
      "force", po::bool_switch(&force), "replace an output of another ehsim command in --out");
  po::variables_map vm;
  const int status =
      parse_command_line("run", argc, argv, visible, "scenario", "SCENARIO.json", &vm);
  if (status >= 0) return status;
  try {
    return run(vm["scenario"].as<std::string>(), out_dir, sets, vcd,
               !no_progress && isatty(STDERR_FILENO), force);
  } catch (const InputError& e) {
    std::cerr << "ehsim run: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace ehsim

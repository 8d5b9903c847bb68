// `ehsim run SCENARIO.json [--out DIR] [--set key=value ...] [--vcd]`: the firmware on the MCU
// model powered by the harvester, capacitor and PMU of the scenario (docs/scenario.md). Writes
// DIR/summary.json, events.jsonl, timeseries.csv, host.json, scenario.json and optionally
// trace.vcd.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "mcu_model/mcu.h"
#include "sim/cli/cli.h"
#include "sim/cli/commands.h"
#include "sim/run/output_dir.h"
#include "sim/run/platform.h"
#include "sim/scenario/run_scenario.h"
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

  Platform platform(sc);  // create and map: every input checked
  mcu::Mcu& mcu = platform.mcu();
  // Every input is valid: only now does the output directory appear, so bad input leaves none.
  // A sweep point's directory already holds the sweep's files for the point.
  OutputDir out(out_dir, "run", force, {"sweep-point"});
  const std::string staging = out.staging().string();
  {
    std::ofstream scenario_out(out.staging() / "scenario.json");
    scenario_out << sc.document.dump(2) << '\n';
  }
  platform.bind_recorder(sc, staging, progress);
  const double host_s = platform.run();
  platform.write_run_outputs(staging, host_s);
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

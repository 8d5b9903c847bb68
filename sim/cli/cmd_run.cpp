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
#include "sim/cli/exec_args.h"
#include "sim/run/output_dir.h"
#include "sim/run/platform.h"
#include "sim/scenario/run_scenario.h"
#include "sim/scenario/units.h"

namespace ehsim {

namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;

// --dump SYMBOL[:LEN] or ADDR:LEN, checked against the firmware's symbols before the run starts.
DumpRequest resolve_run_dump(const std::string& text, const mcu::FirmwareImage& image) {
  DumpRequest dump;
  std::string error;
  if (!parse_dump(text, &dump, &error) ||
      !resolve_dump(image, uint32_t(mcu::kAddressSpaceEnd), &dump, &error)) {
    throw InputError(error);
  }
  return dump;
}

nlohmann::ordered_json read_dumps(const std::vector<DumpRequest>& dumps, mcu::Bus& bus) {
  if (dumps.empty()) return nullptr;
  nlohmann::ordered_json memory = nlohmann::ordered_json::object();
  for (const DumpRequest& d : dumps) memory[d.key] = dump_hex(bus, d);
  return memory;
}

// What the terminal shows after the summary line: the fault, the UART's last lines, the dumps.
void print_run_details(mcu::Mcu& mcu, const Platform& platform,
                       const nlohmann::ordered_json& memory) {
  if (mcu.exit_reason() == mcu::ExitReason::kFault) {
    const mcu::Fault& f = mcu.ctx().fault;
    char pc[16];
    std::snprintf(pc, sizeof pc, "0x%04X", unsigned(f.pc));
    std::cout << "fault: " << mcu::to_string(f.kind) << " at " << platform.symbols().symbolize(f.pc)
              << " (pc " << pc << ")\n";
  }
  const RunRecorder& rec = platform.recorder();
  if (rec.uart_lines() > 0) {
    std::cout << "uart: " << rec.uart_lines() << " lines";
    if (rec.uart_lines() > rec.uart_tail().size()) {
      std::cout << " (the last " << rec.uart_tail().size() << " below; all in events.jsonl)";
    }
    std::cout << "\n";
    for (const std::string& line : rec.uart_tail()) std::cout << "  " << line << "\n";
  }
  if (memory.is_object()) {
    for (const auto& [key, hex] : memory.items()) {
      std::cout << "memory " << key << ": " << hex.get<std::string>() << "\n";
    }
  }
}

int run(const std::string& scenario_file, std::string out_dir, const std::vector<std::string>& sets,
        const std::vector<std::string>& dump_texts, const std::string& gdb_endpoint,
        const std::vector<std::string>& break_on, bool strict, bool vcd, bool progress, bool force,
        bool profile) {
  RunScenario sc = load_run_scenario(scenario_file, sets, default_firmware_dir());
  if (strict) sc.device.strict_peripherals = true;
  if (vcd) sc.outputs.vcd = true;
  if (out_dir.empty()) out_dir = (fs::path("out") / fs::path(scenario_file).stem()).string();

  Platform platform(sc);  // create and map: every input checked
  mcu::Mcu& mcu = platform.mcu();
  std::vector<std::string> breaks = sc.limits.break_on;
  breaks.insert(breaks.end(), break_on.begin(), break_on.end());
  platform.attach_debugger(gdb_endpoint, breaks);
  std::vector<DumpRequest> dumps;
  for (const std::string& text : dump_texts)
    dumps.push_back(resolve_run_dump(text, platform.image()));
  // Every input is valid: only now does the output directory appear, so bad input leaves none.
  // A sweep point's directory already holds the sweep's files for the point.
  OutputDir out(out_dir, "run", force, {"sweep-point"});
  const std::string staging = out.staging().string();
  {
    std::ofstream scenario_out(out.staging() / "scenario.json");
    scenario_out << sc.document.dump(2) << '\n';
  }
  platform.bind_recorder(sc, staging, progress && !platform.has_gdb());
  if (profile) platform.enable_profiler();  // docs/profile.md
  const double host_s = platform.run();
  const nlohmann::ordered_json memory = read_dumps(dumps, mcu.bus());
  platform.write_run_outputs(staging, host_s, memory);
  out.commit("summary.json");
  std::cout << "ehsim run: " << sc.name << ": " << mcu::to_string(mcu.exit_reason()) << " at "
            << mcu.local_time().to_seconds() << " s, " << mcu.boots() << " boots, "
            << mcu.power_losses() << " power failures; results in " << out_dir << "\n";
  print_run_details(mcu, platform, memory);
  return mcu.exit_reason() == mcu::ExitReason::kFault ? 1 : 0;
}

}  // namespace

int cmd_run(int argc, char** argv) {
  po::options_description visible("ehsim run SCENARIO.json [options]");
  std::string out_dir;
  std::vector<std::string> sets, dumps, break_on;
  std::string gdb;
  bool vcd = false, no_progress = false, force = false, strict = false, profile = false;
  visible.add_options()("help,h", "show this help")(
      "out", po::value(&out_dir), "output directory (default: out/<scenario name>)")(
      "set", po::value(&sets)->composing(),
      "override a scenario key: path=value, e.g. supply.capacitance=47uF (repeatable)")(
      "vcd", po::bool_switch(&vcd), "also write trace.vcd for GTKWave")(
      "gdb", po::value(&gdb),
      "wait for msp430-elf-gdb on [HOST:]PORT (loopback by default; 0 picks a free port); it "
      "takes control at the first boot (docs/debug.md)")(
      "break-on", po::value(&break_on)->composing(),
      "stop the run at EVENT and print the state and a backtrace: power-fail, boot, "
      "voltage<LEVEL or voltage>LEVEL (e.g. voltage<1.95V; repeatable; also the scenario's "
      "break_on list)")(
      "strict", po::bool_switch(&strict),
      "an access to a peripheral register ehsim does not model is a fault (default: an "
      "unmodelled_access event; same as device.strict_peripherals)")(
      "dump", po::value(&dumps)->composing(),
      "after the run, report LEN bytes at SYMBOL or ADDR (SYMBOL:LEN or ADDR:LEN; on the terminal "
      "and in summary.json's \"memory\"; repeatable)")("no-progress", po::bool_switch(&no_progress),
                                                       "no progress bar on stderr")(
      "force", po::bool_switch(&force), "replace an output of another ehsim command in --out")(
      "profile", po::bool_switch(&profile),
      "profile the firmware per function: profile.json, profile.folded and a report.html section "
      "(docs/profile.md)");
  po::variables_map vm;
  const int status =
      parse_command_line("run", argc, argv, visible, "scenario", "SCENARIO.json", &vm);
  if (status >= 0) return status;
  try {
    return run(vm["scenario"].as<std::string>(), out_dir, sets, dumps, gdb, break_on, strict, vcd,
               !no_progress && isatty(STDERR_FILENO), force, profile);
  } catch (const InputError& e) {
    std::cerr << "ehsim run: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace ehsim

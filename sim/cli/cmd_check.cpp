// ehsim check FIRMWARE: find the instructions where a power failure changes the firmware's
// result (docs/check.md). The run on continuous power gives the expected outcome; the same run
// with a power failure injected at each chosen instruction is compared with it; the reference
// run also looks for write-after-read hazards on FRAM and reads of SRAM lost at a power failure.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "mcu_model/periph/cs.h"
#include "sim/check/check_driver.h"
#include "sim/check/check_report.h"
#include "sim/cli/cli.h"
#include "sim/cli/commands.h"
#include "sim/cli/exec_args.h"
#include "sim/report/report_check.h"
#include "sim/run/firmware_inputs.h"
#include "sim/run/output_dir.h"
#include "sim/run/platform.h"
#include "sim/scenario/run_scenario.h"
#include "sim/scenario/units.h"

namespace ehsim {

namespace fs = std::filesystem;
namespace po = boost::program_options;

namespace {

// The reference run may not be longer than this many cycles unless --max-cycles says otherwise:
// the check steps it one instruction at a time.
constexpr uint64_t kDefaultMaxCycles = 100'000'000;

struct CheckArgs {
  std::string firmware, scenario, out, mclk, sram = "zero", seed = "1", max_cycles;
  std::string every = "1", points, point_seed, failures = "1", jobs;
  std::vector<std::string> observe, commit_markers, commit_functions, loads;
  std::string samples, after_marker, at_marker;
  bool fram_writes = false, force = false, no_reuse = false;
};

uint64_t number(const std::string& text, const std::string& option, uint64_t min, uint64_t max) {
  uint64_t v = 0;
  if (!parse_u64(text, &v) || v < min || v > max) {
    throw InputError(option + ": '" + text + "' is not an integer from " + std::to_string(min) +
                     " to " + std::to_string(max));
  }
  return v;
}

int check(const CheckArgs& a) {
  mcu::McuConfig config = Platform::continuous_power_config();
  std::vector<uint16_t> scenario_commits;
  std::string firmware = a.firmware;
  if (!a.scenario.empty()) {
    // The device and progress sections of a run scenario; its supply is not used.
    const RunScenario sc = load_run_scenario(
        a.scenario, {"firmware=" + fs::absolute(a.firmware).string()}, default_firmware_dir());
    config.initial_mclk_hz = sc.device.initial_mclk_hz;
    config.sram_at_power_loss = sc.device.sram_at_power_loss;
    config.sram_pattern = sc.device.sram_pattern;
    config.seed = sc.seed;
    config.map = sc.device.map;
    if (sc.progress.commit_marker) scenario_commits.push_back(*sc.progress.commit_marker);
  }
  if (!a.mclk.empty()) {
    const double hz = parse_quantity(a.mclk, "Hz", "--mclk");
    if (!mcu::Cs::find_preset(uint32_t(hz), nullptr, nullptr)) {
      throw InputError("--mclk: '" + a.mclk + "' cannot be made from the DCO table (e.g. 8MHz)");
    }
    config.initial_mclk_hz = uint32_t(hz);
  }
  std::string error;
  if (a.scenario.empty() &&
      !parse_sram_at_power_loss(a.sram, &config.sram_at_power_loss, &config.sram_pattern, &error)) {
    throw InputError(error);
  }
  if (a.scenario.empty()) config.seed = number(a.seed, "--seed", 0, UINT64_MAX);
  config.max_cycles = a.max_cycles.empty() ? kDefaultMaxCycles
                                           : number(a.max_cycles, "--max-cycles", 1, UINT64_MAX);

  CheckPlan plan;
  plan.every = number(a.every, "--every", 1, UINT64_MAX);
  plan.fram_writes = a.fram_writes;
  plan.reuse = !a.no_reuse;
  if (!a.after_marker.empty()) {
    plan.after_marker = uint16_t(number(a.after_marker, "--after-marker", 0, 0xFFFF));
  }
  if (!a.points.empty()) plan.points = number(a.points, "--points", 1, 10'000'000);
  if (!a.at_marker.empty()) {
    plan.at_marker = uint16_t(number(a.at_marker, "--at-marker", 0, 0xFFFF));
  }
  // One seed for the whole check (the SRAM contents and the points), unless --point-seed.
  plan.seed =
      a.point_seed.empty() ? config.seed : number(a.point_seed, "--point-seed", 0, UINT64_MAX);
  plan.failures = unsigned(number(a.failures, "--failures", 1, 16));
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  plan.jobs =
      a.jobs.empty() ? unsigned(std::max(1L, cores)) : unsigned(number(a.jobs, "-j", 1, 256));
  if ((plan.points > 0) + plan.fram_writes + (a.every != "1") + plan.at_marker.has_value() > 1) {
    throw InputError(
        "--every, --fram-writes, --points and --at-marker choose the injection points: give one");
  }
  for (const auto& m : a.commit_markers) {
    plan.commit_markers.insert(uint16_t(number(m, "--commit-marker", 0, 0xFFFF)));
  }
  for (uint16_t m : scenario_commits) plan.commit_markers.insert(m);

  std::vector<LoadRequest> loads;
  for (const auto& text : a.loads) {
    LoadRequest load;
    if (!parse_load(text, &load, &error)) throw InputError(error);
    loads.push_back(load);
  }

  Platform platform(firmware, config);  // create and map: the firmware is checked here
  const mcu::FirmwareImage& image = platform.image();
  apply_loads(firmware, loads, image, platform.mcu());
  if (!a.samples.empty()) attach_sample_file(a.samples, platform.mcu());
  for (const auto& f : a.commit_functions) {
    const mcu::FirmwareSymbol* s = image.find_symbol(f);
    if (!s) throw InputError("--commit-function: no symbol '" + f + "' in " + firmware);
    plan.commit_functions.insert(s->address);
  }
  const ObserveSet observe = parse_observe(a.observe, image);

  CheckContext context;
  context.firmware = firmware;
  context.strategy =
      plan.points > 0
          ? std::to_string(plan.points) + " random points, seed " + std::to_string(plan.seed)
      : plan.fram_writes ? "after every FRAM write"
      : plan.at_marker   ? "after every write of marker " + std::to_string(*plan.at_marker)
      : plan.every == 1  ? "every instruction"
                         : "every " + std::to_string(plan.every) + "th instruction";
  if (plan.after_marker) {
    context.strategy += ", after marker " + std::to_string(*plan.after_marker);
  }
  if (plan.failures > 1) context.strategy += ", " + std::to_string(plan.failures) + " failures";
  context.observed.push_back("exit");
  if (observe.host_io) context.observed.push_back("host_io");
  if (observe.uart) context.observed.push_back("uart");
  for (uint16_t m : observe.markers) context.observed.push_back("marker:" + std::to_string(m));
  for (const auto& d : observe.memory) context.observed.push_back(d.key);
  context.reproduce_base = "ehsim exec " + firmware;
  if (config.initial_mclk_hz) {
    context.reproduce_base += " --mclk " + std::to_string(config.initial_mclk_hz) + "Hz";
  }
  for (const auto& text : a.loads) context.reproduce_base += " --load " + text;
  if (!a.samples.empty()) context.reproduce_base += " --samples " + a.samples;
  if (config.sram_at_power_loss == mcu::SramAtPowerLoss::kRandom) {
    context.reproduce_base += " --sram-at-power-loss random --seed " + std::to_string(config.seed);
  } else if (config.sram_pattern != 0) {
    context.reproduce_base += " --sram-at-power-loss " + std::to_string(config.sram_pattern);
  }

  const std::string out_dir =
      a.out.empty() ? (fs::path("out") / ("check-" + fs::path(firmware).stem().string())).string()
                    : a.out;
  OutputDir out(out_dir, "check", a.force);
  CheckDriver driver(platform.mcu(), image, observe, plan);
  platform.mcu().set_debug_port(&driver);
  platform.run();
  if (driver.reference_never_ends()) {
    throw InputError(firmware + " does not end within " + std::to_string(config.max_cycles) +
                     " cycles on continuous power (--max-cycles): ehsim check compares how a "
                     "program ends, so it needs one that exits (host_io exit, a fault or a sleep "
                     "with nothing to wake it); raise --max-cycles if it ends later");
  }
  if (!driver.error().empty()) {
    std::cerr << "ehsim check: " << driver.error() << "\n";
    return 3;
  }
  const nlohmann::ordered_json report = check_json(context, driver, platform.symbols(), image);
  std::ofstream(out.staging() / "check.json") << report.dump(2) << "\n";
  write_check_report(out.staging().string());
  out.commit("check.json");
  print_check_summary(report, std::cout);
  std::cout << "  results in " << out_dir << "/check.json and report.html\n";
  return check_exit_status(report);
}

}  // namespace

int cmd_check(int argc, char** argv) {
  po::options_description visible("ehsim check FIRMWARE [options]");
  CheckArgs a;
  visible.add_options()("help,h", "show this help")(
      "scenario", po::value(&a.scenario),
      "take the device (mclk, sram_at_power_loss, part), seed and progress.commit_marker from a "
      "run scenario")("observe", po::value(&a.observe)->composing(),
                      "what must not change: host_io (default), marker:ID, uart, exit (always), "
                      "SYMBOL[:LEN] or ADDR:LEN at the end (repeatable)")(
      "every", po::value(&a.every),
      "inject a power failure before every Nth instruction (default 1: every instruction)")(
      "fram-writes", po::bool_switch(&a.fram_writes),
      "instead: right after every instruction that writes FRAM")(
      "points", po::value(&a.points), "instead: at N random instructions drawn with --seed")(
      "at-marker", po::value(&a.at_marker),
      "instead: right after every instruction that writes this host_io marker id (e.g. a "
      "program's checkpoint marker)")("point-seed", po::value(&a.point_seed),
                                      "a seed of --points alone (default: --seed)")(
      "after-marker", po::value(&a.after_marker),
      "inject only after the reference run first wrote this host_io marker id")(
      "failures", po::value(&a.failures),
      "power failures per injected run, each as long after its boot as the first (default 1)")(
      "commit-marker", po::value(&a.commit_markers)->composing(),
      "host_io marker id that completes a checkpoint, for the hazard detector (repeatable)")(
      "commit-function", po::value(&a.commit_functions)->composing(),
      "function that is a checkpoint, for the hazard detector (repeatable)")(
      "load", po::value(&a.loads)->composing(),
      "write FILE's bytes at SYMBOL or ADDR before reset, as exec does: FILE@SYMBOL|FILE@ADDR "
      "(repeatable)")("samples", po::value(&a.samples),
                      "feed host_io input samples from a FreeML sample file, as exec does")(
      "mclk", po::value(&a.mclk), "initial MCLK (e.g. 8MHz; default: the device's reset clock)")(
      "sram-at-power-loss", po::value(&a.sram),
      "SRAM after a power failure: zero (default), random or a byte value")(
      "seed", po::value(&a.seed),
      "seed of --points and of --sram-at-power-loss random (default 1; a scenario's seed)")(
      "max-cycles", po::value(&a.max_cycles), "longest reference run (default 100000000 cycles)")(
      "jobs,j", po::value(&a.jobs), "injected runs at once (default: the number of cores)")(
      "no-reuse", po::bool_switch(&a.no_reuse),
      "simulate every injection, even where an earlier one left the same surviving state")(
      "out", po::value(&a.out), "output directory (default: out/check-<firmware name>)")(
      "force", po::bool_switch(&a.force), "replace an output of another ehsim command in --out");
  po::variables_map vm;
  const int status = parse_command_line("check", argc, argv, visible, "firmware", "FIRMWARE", &vm);
  if (status >= 0) return status;
  a.firmware = vm["firmware"].as<std::string>();
  try {
    return check(a);
  } catch (const InputError& e) {
    std::cerr << "ehsim check: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace ehsim

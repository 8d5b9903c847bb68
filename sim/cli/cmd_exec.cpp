// `ehsim exec FIRMWARE`: run a firmware image (ELF, Intel HEX or TI-TXT, told apart by content) on
// continuous power and report how it ended, the registers, captured output and requested memory,
// as text or as one JSON object.
#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <systemc>

#include "freeml/reference/samples.h"
#include "mcu_model/elf/elf_image.h"
#include "mcu_model/elf/firmware_image.h"
#include "mcu_model/mcu.h"
#include "sim/cli/cli.h"
#include "sim/cli/commands.h"
#include "sim/cli/exec_args.h"
#include "sim/run/firmware_inputs.h"
#include "sim/run/output_dir.h"
#include "sim/run/platform.h"
#include "sim/scenario/units.h"

namespace ehsim {
namespace {

namespace fs = std::filesystem;

namespace po = boost::program_options;
using mcu::ExitReason;

struct ExecOptions {
  std::string firmware;
  uint64_t max_cycles = mcu::kNeverCycle;
  std::optional<Location> until;
  uint32_t mclk_hz = 0;
  std::vector<DumpRequest> dumps;
  std::vector<LoadRequest> loads;
  std::string samples;
  mcu::FaultPolicy fault_policy = mcu::FaultPolicy::kStop;
  bool json = false;
  std::string gdb;      // --gdb [HOST:]PORT
  bool strict = false;  // --strict: unmodelled peripheral registers are a fault
  std::string profile;  // --profile DIR (docs/profile.md)
  mcu::SramAtPowerLoss sram_at_power_loss = mcu::SramAtPowerLoss::kPattern;
  uint8_t sram_pattern = 0;
  uint64_t seed = 1;
  std::vector<uint64_t> power_fail_at_cycles;  // ascending
};

// Returns -1 to continue, else the exit status.
int parse_options(int argc, char** argv, ExecOptions* opts) {
  po::options_description visible("ehsim exec FIRMWARE [options]");
  std::string max_cycles, mclk, fault = "stop", until, sram = "zero", seed = "1";
  std::vector<std::string> dumps, loads, failures;
  visible.add_options()("help,h", "show this help")("max-cycles", po::value(&max_cycles),
                                                    "stop after N MCLK cycles")(
      "until", po::value(&until),
      "stop before executing the instruction at SYMBOL or ADDR (hex with 0x or decimal)")(
      "mclk", po::value(&mclk), "initial MCLK frequency (e.g. 8MHz; default: device reset, 1MHz)")(
      "dump", po::value(&dumps)->composing(),
      "report LEN bytes at ADDR (ADDR:LEN, hex with 0x or decimal, up to 0xFFFFF) or at an ELF "
      "symbol (SYMBOL: its st_size bytes, or SYMBOL:LEN); repeatable")(
      "fault", po::value(&fault),
      "on a CPU fault: 'stop' (default) or 'puc' (reset like the device)")(
      "json", po::bool_switch(&opts->json), "print one JSON object")(
      "strict", po::bool_switch(&opts->strict),
      "an access to a peripheral register ehsim does not model is a fault (default: counted in "
      "unmodelled_accesses)")(
      "load", po::value(&loads)->composing(),
      "write FILE's bytes at an ELF symbol (FILE@SYMBOL; not larger than the symbol) or address "
      "(FILE@ADDR) before reset, e.g. model.fmlb@freeml_model (repeatable)")(
      "gdb", po::value(&opts->gdb),
      "wait for msp430-elf-gdb on [HOST:]PORT (loopback by default; 0 picks a free port) and "
      "let it control the run (docs/debug.md)")(
      "profile", po::value(&opts->profile),
      "profile the firmware per function into DIR: profile.json and profile.folded "
      "(docs/profile.md)")(
      "samples", po::value(&opts->samples),
      "feed host_io input samples from a FreeML sample file (freeml/FORMAT.md)")(
      "power-fail-at-cycle", po::value(&failures)->composing(),
      "fail power before the first instruction that starts at or after cycle N and boot again "
      "at once: registers, SRAM and peripherals are lost, FRAM is kept (repeatable; what "
      "`ehsim check` reproduces with)")(
      "sram-at-power-loss", po::value(&sram),
      "what SRAM holds after a power failure: zero (default), random (seeded) or a byte value")(
      "seed", po::value(&seed), "seed of --sram-at-power-loss random (default 1)");
  po::variables_map vm;
  const int status = parse_command_line("exec", argc, argv, visible, "firmware", "FIRMWARE", &vm);
  if (status >= 0) return status;
  opts->firmware = vm["firmware"].as<std::string>();
  if (vm.count("max-cycles") &&
      (!parse_u64(max_cycles, &opts->max_cycles) || opts->max_cycles == 0)) {
    std::cerr << "ehsim exec: --max-cycles: '" << max_cycles
              << "' is not a positive integer (decimal or 0x hex)\n";
    return 2;
  }
  std::string error;
  if (vm.count("until")) {
    Location location;
    if (!parse_location("--until", until, &location, &error)) {
      std::cerr << "ehsim exec: " << error << "\n";
      return 2;
    }
    opts->until = location;
  }
  if (vm.count("mclk")) {
    double mclk_hz = 0;
    try {
      mclk_hz = parse_quantity(mclk, "Hz", "--mclk");
    } catch (const InputError& e) {
      std::cerr << "ehsim exec: " << e.what() << "\n";
      return 2;
    }
    if (!(mclk_hz >= 1.0 && mclk_hz <= 100e6)) {
      std::cerr << "ehsim exec: --mclk: '" << mclk << "' is not a clock frequency (e.g. 8MHz)\n";
      return 2;
    }
    opts->mclk_hz = uint32_t(std::lround(mclk_hz));
  }
  for (const auto& text : dumps) {
    DumpRequest dump;
    if (!parse_dump(text, &dump, &error)) {
      std::cerr << "ehsim exec: " << error << "\n";
      return 2;
    }
    opts->dumps.push_back(dump);
  }
  for (const auto& text : loads) {
    LoadRequest load;
    if (!parse_load(text, &load, &error)) {
      std::cerr << "ehsim exec: " << error << "\n";
      return 2;
    }
    opts->loads.push_back(load);
  }
  for (const auto& text : failures) {
    uint64_t cycle = 0;
    if (!parse_u64(text, &cycle)) {
      std::cerr << "ehsim exec: --power-fail-at-cycle: '" << text
                << "' is not a cycle number (decimal or 0x hex)\n";
      return 2;
    }
    opts->power_fail_at_cycles.push_back(cycle);
  }
  std::sort(opts->power_fail_at_cycles.begin(), opts->power_fail_at_cycles.end());
  if (!parse_sram_at_power_loss(sram, &opts->sram_at_power_loss, &opts->sram_pattern, &error) ||
      !parse_u64(seed, &opts->seed)) {
    std::cerr << "ehsim exec: "
              << (error.empty() ? "--seed: '" + seed + "' is not an integer" : error) << "\n";
    return 2;
  }
  if (fault == "puc") {
    opts->fault_policy = mcu::FaultPolicy::kPuc;
  } else if (fault != "stop") {
    std::cerr << "ehsim exec: --fault: '" << fault << "' is not 'stop' or 'puc'\n";
    return 2;
  }
  return -1;
}

nlohmann::ordered_json make_report(mcu::Mcu& mcu, const ExecOptions& opts) {
  auto& ctx = mcu.ctx();
  nlohmann::ordered_json j;
  j["exit_reason"] = to_string(mcu.exit_reason());
  j["exit_code"] = ctx.exit_code;
  j["cycles"] = ctx.cycles;
  j["instructions"] = ctx.instructions;
  j["pc"] = mcu.cpu().pc();
  j["mclk_hz"] = ctx.mclk_hz;
  j["time_s"] = mcu.local_time().to_seconds();
  auto regs = nlohmann::ordered_json::array();
  for (int i = 0; i < 16; ++i) regs.push_back(mcu.cpu().reg(i));
  j["regs"] = regs;
  j["uart"] = mcu.log().uart_text;
  j["host_log"] = mcu.log().host_text;
  auto markers = nlohmann::ordered_json::array();
  for (const auto& m : mcu.log().markers) {
    markers.push_back({{"cycle", m.cycle}, {"id", m.id}, {"arg", m.arg}});
  }
  j["markers"] = markers;
  auto gpio = nlohmann::ordered_json::array();
  for (const auto& w : mcu.log().port_writes) {
    gpio.push_back({{"cycle", w.cycle}, {"port", w.port}, {"value", w.value}});
  }
  j["gpio"] = gpio;
  j["unmodelled_accesses"] = mcu.unmodelled_accesses();
  if (mcu.exit_reason() == ExitReason::kFault) {
    const auto& f = ctx.fault;
    j["fault"] = {{"kind", mcu::to_string(f.kind)},
                  {"pc", f.pc},
                  {"opcode", f.opcode},
                  {"address", f.address},
                  {"cycle", f.cycle}};
  } else {
    j["fault"] = nullptr;
  }
  auto memory = nlohmann::ordered_json::object();
  for (const auto& d : opts.dumps) memory[d.key] = dump_hex(mcu.bus(), d);
  j["memory"] = memory;
  return j;
}

void print_text(const nlohmann::ordered_json& j, std::ostream& out) {
  auto hex4 = [](unsigned v) {
    std::ostringstream s;
    s << "0x" << std::hex << std::uppercase << std::setw(4) << std::setfill('0') << v;
    return s.str();
  };
  out << "exit: " << j["exit_reason"].get<std::string>();
  if (j["exit_reason"] == "host_exit") out << " (code " << j["exit_code"] << ")";
  out << "\ncycles: " << j["cycles"] << "\ninstructions: " << j["instructions"]
      << "\npc: " << hex4(j["pc"].get<unsigned>()) << "\n";
  for (int i = 0; i < 16; ++i) {
    out << "R" << std::left << std::setw(2) << i << std::right << " "
        << hex4(j["regs"][i].get<unsigned>()) << ((i % 4 == 3) ? "\n" : "  ");
  }
  if (!j["fault"].is_null()) {
    const auto& f = j["fault"];
    out << "fault: " << f["kind"].get<std::string>() << " at pc " << hex4(f["pc"].get<unsigned>())
        << " opcode " << hex4(f["opcode"].get<unsigned>()) << " address "
        << hex4(f["address"].get<unsigned>()) << "\n";
  }
  if (!j["uart"].get<std::string>().empty())
    out << "uart:\n" << j["uart"].get<std::string>() << "\n";
  if (!j["host_log"].get<std::string>().empty()) {
    out << "host_log:\n" << j["host_log"].get<std::string>() << "\n";
  }
  for (const auto& m : j["markers"]) {
    out << "marker " << m["id"] << " arg " << m["arg"] << " at cycle " << m["cycle"] << "\n";
  }
  for (const auto& w : j["gpio"]) {
    out << "gpio " << w["port"].get<std::string>() << " = " << hex4(w["value"].get<unsigned>())
        << " at cycle " << w["cycle"] << "\n";
  }
  for (const auto& [key, value] : j["memory"].items())
    out << "memory " << key << ": " << value.get<std::string>() << "\n";
}

}  // namespace

int cmd_exec(int argc, char** argv) {
  ExecOptions opts;
  const int status = parse_options(argc, argv, &opts);
  if (status >= 0) return status;

  {
    std::error_code ec;
    if (fs::exists(opts.firmware, ec) && !fs::is_regular_file(opts.firmware, ec)) {
      std::cerr << "ehsim exec: " << opts.firmware
                << ": not a regular file; expected a firmware image (ELF, Intel HEX or TI-TXT)\n";
      return 2;
    }
  }
  mcu::McuConfig config = Platform::continuous_power_config();
  config.fault_policy = opts.fault_policy;
  config.max_cycles = opts.max_cycles;
  config.strict_peripherals = opts.strict;
  config.sram_at_power_loss = opts.sram_at_power_loss;
  config.sram_pattern = opts.sram_pattern;
  config.seed = opts.seed;
  config.power_fail_at_cycles = opts.power_fail_at_cycles;
  if (opts.mclk_hz != 0 && !mcu::Cs::find_preset(opts.mclk_hz, nullptr, nullptr)) {
    std::cerr << "ehsim exec: --mclk: " << opts.mclk_hz
              << " Hz cannot be made from the DCO table with a /1../32 divider "
                 "(e.g. 1MHz, 4MHz, 8MHz, 16MHz)\n";
    return 2;
  }
  config.initial_mclk_hz = opts.mclk_hz;
  std::unique_ptr<Platform> platform;
  try {
    platform = std::make_unique<Platform>(opts.firmware, config);  // create and map
  } catch (const InputError& e) {
    std::cerr << "ehsim exec: " << e.what() << "\n";
    return 2;
  }
  mcu::Mcu& mcu = platform->mcu();
  const mcu::FirmwareImage& image = platform->image();
  std::string error;
  if (opts.until &&
      !resolve_location("--until", image, uint32_t(mcu::kAddressSpaceEnd), &*opts.until, &error)) {
    std::cerr << "ehsim exec: " << error << "\n";
    return 2;
  }
  for (auto& dump : opts.dumps) {
    if (!resolve_dump(image, uint32_t(mcu::kAddressSpaceEnd), &dump, &error)) {
      std::cerr << "ehsim exec: " << error << "\n";
      return 2;
    }
  }
  if (opts.until) mcu.add_breakpoint(opts.until->addr);
  try {
    apply_loads(opts.firmware, opts.loads, image, mcu);
    if (!opts.samples.empty()) attach_sample_file(opts.samples, mcu);
    platform->attach_debugger(opts.gdb, {});
  } catch (const InputError& e) {
    std::cerr << "ehsim exec: " << e.what() << "\n";
    return 2;
  }
  std::unique_ptr<OutputDir> profile_dir;  // checked before the run: bad input leaves nothing
  if (!opts.profile.empty()) {
    try {
      profile_dir = std::make_unique<OutputDir>(opts.profile, "exec-profile", false);
    } catch (const InputError& e) {
      std::cerr << "ehsim exec: --profile: " << e.what() << "\n";
      return 2;
    }
    platform->enable_profiler();
  }
  platform->run();
  if (profile_dir) {
    platform->write_profile(profile_dir->staging().string());
    profile_dir->commit("profile.json");
  }

  const auto report = make_report(mcu, opts);
  if (opts.json) {
    std::cout << report.dump() << "\n";
  } else {
    print_text(report, std::cout);
  }
  const ExitReason reason = mcu.exit_reason();
  if (reason == ExitReason::kFault) return 1;
  if (reason == ExitReason::kHostExit && mcu.ctx().exit_code != 0) return 1;
  return 0;
}

}  // namespace ehsim

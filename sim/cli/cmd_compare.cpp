// `ehsim compare A B [--fail-if 'PATH OP CHANGE' ...] [--out DIR]`: every summary figure and
// per-function figure of run B against run A (the baseline), as a terminal table, compare.json
// and compare.html; A and B are run output directories, or firmware files that compare runs on
// one scenario (`--scenario S.json`). Exit status: 0 no --fail-if threshold hit, 1 some hit, 2 bad
// input (docs/compare.md).
#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "sim/cli/commands.h"
#include "sim/compare/compare_report.h"
#include "sim/compare/comparison.h"
#include "sim/compare/firmware_runs.h"
#include "sim/compare/run_figures.h"
#include "sim/compare/threshold.h"
#include "sim/run/output_dir.h"
#include "sim/scenario/run_scenario.h"
#include "sim/scenario/units.h"

namespace ehsim {

namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;
using namespace compare;

struct Args {
  std::vector<std::string> inputs;  // A, B
  std::string scenario, out_dir;
  std::vector<std::string> sets, fail_if;
  bool profile = false, force = false;
};

// A directory's own name, also for "out/x/" and ".".
std::string dir_name(const std::string& dir) {
  fs::path p = fs::path(dir).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  std::string name = p.filename().string();
  if (name.empty() || name == "." || name == "..") {
    name = fs::absolute(p).lexically_normal().filename().string();
  }
  return name.empty() ? "run" : name;
}

// Where the outputs go without --out, under out/ as `ehsim run` puts its own.
std::string default_out_dir(const Args& a) {
  if (a.scenario.empty()) {
    return (fs::path("out") / (dir_name(a.inputs[0]) + "-vs-" + dir_name(a.inputs[1]))).string();
  }
  return (fs::path("out") /
          (fs::path(a.scenario).stem().string() + "-" + fs::path(a.inputs[0]).stem().string() +
           "-vs-" + fs::path(a.inputs[1]).stem().string()))
      .string();
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error(path.string() + ": cannot write");
}

// `error`: why the thresholds could not be evaluated (compare.json's result is then "error").
void write_outputs(const fs::path& staging, const Comparison& cmp,
                   const std::vector<ThresholdResult>& results, const std::string& error = "") {
  write_file(staging / "compare.html", compare_html(cmp, results));
  nlohmann::ordered_json j = compare_json(cmp, results);
  if (!error.empty()) {
    j["result"] = "error";
    j["error"] = error;
  }
  write_file(staging / "compare.json", j.dump(2) + "\n");
}

// Prints the comparison, the outputs' place and the verdict; the exit status of the thresholds.
int report(const Comparison& cmp, const std::vector<ThresholdResult>& results,
           const std::string& out_dir) {
  std::cout << compare_text(cmp, results);
  size_t hits = 0;
  for (const ThresholdResult& r : results) hits += r.hit;
  std::cout << "\nehsim compare: compare.json and compare.html in " << out_dir << "\n";
  if (hits) {
    std::cout << "ehsim compare: " << hits << " of " << results.size()
              << " --fail-if thresholds hit:\n";
    for (const ThresholdResult& r : results) {
      if (r.hit) std::cout << "  " << r.threshold.text << "\n";
    }
    return 1;
  }
  return 0;
}

int compare_directories(const Args& a, const std::vector<Threshold>& thresholds) {
  Comparison cmp = compare_runs(load_run_figures(a.inputs[0]), load_run_figures(a.inputs[1]));
  check_threshold_paths(thresholds, cmp);
  const std::vector<ThresholdResult> results = evaluate_thresholds(thresholds, cmp);
  const std::string out_dir = a.out_dir.empty() ? default_out_dir(a) : a.out_dir;
  OutputDir out(out_dir, "compare", a.force);
  write_outputs(out.staging(), cmp, results);
  out.commit("compare.json");
  return report(cmp, results, out_dir);
}

// One side of a firmware comparison: `ehsim run` into STAGING/side, then its figures (named by
// the directory they will have after the commit).
RunFigures run_side(const Args& a, const std::string& exe, const std::string& firmware,
                    const std::string& side, const OutputDir& out) {
  const std::string staged = (out.staging() / side).string();
  const ChildRun run = run_child(
      exe, run_arguments(a.scenario, firmware_argument(firmware), a.sets, staged, a.profile));
  const std::string label = (out.path() / side).string();
  if (run.status != 0 && run.status != 1) {
    std::cout << run.stdout_text;
    const std::string what = "the run of " + firmware + " (" + side + ") exited with status " +
                             std::to_string(run.status);
    if (run.status == 2) throw InputError(what + "; its message is above");
    throw std::runtime_error(what);
  }
  RunFigures figures = load_run_figures(staged);
  figures.dir = label;
  figures.firmware_given = firmware;
  const auto& s = figures.summary;
  using pointer = nlohmann::ordered_json::json_pointer;
  std::cout << "ehsim compare: " << side << " = " << firmware << ": "
            << s.value(pointer("/end/reason"), std::string("?")) << " at "
            << s.value(pointer("/time/simulated_s"), 0.0) << " s, "
            << s.value(pointer("/power/boots"), 0) << " boots, "
            << s.value(pointer("/power/power_failures"), 0) << " power failures"
            << (run.status == 1 ? " (the firmware faulted; see " + label + "/summary.json)" : "")
            << "\n";
  return figures;
}

int compare_firmware(const Args& a, const std::vector<Threshold>& thresholds) {
  for (const std::string& s : a.sets) {
    if (s.rfind("firmware=", 0) == 0) {
      throw InputError("--set " + s + ": A and B are the firmware; drop this --set");
    }
  }
  for (const std::string& fw : a.inputs) {
    std::error_code ec;
    if (fs::is_directory(fw, ec)) {
      throw InputError(fw +
                       ": a directory; with --scenario, A and B are firmware files (ELF, "
                       "Intel HEX or TI-TXT); without it, two run directories");
    }
    // Checked as `ehsim run` will check it, before any output exists.
    std::vector<std::string> sets = {"firmware=" + firmware_argument(fw)};
    sets.insert(sets.end(), a.sets.begin(), a.sets.end());
    load_run_scenario(a.scenario, sets, default_firmware_dir());
  }
  const std::string exe = self_executable();
  const std::string out_dir = a.out_dir.empty() ? default_out_dir(a) : a.out_dir;
  OutputDir out(out_dir, "compare", a.force);
  RunFigures ra = run_side(a, exe, a.inputs[0], "a", out);
  RunFigures rb = run_side(a, exe, a.inputs[1], "b", out);
  const Comparison cmp = compare_runs(std::move(ra), std::move(rb));
  // The runs are kept even when a threshold names no figure: they may have taken long.
  std::string bad_threshold;
  try {
    check_threshold_paths(thresholds, cmp);
  } catch (const InputError& e) {
    bad_threshold = e.what();
  }
  const std::vector<ThresholdResult> results =
      bad_threshold.empty() ? evaluate_thresholds(thresholds, cmp) : std::vector<ThresholdResult>{};
  write_outputs(out.staging(), cmp, results, bad_threshold);
  out.commit("compare.json");
  if (!bad_threshold.empty()) {
    std::cerr << "ehsim compare: " << bad_threshold << "\n(the runs are in " << out_dir << ")\n";
    return 2;
  }
  return report(cmp, results, out_dir);
}

int run_compare(const Args& a) {
  std::vector<Threshold> thresholds;
  for (const std::string& t : a.fail_if) thresholds.push_back(parse_threshold(t));
  if (!a.scenario.empty()) return compare_firmware(a, thresholds);
  if (!a.sets.empty())
    throw InputError("--set needs --scenario (it changes the runs compare runs)");
  if (a.profile) throw InputError("--profile needs --scenario (it asks the runs for profile.json)");
  for (const std::string& dir : a.inputs) {
    std::error_code ec;
    if (fs::is_regular_file(dir, ec)) {
      throw InputError(dir + ": a file; two firmware files need --scenario S.json to run them on");
    }
  }
  return compare_directories(a, thresholds);
}

}  // namespace

int cmd_compare(int argc, char** argv) {
  Args a;
  po::options_description visible(
      "ehsim compare RUN_A RUN_B [options]\n"
      "ehsim compare A.elf B.elf --scenario S.json [options]\n\n"
      "B against A (the baseline): every summary.json figure and, when both runs have\n"
      "profile.json, every per-function figure, with its change B - A and relative change\n"
      "(B - A) / |A|; a table on the terminal, DIR/compare.json and DIR/compare.html.\n"
      "Exit status: 0 no --fail-if threshold hit, 1 some hit, 2 bad input");
  visible.add_options()("help,h", "show this help")(
      "fail-if", po::value(&a.fail_if)->composing(),
      "exit 1 if the change of a figure passes a threshold: 'PATH OP CHANGE', OP one of > >= < "
      "<=, CHANGE relative ('energy.mcu_consumed_J > +5%') or absolute ('mcu.cycles > +1000'); "
      "PATH function.NAME.FIELD for profile.json figures (repeatable)")(
      "scenario", po::value(&a.scenario),
      "A and B are firmware files: run each on this scenario (into DIR/a and DIR/b)")(
      "set", po::value(&a.sets)->composing(),
      "with --scenario: override a scenario key for both runs, e.g. supply.capacitance=47uF "
      "(repeatable)")("profile", po::bool_switch(&a.profile),
                      "with --scenario: run both with --profile, for per-function figures")(
      "out", po::value(&a.out_dir),
      "output directory (default: out/A-vs-B, or out/SCENARIO-A-vs-B with --scenario)")(
      "force", po::bool_switch(&a.force), "replace an output of another ehsim command in --out");
  po::options_description all;
  all.add(visible).add_options()("input", po::value(&a.inputs)->composing());
  po::positional_options_description positional;
  positional.add("input", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "ehsim compare: " << e.what() << "\n" << visible;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << visible;
    return 0;
  }
  if (a.inputs.size() != 2) {
    std::cerr << "ehsim compare: expected A and B: two run directories, or two firmware files "
                 "with --scenario S.json (got "
              << a.inputs.size() << ")\n"
              << visible;
    return 2;
  }
  try {
    return run_compare(a);
  } catch (const InputError& e) {
    std::cerr << "ehsim compare: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace ehsim

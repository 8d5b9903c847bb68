// `ehsim sweep SCENARIO.json --param key=values [--param ...] [--zip] [-j N] --out DIR`: one
// `ehsim run` child process per point, N at a time, resumable; `--emit slurm` writes a job-array
// script instead of running, `--point I` runs one point (what each array task does), and
// `--collect DIR` rebuilds sweep.csv/json and report.html from point directories (docs/sweep.md).
#include <unistd.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "sim/cli/commands.h"
#include "sim/run/output_dir.h"
#include "sim/scenario/run_scenario.h"
#include "sim/scenario/scenario_document.h"
#include "sim/scenario/units.h"
#include "sim/sweep/sweep_collect.h"
#include "sim/sweep/sweep_run.h"
#include "sim/sweep/sweep_spec.h"

namespace ehsim {

namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// The #SBATCH line for the task logs in DIR/slurm/. Slurm expands '%' in file names ("%%" is a
// '%'), and sbatch splits #SBATCH lines at blanks and ends them at '#', except inside double
// quotes (in which \" is a '"'). A '\\' would turn off the expansion of %A_%a: refused.
std::string sbatch_output_line(const std::string& out_abs) {
  if (out_abs.find('\\') != std::string::npos) {
    throw InputError("--out " + out_abs +
                     ": Slurm cannot take a '\\' in the path of the task logs; choose another "
                     "directory for --emit slurm");
  }
  std::string path;
  for (char c : out_abs) path += c == '%' ? std::string("%%") : std::string(1, c);
  path += "/slurm/%A_%a.out";
  if (path.find_first_of(" \t#\"") == std::string::npos) return "#SBATCH --output=" + path;
  std::string quoted = "\"";
  for (char c : path) {
    if (c == '"') quoted += '\\';
    quoted += c;
  }
  return "#SBATCH --output=" + quoted + "\"";
}

std::string self_executable() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw InputError("ehsim sweep: cannot find the ehsim executable (/proc/self/exe)");
  return exe.string();
}

std::string slurm_time(double timeout_s) {
  // The point's own timeout plus a minute for start-up and the result files.
  const long total = long(std::ceil(timeout_s)) + 60;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", total / 3600, (total / 60) % 60, total % 60);
  return buf;
}

// Every point's scenario is checked as `ehsim run` will check it, so that a misspelt key or a bad
// value is refused before any point starts (as --set is), not reported by every point.
void validate_points(const SweepPlan& plan) {
  const std::string firmware_dir = default_firmware_dir();
  for (const SweepPoint& point : plan.points) {
    std::vector<std::string> sets;
    for (const auto& [k, v] : point.sets) sets.push_back(k + "=" + v);
    try {
      load_run_scenario(plan.scenario, sets, firmware_dir);
    } catch (const InputError& e) {
      std::string where;
      for (const auto& [k, v] : point.sets) where += (where.empty() ? "" : ", ") + k + "=" + v;
      throw InputError("point " + point.name + " (" + where + "): " + e.what());
    }
  }
}

struct Args {
  std::string scenario, out_dir, emit, collect, timeout;
  std::vector<std::string> params, metrics, slurm_options;
  bool zip = false, no_progress = false, keep_failed = false, profile = false;
  int jobs = 1;
  long point = -1;
};

int emit_slurm(const SweepPlan& plan, const Args& a, const std::string& out_abs,
               const std::string& exe, double timeout_s) {
  std::string cmd = shell_quote(exe) + " sweep " + shell_quote(plan.scenario);
  for (const SweepParam& p : plan.params) cmd += " --param " + shell_quote(p.key + "=" + p.spec);
  if (plan.zip) cmd += " --zip";
  if (plan.profile) cmd += " --profile";
  for (const std::string& m : a.metrics) cmd += " --metric " + shell_quote(m);
  if (!a.timeout.empty()) cmd += " --timeout " + shell_quote(a.timeout);
  cmd += " --out " + shell_quote(out_abs) + " --point \"$SLURM_ARRAY_TASK_ID\"";
  const std::string output_line = sbatch_output_line(out_abs);  // before anything is written

  const fs::path dir(out_abs);
  claim_output_entries(dir, "sweep", {"slurm", "points", "plan.json", "sweep.slurm"}, "--out");
  std::error_code ec;
  fs::create_directories(dir / "slurm", ec);
  if (ec) throw InputError(out_abs + ": cannot create output directory: " + ec.message());
  fs::create_directories(dir / "points", ec);
  {
    std::ofstream plan_out(dir / "plan.json");
    plan_out << plan.to_json().dump(2) << '\n';
    if (!plan_out) throw InputError(out_abs + "/plan.json: cannot write");
  }
  const fs::path script = dir / "sweep.slurm";
  std::ofstream s(script);
  s << "#!/bin/bash\n"
    << "# ehsim sweep: " << plan.points.size() << " points of " << plan.scenario
    << ", one Slurm array task per point.\n"
    << "# Task I runs point I into " << out_abs << "/points/<I, zero-padded> (resumable: a\n"
    << "# completed point is skipped). Submit with `sbatch " << shell_quote(script.string())
    << "`;\n"
    << "# afterwards (or with results copied from other machines into points/):\n"
    << "#   " << shell_quote(exe) << " sweep --collect " << shell_quote(out_abs) << "\n"
    << "#SBATCH --job-name=ehsim-sweep\n"
    << "#SBATCH --array=0-" << plan.points.size() - 1 << "\n"
    << "#SBATCH --ntasks=1\n"
    << "#SBATCH --cpus-per-task=1\n"
    << output_line << "\n";
  if (timeout_s > 0) s << "#SBATCH --time=" << slurm_time(timeout_s) << "\n";
  for (const std::string& o : a.slurm_options) s << "#SBATCH " << o << "\n";
  // The tasks start where the sweep was emitted, so lookups relative to the working directory
  // find what a local sweep would.
  s << "set -euo pipefail\n"
    << "cd " << shell_quote(fs::current_path().string()) << "\n"
    << "exec " << cmd << "\n";
  s.close();
  if (!s) throw InputError(script.string() + ": cannot write");
  fs::permissions(script, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add, ec);
  std::cout << "ehsim sweep: wrote " << script.string() << " (" << plan.points.size()
            << " array tasks); submit with: sbatch " << shell_quote(script.string()) << "\n";
  return 0;
}

int sweep(const Args& a) {
  if (!a.collect.empty()) {
    if (!fs::is_directory(a.collect)) {
      throw InputError("--collect " + a.collect + ": not a directory");
    }
    SweepPlan plan = read_sweep_plan(a.collect);
    if (!a.metrics.empty()) plan.metrics = a.metrics;
    const size_t not_ok = collect_sweep(plan, a.collect);
    std::cout << "ehsim sweep: collected " << plan.points.size() << " points, " << not_ok
              << " not ok; results in " << (fs::path(a.collect) / "sweep.csv").string() << "\n";
    return not_ok ? 1 : 0;
  }
  if (a.scenario.empty()) throw InputError("ehsim sweep: missing SCENARIO.json");
  load_scenario_document(a.scenario, {});
  if (a.out_dir.empty()) throw InputError("ehsim sweep: --out DIR is required");
  if (a.jobs < 1) throw InputError("-j " + std::to_string(a.jobs) + ": expected at least 1");
  double timeout_s = 0;
  if (!a.timeout.empty()) {
    timeout_s = parse_quantity(a.timeout, "s", "--timeout");
    if (!(timeout_s > 0)) throw InputError("--timeout " + a.timeout + ": expected a duration > 0");
  }
  std::vector<SweepParam> params;
  for (const std::string& p : a.params) params.push_back(parse_sweep_param(p));
  for (const std::string& m : a.metrics) {
    if (m.empty() || m.front() == '.' || m.back() == '.') {
      throw InputError("--metric " + m + ": expected a summary.json path like energy.harvested_J");
    }
  }
  SweepPlan plan =
      make_plan(fs::absolute(a.scenario).lexically_normal().string(), params, a.zip, a.metrics);
  plan.profile = a.profile;
  validate_points(plan);

  SweepRunOptions options;
  options.executable = self_executable();
  options.jobs = a.jobs;
  options.timeout_s = timeout_s;
  options.progress_bar = !a.no_progress && isatty(STDERR_FILENO);
  options.retry_failed = !a.keep_failed;

  if (!a.emit.empty()) {
    if (a.emit != "slurm") throw InputError("--emit " + a.emit + ": expected slurm");
    return emit_slurm(plan, a, fs::absolute(a.out_dir).lexically_normal().string(),
                      options.executable, timeout_s);
  }
  if (a.point >= 0) {
    if (size_t(a.point) >= plan.points.size()) {
      throw InputError("--point " + std::to_string(a.point) + ": the sweep has " +
                       std::to_string(plan.points.size()) + " points (0.." +
                       std::to_string(plan.points.size() - 1) + ")");
    }
    return run_one_point(plan, a.out_dir, plan.points[size_t(a.point)], options);
  }
  return run_sweep(plan, a.out_dir, options);
}

}  // namespace

int cmd_sweep(int argc, char** argv) {
  Args a;
  po::options_description visible(
      "ehsim sweep SCENARIO.json --param key=values [--param ...] [options] --out DIR\n"
      "ehsim sweep --collect DIR\n\n"
      "values: comma-separated (10uF,22uF,47uF) and/or ranges FROM..TO:log:N or FROM..TO:lin:N");
  visible.add_options()("help,h", "show this help")(
      "param", po::value(&a.params)->composing(),
      "swept scenario key and its values, e.g. supply.capacitance=10uF..1mF:log:12 (repeatable)")(
      "zip", po::bool_switch(&a.zip), "pair the i-th values of every --param (default: product)")(
      "profile", po::bool_switch(&a.profile),
      "run every point with --profile: profile.json, profile.folded and a report section per "
      "point (docs/profile.md)")("jobs,j", po::value(&a.jobs)->default_value(1),
                                 "points run at a time")(
      "out", po::value(&a.out_dir),
      "sweep directory (points/, sweep.csv, sweep.json, report.html)")(
      "timeout", po::value(&a.timeout), "per-point time limit, e.g. 10min (a late point fails)")(
      "metric", po::value(&a.metrics)->composing(),
      "summary.json figure to tabulate, e.g. progress.work_units_per_hour (repeatable; default: "
      "a standard set)")("keep-failed", po::bool_switch(&a.keep_failed),
                         "on resume, do not re-run points that failed before")(
      "no-progress", po::bool_switch(&a.no_progress), "no progress bar on stderr")(
      "emit", po::value(&a.emit), "slurm: write DIR/sweep.slurm (a job array) instead of running")(
      "slurm-option", po::value(&a.slurm_options)->composing(),
      "extra #SBATCH line for --emit slurm, e.g. --partition=short (repeatable)")(
      "point", po::value(&a.point), "run only point I (what each Slurm array task does)")(
      "collect", po::value(&a.collect), "merge DIR/points/* into DIR/sweep.csv, sweep.json");
  po::options_description all;
  all.add(visible).add_options()("scenario", po::value(&a.scenario));
  po::positional_options_description positional;
  positional.add("scenario", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "ehsim sweep: " << e.what() << "\n" << visible;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << visible;
    return 0;
  }
  try {
    return sweep(a);
  } catch (const InputError& e) {
    std::cerr << "ehsim sweep: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace ehsim

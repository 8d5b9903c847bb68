// `ehsim supply SCENARIO.json [--out DIR] [--set key=value ...]`: the power circuit alone, with a
// constant or duty-cycled test load. Writes DIR/intervals.csv, DIR/books.json, DIR/voltage.csv.
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <systemc>
#include <vector>

#include "energy/supply_module.h"
#include "energy/test_load.h"
#include "sim/cli/cli.h"
#include "sim/cli/commands.h"
#include "sim/run/output_dir.h"
#include "sim/scenario/scenario_document.h"
#include "sim/scenario/supply_scenario.h"
#include "sim/scenario/units.h"

namespace ehsim {

namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;

std::string fmt(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

// Samples the terminal voltage every period_s into a stream (written to disk as it goes).
class VoltageSampler : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(VoltageSampler);
  VoltageSampler(sc_core::sc_module_name n, energy::Supply& s, double period_s, std::ostream& out)
      : sc_module(n), supply_(s), period_s_(period_s), out_(out) {
    SC_THREAD(run);
  }

 private:
  void run() {
    for (unsigned long k = 0;; ++k) {
      // Absolute sample times avoid accumulating rounding in sc_time.
      const sc_core::sc_time t(static_cast<double>(k) * period_s_, sc_core::SC_SEC);
      if (t > sc_core::sc_time_stamp()) wait(t - sc_core::sc_time_stamp());
      const double v = supply_.voltage_V();
      out_ << fmt(t.to_seconds()) << ',' << fmt(v) << ',' << (supply_.power_good() ? 1 : 0) << '\n';
    }
  }
  energy::Supply& supply_;
  double period_s_;
  std::ostream& out_;
};

struct Interval {
  double on_s;
  double off_s;  // NaN while still on at the end
};

int run_supply(const std::string& scenario_file, const std::string& out_dir,
               const std::vector<std::string>& sets, bool force) {
  const nlohmann::json doc = load_scenario_document(scenario_file, sets);
  const std::string scenario_dir = fs::absolute(scenario_file).parent_path().string();
  SupplyScenario sc;
  std::shared_ptr<energy::SupplyCore> core;
  try {
    sc = parse_supply_scenario(doc, scenario_dir);
    core = build_supply_core(sc.harvester, sc.params);
  } catch (const InputError& e) {
    throw InputError(scenario_file + ": " + e.what());
  }
  const double duration_s = checked_run_duration(
      scenario_file, sc.harvester, *core, sc.run.duration_s, sc.run.voltage_period_s,
      sc.run.max_output_rows, "/run/voltage_period", "/run/max_output_rows");

  // Everything is staged and moved into out_dir only on success (sim/run/output_dir.h).
  OutputDir out(out_dir, "supply", force);
  const fs::path& tmp_dir = out.staging();
  {
    std::ofstream vcsv(tmp_dir / "voltage.csv");
    vcsv << "time_s,voltage_V,power_good\n";

    energy::Supply supply("supply", core, sc.run.lookahead_s);
    energy::TestLoad load("load", supply, sc.run.load);
    std::unique_ptr<VoltageSampler> sampler;
    if (sc.run.voltage_period_s > 0.0) {
      sampler = std::make_unique<VoltageSampler>("sampler", supply, sc.run.voltage_period_s, vcsv);
    }
    std::vector<Interval> intervals;
    supply.on_power_good_change([&](double t, bool pg, double) {
      if (pg) {
        intervals.push_back({t, NAN});
      } else if (!intervals.empty()) {
        intervals.back().off_s = t;
      }
    });
    const auto host0 = std::chrono::steady_clock::now();
    sc_core::sc_start(sc_core::sc_time(duration_s, sc_core::SC_SEC));
    const energy::Books b = supply.books();
    const double v_end = supply.capacitor_V();
    const double host_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - host0).count();

    std::ofstream icsv(tmp_dir / "intervals.csv");
    icsv << "on_s,off_s,duration_s\n";
    double on_total_s = 0.0;
    for (const auto& iv : intervals) {
      const double off = std::isnan(iv.off_s) ? duration_s : iv.off_s;
      on_total_s += off - iv.on_s;
      icsv << fmt(iv.on_s) << ',' << (std::isnan(iv.off_s) ? "" : fmt(iv.off_s)) << ','
           << fmt(off - iv.on_s) << '\n';
    }
    const double final_J = core->energy_J(v_end);
    const double lhs = b.initial_J + b.harvested_J;
    const double rhs = final_J + b.consumed_total_J();
    // max() and > are false for NaN: non-finite books must never print as balanced.
    if (!std::isfinite(lhs) || !std::isfinite(rhs)) {
      const std::string what =
          "initial + harvested " + fmt(lhs) + " J, final + consumed " + fmt(rhs) + " J";
      throw std::logic_error("internal error: the energy books are not finite: " + what);
    }
    nlohmann::ordered_json books;
    books["simulated_s"] = duration_s;
    books["initial_J"] = b.initial_J;
    books["harvested_J"] = b.harvested_J;
    books["delivered_J"] = b.delivered_J;
    books["converter_loss_J"] = b.converter_loss_J;
    books["leaked_J"] = b.leaked_J;
    books["clipped_J"] = b.clipped_J;
    books["final_J"] = final_J;
    books["final_V"] = v_end;
    books["balance_residual_J"] = lhs - rhs;
    books["balance_relative"] =
        std::max(lhs, rhs) > 0.0 ? std::fabs(lhs - rhs) / std::max(lhs, rhs) : 0.0;
    books["power_on_count"] = intervals.size();
    books["power_fail_count"] =
        intervals.empty() ? 0 : intervals.size() - (std::isnan(intervals.back().off_s) ? 1 : 0);
    books["on_time_fraction"] = on_total_s / duration_s;
    std::ofstream(tmp_dir / "books.json") << books.dump(2) << '\n';
    vcsv.close();
    if (!vcsv || !icsv) throw std::runtime_error("cannot write to " + tmp_dir.string());
    icsv.close();
    out.commit("books.json");
    std::cout << "supply: " << duration_s << " s simulated in " << host_s << " s host ("
              << (host_s > 0 ? duration_s / host_s : 0.0) << "x), " << intervals.size()
              << " power-ups, books balance " << books["balance_relative"].get<double>()
              << " relative; wrote " << out.path().string() << "\n";
  }
  return 0;
}

}  // namespace

int cmd_supply(int argc, char** argv) {
  po::options_description opts("ehsim supply SCENARIO.json [options]");
  opts.add_options()("help,h", "show this help")(
      "out,o", po::value<std::string>()->default_value("supply-out"),
      "output directory (intervals.csv, books.json, voltage.csv)")(
      "force", "replace an output of another ehsim command in --out")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "override a scenario key: --set supply.capacitance=47uF (repeatable)");
  po::variables_map vm;
  const int status =
      parse_command_line("supply", argc, argv, opts, "scenario", "SCENARIO.json", &vm);
  if (status >= 0) return status;
  std::vector<std::string> sets;
  if (vm.count("set")) sets = vm["set"].as<std::vector<std::string>>();
  try {
    return run_supply(vm["scenario"].as<std::string>(), vm["out"].as<std::string>(), sets,
                      vm.count("force") > 0);
  } catch (const InputError& e) {
    std::cerr << "ehsim supply: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace ehsim

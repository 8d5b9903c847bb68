// Supply benchmark (issue 3): whole rf-cart trace with 100 uF and a 1 mA load while on, and the
// full-day NREL trace with 10 mF. Each case runs (a) on the SupplyCore alone and (b) through the
// SystemC Supply module with a TestLoad, the latter in a child process because SystemC
// elaborates once per process. Usage: bench_supply [rf|nrel]  (no argument: everything).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <systemc>
#include <vector>

#include "energy/supply_module.h"
#include "energy/test_load.h"

using namespace ehsim::energy;

namespace {

std::shared_ptr<SupplyCore> make_core(const std::string& which) {
  const std::string dir =
      std::getenv("EHSIM_TRACE_DIR") ? std::getenv("EHSIM_TRACE_DIR") : EHSIM_TRACE_DIR;
  SupplyParams p;
  p.thresholds.v_on_V = 2.0;
  p.thresholds.v_off_V = 1.8;
  p.capacitor.rated_V = 3.6;
  std::shared_ptr<Harvester> h;
  std::string file;
  if (which == "rf") {
    file = dir + "/rf-cart.trace";
    p.capacitor.capacitance_F = 100e-6;
    h = std::make_shared<RfHarvester>(RfHarvester::default_p2110b_table());
  } else {
    file = dir + "/nrel-srrl-bms-2012-05-17-1min.csv";
    p.capacitor.capacitance_F = 10e-3;
    h = std::make_shared<SolarAreaHarvester>(5e-4, 0.15);  // 5 cm^2 at 15 %
  }
  p.converter.type = ConverterType::ldo;
  p.converter.vout_V = 1.8;
  auto trace = std::make_shared<Trace>(read_trace_file(file), TraceOptions{});
  return std::make_shared<SupplyCore>(p, trace, h);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void report(const char* what, const std::string& which, double sim_s, double host_s, int ups) {
  std::printf("%-8s %-5s simulated %9.1f s  host %8.3f ms  ratio %10.0fx  power-ups %d\n", what,
              which.c_str(), sim_s, host_s * 1e3, sim_s / host_s, ups);
}

void bench_core(const std::string& which) {
  auto core = make_core(which);
  const double t_end = core->trace().duration_s();
  std::vector<double> times;
  int ups = 0;
  for (int rep = 0; rep < 5; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    SupplyState s = core->initial_state();
    s.load_A = 1e-3;
    SupplyEvent ev;
    ups = 0;
    while (core->advance(s, t_end, &ev)) ups += ev.kind == SupplyEventKind::power_good_rise;
    times.push_back(seconds_since(t0));
  }
  std::sort(times.begin(), times.end());
  report("core", which, t_end, times[times.size() / 2], ups);
}

int bench_systemc(const std::string& which) {
  auto core = make_core(which);
  const double t_end = core->trace().duration_s();
  Supply supply("supply", core);
  TestLoadParams lp;
  lp.active_A = 1e-3;
  TestLoad load("load", supply, lp);
  int ups = 0;
  supply.on_power_good_change([&](double, bool pg, double) { ups += pg; });
  const auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start(sc_core::sc_time(t_end, sc_core::SC_SEC));
  report("systemc", which, t_end, seconds_since(t0), ups);
  return 0;
}

}  // namespace

int sc_main(int argc, char** argv) {
  if (argc > 1) return bench_systemc(argv[1]);
  bench_core("rf");
  bench_core("nrel");
  for (const char* w : {"rf", "nrel"}) {
    const std::string cmd = std::string(argv[0]) + " " + w;
    if (std::system(cmd.c_str()) != 0) return 1;
  }
  return 0;
}

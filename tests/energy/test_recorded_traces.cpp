// Recorded traces from traces/recorded: parse, integrate, and check independence from the
// synchronisation quantum. Skipped with a message when the directory is absent.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "energy_test_util.h"
#include "tests/test_support.h"

using namespace ehsim::energy;
using namespace ehsim::energy::testing;

namespace {

struct Raw {
  std::vector<double> t, v;
};

// Independent minimal parser: column `tcol` and `vcol` of whitespace/comma separated rows after
// `skip` header lines.
Raw read_columns(const std::string& path, int skip, char sep, int tcol, int vcol) {
  std::ifstream in(path);
  Raw r;
  std::string line;
  for (int i = 0; i < skip; ++i) std::getline(in, line);
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::vector<std::string> f;
    std::string cur;
    std::istringstream ss(line);
    if (sep == ' ') {
      while (ss >> cur) f.push_back(cur);
    } else {
      while (std::getline(ss, cur, sep)) f.push_back(cur);
    }
    if (tcol >= 0) {
      r.t.push_back(std::stod(f[tcol]));
    } else {
      // NREL: HH:MM in column 1.
      r.t.push_back(std::stod(f[1].substr(0, 2)) * 3600.0 + std::stod(f[1].substr(3)) * 60.0);
    }
    r.v.push_back(std::stod(f[vcol]));
  }
  return r;
}

// Harvested energy with a capacitor so large that nothing clips or turns on.
double harvested(std::shared_ptr<Trace> trace, std::shared_ptr<Harvester> h, double t_end) {
  SupplyParams p = basic_params(1e3, 50.0, 40.0, 100.0);
  SupplyCore core(p, std::move(trace), std::move(h));
  SupplyState s = core.initial_state();
  core.advance(s, t_end, nullptr);
  CHECK(books_imbalance(core, s) < 1e-9);
  return s.books.harvested_J;
}

struct Case {
  const char* file;
  std::size_t samples;
  double scale_to_si;  // value unit → SI
  int skip;
  char sep;
  int tcol, vcol;
};

const Case kCases[] = {
    {"rf-cart.trace", 15656, 1e-3, 1, ' ', 0, 1},
    {"rf-mobile.trace", 15909, 1e-3, 1, ' ', 0, 1},
    {"rf-obstruction.trace", 15648, 1e-3, 1, ' ', 0, 1},
    {"nrel-srrl-bms-2012-05-17-1min.csv", 1440, 1.0, 2, ',', -1, 4},
    {"enhants-mobile-indoor-outdoor.txt", 3610, 0.01, 0, ' ', 0, 1},
    {"enhants-mobile-nyt-nighttime.txt", 3601, 0.01, 0, ' ', 0, 1},
    {"enhants-mobile-car.txt", 355, 0.01, 0, ' ', 0, 1},
};

}  // namespace

TEST_CASE("recorded traces: parse and integrate to the hold and trapezoid sums", "[traces]") {
  const std::string dir = trace_dir();
  EHSIM_REQUIRE_DEPENDENCY(!dir.empty(), "the recorded traces at " EHSIM_TRACE_DIR,
                           "the repository's traces/recorded (or -DEHSIM_TRACE_DIR=)");
  for (const auto& c : kCases) {
    INFO(c.file);
    const std::string path = dir + "/" + c.file;
    const TraceData d = read_trace_file(path);
    REQUIRE(d.time_s.size() == c.samples);
    const Raw raw = read_columns(path, c.skip, c.sep, c.tcol, c.vcol);
    REQUIRE(raw.t.size() == c.samples);
    double hold = 0.0, trap = 0.0;
    for (std::size_t i = 0; i + 1 < raw.t.size(); ++i) {
      const double dt = raw.t[i + 1] - raw.t[i];
      hold += raw.v[i] * c.scale_to_si * dt;
      trap += 0.5 * (raw.v[i] + raw.v[i + 1]) * c.scale_to_si * dt;
    }
    const bool irradiance = d.quantity == Quantity::irradiance_W_per_m2;
    auto harvester = [&]() -> std::shared_ptr<Harvester> {
      if (irradiance) return std::make_shared<SolarAreaHarvester>(1.0, 1.0);  // 1 m^2, 100 %
      return std::make_shared<DirectHarvester>(Quantity::power_W, 1.0, 0.0);
    };
    // Simulated time 0 is the first sample.
    TraceOptions o;
    o.start_offset_s = raw.t.front();
    const double span = raw.t.back() - raw.t.front();
    CHECK(rel_err(harvested(std::make_shared<Trace>(d, o), harvester(), span), hold) < 1e-9);
    o.interpolation = Interpolation::linear;
    CHECK(rel_err(harvested(std::make_shared<Trace>(d, o), harvester(), span), trap) < 1e-9);
  }
}

TEST_CASE("recorded traces: on/off counts do not depend on the synchronisation quantum",
          "[traces]") {
  const std::string dir = trace_dir();
  EHSIM_REQUIRE_DEPENDENCY(!dir.empty(), "the recorded traces at " EHSIM_TRACE_DIR,
                           "the repository's traces/recorded (or -DEHSIM_TRACE_DIR=)");
  struct Setup {
    const char* file;
    std::shared_ptr<Harvester> h;
    double c_F, load_A;
  };
  const Setup setups[] = {
      {"rf-cart.trace", std::make_shared<RfHarvester>(RfHarvester::default_p2110b_table()), 100e-6,
       1e-3},
      {"rf-mobile.trace", std::make_shared<RfHarvester>(RfHarvester::default_p2110b_table()), 47e-6,
       0.2e-3},
      {"nrel-srrl-bms-2012-05-17-1min.csv", std::make_shared<SolarAreaHarvester>(5e-4, 0.15), 10e-3,
       20e-3},
      {"enhants-mobile-indoor-outdoor.txt", std::make_shared<SolarAreaHarvester>(5e-4, 0.15),
       100e-6, 3e-3},
  };
  for (const auto& su : setups) {
    INFO(su.file);
    auto trace = std::make_shared<Trace>(read_trace_file(dir + "/" + su.file), TraceOptions{});
    SupplyParams p = basic_params(su.c_F, 2.0, 1.8);
    p.converter.type = ConverterType::ldo;
    p.converter.vout_V = 1.8;
    SupplyCore core(p, trace, su.h);
    const double t_end = trace->duration_s();
    const double q_fine = t_end / 20000.0;
    SupplyState a = core.initial_state(), b = core.initial_state();
    a.load_A = b.load_A = su.load_A;
    const auto ea = run_events(core, a, t_end, q_fine);
    const auto eb = run_events(core, b, t_end, 100.0 * q_fine);
    CHECK(ea.size() > 2);
    REQUIRE(ea.size() == eb.size());
    for (std::size_t i = 0; i < ea.size(); ++i) {
      CHECK(ea[i].kind == eb[i].kind);
      CHECK(rel_err(ea[i].t_s, eb[i].t_s) < 1e-9);
    }
    CHECK(books_imbalance(core, a) < 1e-9);
    CHECK(books_imbalance(core, b) < 1e-9);
  }
}

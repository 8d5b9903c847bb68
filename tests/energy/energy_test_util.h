// Helpers shared by the energy tests: in-memory traces and supply cores.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "energy/harvester.h"
#include "energy/supply_core.h"
#include "energy/trace.h"

namespace ehsim::energy::testing {

inline std::shared_ptr<Trace> make_trace(Quantity q, std::vector<double> t, std::vector<double> v,
                                         TraceOptions o = {}) {
  TraceData d;
  d.quantity = q;
  d.time_s = std::move(t);
  d.value = std::move(v);
  d.source = "test";
  return std::make_shared<Trace>(std::move(d), o);
}

inline std::shared_ptr<Trace> constant_trace(Quantity q, double value) {
  return make_trace(q, {0.0}, {value});
}

inline SupplyParams basic_params(double c_F, double v_on, double v_off, double rated = 3.6) {
  SupplyParams p;
  p.capacitor.capacitance_F = c_F;
  p.capacitor.rated_V = rated;
  p.thresholds.v_on_V = v_on;
  p.thresholds.v_off_V = v_off;
  return p;
}

inline double rel_err(double a, double b) {
  return std::fabs(a - b) / std::max(std::fabs(a), std::fabs(b));
}

inline double books_imbalance(const SupplyCore& core, const SupplyState& s) {
  const Books& b = s.books;
  const double lhs = b.initial_J + b.harvested_J;
  const double rhs = core.energy_J(s.v_V) + b.consumed_total_J();
  return std::fabs(lhs - rhs) / std::max({lhs, rhs, 1e-300});
}

// Runs to t_end in chunks of quantum_s, collecting every power-good change.
inline std::vector<SupplyEvent> run_events(const SupplyCore& core, SupplyState& s, double t_end,
                                           double quantum_s) {
  std::vector<SupplyEvent> evs;
  while (s.t_s < t_end) {
    const double stop = std::min(t_end, (std::floor(s.t_s / quantum_s + 1e-9) + 1) * quantum_s);
    SupplyEvent ev;
    while (core.advance(s, stop, &ev)) evs.push_back(ev);
  }
  return evs;
}

// The recorded-trace directory, or "" when absent (tests then skip with a message).
inline std::string trace_dir() {
  const char* env = std::getenv("EHSIM_TRACE_DIR");
  std::string dir = env && *env ? env : EHSIM_TRACE_DIR;
  return std::filesystem::is_directory(dir) ? dir : std::string();
}

}  // namespace ehsim::energy::testing

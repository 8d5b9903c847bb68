// The capacitor + PMU integrator behind the supply module, free of SystemC so that commands,
// tests and benchmarks can drive it directly.
//
// Dynamics: d(C V^2/2)/dt = p_harvest(V,t) - p_load_in(V) - p_leak(V), with every input
// piecewise constant (hold traces, constant load between calls). Within one stretch of constant
// inputs the net power is usually a polynomial c1*V + c2*V^2 (current sources, conductances,
// LDO/none converters), so C dV/dt = c1 + c2*V and V follows the closed form (linear or
// exponential); threshold crossings are solved with log1p, never stepped. Other dynamics (RF and
// area-solar power sources, single-diode cells, buck converters, linear interpolation) use a
// Dormand-Prince 5(4) integrator whose local error per step is below
// rk_rtol * max(y, y(v_on)) (SupplyParams), and find crossings by root-finding the step length
// (Illinois method to 1e-15 relative time). The integrated state y is the stored energy when a
// constant-power source is present (then every explicit Runge-Kutta method keeps the linear
// invariant E - sum(flows), so the books balance to rounding) and the voltage otherwise (smooth
// at 0 V for current-like sources; the books then balance to the integration error).
#pragma once

#include <cmath>
#include <memory>

#include "energy/harvester.h"
#include "energy/supply_params.h"
#include "energy/trace.h"

namespace ehsim::energy {

// Energy books (J). initial + harvested = final + delivered + converter_loss + leaked + clipped.
struct Books {
  double initial_J = 0.0;
  double harvested_J = 0.0;       // into the capacitor (after rectifier/charger)
  double delivered_J = 0.0;       // to the load at the rail voltage
  double converter_loss_J = 0.0;  // converter + quiescent + ESR + charger quiescent
  double leaked_J = 0.0;
  double clipped_J = 0.0;  // harvested energy shed at the rated voltage
  // Energy a debugger put in (or took out) by setting the capacitor voltage (monitor charge).
  double debugger_J = 0.0;
  double consumed_total_J() const { return delivered_J + converter_loss_J + leaked_J + clipped_J; }
};

struct SupplyState {
  double t_s = 0.0;
  double v_V = 0.0;
  bool power_good = false;
  bool charger_warm = false;  // charger past cold start
  bool clipped = false;       // held at the rated voltage
  bool empty = false;         // at 0 V with constant-current drains stopped
  double load_A = 0.0;        // requested load current at the rail (drawn only while power_good)
  // Integral of the rail voltage over time while power_good (V*s). The rail voltage is what
  // rail_V() gives (the regulated output, or the terminal voltage without a converter or in
  // dropout); the energy delivered over a stretch of constant load I is exactly I times this
  // integral's increase, which is how the MCU keeps its own energy book.
  double rail_Vs = 0.0;
  Books books;
};

enum class SupplyEventKind { power_good_rise, power_good_fall };

struct SupplyEvent {
  double t_s = 0.0;
  SupplyEventKind kind = SupplyEventKind::power_good_rise;
};

class SupplyCore {
 public:
  SupplyCore(SupplyParams params, std::shared_ptr<const Trace> trace,
             std::shared_ptr<const Harvester> harvester);

  SupplyState initial_state() const;
  // A debugger sets the capacitor voltage (clamped to [0, rated]): power good follows the
  // thresholds as if the voltage had moved there (on at v_on or above, off below v_off, kept in
  // between), and the energy difference is booked as debugger_J. Returns whether power good
  // changed.
  bool set_voltage(SupplyState& s, double v_V) const;
  // Advances s to t_end, or only up to the next power-good change if that comes first, in which
  // case it fills `event`, leaves s at the event time (state already switched) and returns true.
  bool advance(SupplyState& s, double t_end, SupplyEvent* event) const;

  double energy_J(double v_V) const { return 0.5 * params_.capacitor.capacitance_F * v_V * v_V; }
  // Capacitor voltage minus the ESR drop of the present input current.
  double terminal_V(const SupplyState& s) const;
  // Current the converter draws from the capacitor at s (A).
  double input_current_A(const SupplyState& s) const;
  const SupplyParams& params() const { return params_; }
  const Trace& trace() const { return *trace_; }

 private:
  struct Regime;
  struct Flows {
    double h = 0, d = 0, c = 0, l = 0;
    double rail_V = 0;  // not a power: the rail voltage (integrated into SupplyState::rail_Vs)
    double net() const { return h - d - c - l; }
  };
  enum class LevelKind { pg_on, pg_off, warm, cold, clip, rail, empty };
  struct Level {
    double v_V;
    int dir;  // +1: crossed rising, -1: falling, 0: either
    LevelKind kind;
  };
  // The levels watched in one stretch (at most one per LevelKind but pg_on/pg_off and
  // warm/cold, which exclude each other), kept on the stack: advance() runs at every MCU stretch.
  struct LevelList {
    Level items[8];
    int n = 0;
    void clear() { n = 0; }
    void push_back(const Level& l) { items[n++] = l; }
    const Level* begin() const { return items; }
    const Level* end() const { return items + n; }
  };

  Regime make_regime(const SupplyState& s, const TraceSegment& seg) const;
  Flows flows_at(const Regime& r, double v_V, double t_s) const;
  void levels(const SupplyState& s, const Regime& r, LevelList& out) const;
  double rail_level_V(const SupplyState& s) const;
  // One sub-step from s.t_s towards t_stop; returns the level crossed (or nullptr).
  const Level* step_closed(SupplyState& s, const Regime& r, const LevelList& lv,
                           double t_stop) const;
  const Level* step_numeric(SupplyState& s, const Regime& r, const LevelList& lv,
                            double t_stop) const;
  bool step_clipped(SupplyState& s, const Regime& r, double t_stop) const;
  // Applies a crossed level; returns true when it changed power-good.
  bool apply_level(SupplyState& s, const Level& l) const;
  // Throws std::logic_error when the state or the books are no longer finite numbers.
  void check_finite(const SupplyState& s) const {
    const Books& b = s.books;
    if (!(std::isfinite(s.t_s) && std::isfinite(s.v_V) && std::isfinite(s.rail_Vs) &&
          std::isfinite(b.harvested_J) && std::isfinite(b.delivered_J) &&
          std::isfinite(b.converter_loss_J) && std::isfinite(b.leaked_J) &&
          std::isfinite(b.clipped_J))) {
      report_not_finite(s);
    }
  }
  [[noreturn]] void report_not_finite(const SupplyState& s) const;

  SupplyParams params_;
  std::shared_ptr<const Trace> trace_;
  std::shared_ptr<const Harvester> harvester_;
  bool power_like_ = false;  // a constant-power term: integrate energy rather than voltage
};

}  // namespace ehsim::energy

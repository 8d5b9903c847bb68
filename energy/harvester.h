// Harvester models: turn one trace sample x (SI: W, A, W/m^2 or V) into power delivered into the
// storage capacitor at capacitor voltage V. A harvester that is a polynomial in V over a trace
// segment (p = c0 + c1*V + c2*V^2) says so through poly(), which lets the supply use closed forms.
#pragma once

#include <memory>
#include <string>

#include "energy/table.h"
#include "energy/trace.h"

namespace ehsim::energy {

// Power as c0 + c1*V + c2*V^2 (W): c0 a constant power, c1 a constant current, c2 a conductance.
struct Poly {
  double c0 = 0.0, c1 = 0.0, c2 = 0.0;
  double at(double v) const { return c0 + (c1 + c2 * v) * v; }
  Poly& operator+=(const Poly& o) {
    c0 += o.c0;
    c1 += o.c1;
    c2 += o.c2;
    return *this;
  }
};

class Harvester {
 public:
  virtual ~Harvester() = default;
  // Whether the trace quantity `q` can drive this harvester.
  virtual bool accepts(Quantity q) const = 0;
  // Power into storage (W) for trace value x at capacitor voltage v_V (v_V >= 0); never negative.
  virtual double power_W(double x, double v_V) const = 0;
  // When the power is a polynomial in V for every V reachable from v0_V while x holds, sets `p`
  // and returns true.
  virtual bool poly(double x, double v0_V, Poly& p) const = 0;
  // Largest power the source can give at x (what an ideal MPPT charger extracts).
  virtual double max_power_W(double x) const = 0;
};

// (1) The trace is the harvested quantity. Power traces deliver efficiency*x; current traces
// are an ideal current source; voltage traces are a Thevenin source of resistance
// source_resistance_Ohm behind an ideal diode (e.g. a rectenna's open-circuit voltage).
class DirectHarvester : public Harvester {
 public:
  DirectHarvester(Quantity q, double efficiency, double source_resistance_Ohm);
  bool accepts(Quantity q) const override { return q == q_; }
  double power_W(double x, double v_V) const override;
  bool poly(double x, double v0_V, Poly& p) const override;
  double max_power_W(double x) const override;

 private:
  Quantity q_;
  double efficiency_;
  double r_Ohm_;
};

// (2) RF: received power → DC power through a rectifier efficiency curve eta(P_in in dBm).
class RfHarvester : public Harvester {
 public:
  explicit RfHarvester(Table1D efficiency_vs_dBm) : eff_(std::move(efficiency_vs_dBm)) {}
  static Table1D default_p2110b_table();  // see energy/harvester.cpp for the citation
  bool accepts(Quantity q) const override { return q == Quantity::power_W; }
  double power_W(double x, double) const override { return dc_power_W(x); }
  bool poly(double x, double, Poly& p) const override;
  double max_power_W(double x) const override { return dc_power_W(x); }

 private:
  double dc_power_W(double rf_W) const;
  Table1D eff_;
};

// (3a) Solar cell as area x efficiency (operating point assumed at maximum power).
class SolarAreaHarvester : public Harvester {
 public:
  SolarAreaHarvester(double area_m2, double efficiency) : area_m2_(area_m2), eff_(efficiency) {}
  bool accepts(Quantity q) const override { return q == Quantity::irradiance_W_per_m2; }
  double power_W(double x, double) const override { return x * area_m2_ * eff_; }
  bool poly(double x, double, Poly& p) const override;
  double max_power_W(double x) const override { return x * area_m2_ * eff_; }

 private:
  double area_m2_, eff_;
};

// (3b) Single-diode solar cell connected to the capacitor through an ideal blocking diode, so
// its operating voltage is the capacitor voltage:
//   I = Iph - I0*(exp((V + I*Rs)/(n*Ns*Vt)) - 1) - (V + I*Rs)/Rsh,   Iph = Isc * G / G_ref.
// I0 follows from Voc at G_ref (where I = 0 makes the equation explicit).
struct SingleDiodeParams {
  double isc_A = 0.0;                  // short-circuit current at reference irradiance
  double voc_V = 0.0;                  // open-circuit voltage at reference irradiance
  double reference_W_per_m2 = 1000.0;  // STC irradiance (IEC 60904-3)
  double ideality = 1.5;               // diode ideality factor n
  int cells_series = 1;                // Ns
  double rs_Ohm = 0.0;                 // series resistance
  double rsh_Ohm = 1e12;               // shunt resistance (1e12: none)
  double temperature_K = 298.15;       // STC 25 C
};

class SolarDiodeHarvester : public Harvester {
 public:
  explicit SolarDiodeHarvester(const SingleDiodeParams& p);
  bool accepts(Quantity q) const override { return q == Quantity::irradiance_W_per_m2; }
  double power_W(double x, double v_V) const override { return v_V * current_A(x, v_V); }
  bool poly(double, double, Poly&) const override { return false; }
  double max_power_W(double x) const override;
  // Cell current at irradiance x and voltage v_V (>= 0 through the blocking diode).
  double current_A(double x, double v_V) const;
  double open_circuit_V(double x) const;

 private:
  SingleDiodeParams p_;
  double a_V_;   // n * Ns * k*T/q
  double i0_A_;  // diode saturation current
};

// Optional charger stage between harvester and capacitor (BQ25570-class boost with MPPT): it
// extracts the source's maximum power, delivers efficiency * P_in, and while cold (the capacitor
// has not yet reached cold_exit_V, or fell below cold_reentry_V) only the cold-start circuit runs.
struct ChargerParams {
  double efficiency = 0.0;
  double cold_exit_V = 0.0;
  double cold_reentry_V = 0.0;
  double cold_efficiency = 0.0;
  double cold_min_power_W = 0.0;
  double quiescent_A = 0.0;
};

}  // namespace ehsim::energy

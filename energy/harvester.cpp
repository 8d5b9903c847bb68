#include "energy/harvester.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ehsim::energy {

DirectHarvester::DirectHarvester(Quantity q, double efficiency, double source_resistance_Ohm)
    : q_(q), efficiency_(efficiency), r_Ohm_(source_resistance_Ohm) {
  if (q_ == Quantity::irradiance_W_per_m2) {
    throw std::invalid_argument("a direct harvester needs a power, current or voltage trace");
  }
  if (q_ == Quantity::voltage_V && !(r_Ohm_ > 0.0)) {
    throw std::invalid_argument("a voltage trace needs a positive source resistance");
  }
}

double DirectHarvester::power_W(double x, double v_V) const {
  switch (q_) {
    case Quantity::power_W:
      return efficiency_ * x;
    case Quantity::current_A:
      return x * v_V;
    case Quantity::voltage_V:
      return x > v_V ? (x - v_V) * v_V / r_Ohm_ : 0.0;
    default:
      return 0.0;
  }
}

bool DirectHarvester::poly(double x, double v0_V, Poly& p) const {
  p = Poly{};
  switch (q_) {
    case Quantity::power_W:
      p.c0 = efficiency_ * x;
      break;
    case Quantity::current_A:
      p.c1 = x;
      break;
    case Quantity::voltage_V:
      // Below the source voltage the capacitor can only approach it, never pass it, so one
      // polynomial holds for the whole segment; at or above it the diode blocks.
      if (x > v0_V) {
        p.c1 = x / r_Ohm_;
        p.c2 = -1.0 / r_Ohm_;
      }
      break;
    default:
      break;
  }
  return true;
}

double DirectHarvester::max_power_W(double x) const {
  switch (q_) {
    case Quantity::power_W:
      return efficiency_ * x;
    case Quantity::voltage_V:
      return x * x / (4.0 * r_Ohm_);  // matched load
    default:
      return 0.0;  // an ideal current source has no maximum-power point
  }
}

// Default P2110B RF-to-DC efficiency vs received power. APPROXIMATE: read from the piecewise fit
// of the P2110B datasheet figure "RF to DC conversion efficiency vs input power" published in
// deltazita/powercast-calculator (test.pl, sub eff_p2110, "Version B"), evaluated at these
// points; the datasheet's own figure could not be consulted numerically. The lower end follows
// the datasheet text "operation down to -11.5 dBm" (Powercast P2110 datasheet Rev B, p.1).
Table1D RfHarvester::default_p2110b_table() {
  return Table1D({-12.0, -11.5, -10.0, -8.0, -7.0, -5.0, -3.0, 0.0, 3.0, 4.0, 5.0, 7.0, 10.0},
                 {0.0, 0.04, 0.25, 0.41, 0.50, 0.555, 0.54, 0.55, 0.63, 0.64, 0.64, 0.63, 0.53});
}

double RfHarvester::dc_power_W(double rf_W) const {
  if (!(rf_W > 0.0)) return 0.0;
  const double dBm = 10.0 * std::log10(rf_W / 1e-3);
  return std::max(0.0, eff_(dBm)) * rf_W;
}

bool RfHarvester::poly(double x, double, Poly& p) const {
  p = Poly{};
  p.c0 = dc_power_W(x);
  return true;
}

bool SolarAreaHarvester::poly(double x, double, Poly& p) const {
  p = Poly{};
  p.c0 = x * area_m2_ * eff_;
  return true;
}

namespace {
constexpr double kBoltzmann_J_per_K = 1.380649e-23;      // SI 2019 exact
constexpr double kElementaryCharge_C = 1.602176634e-19;  // SI 2019 exact
constexpr double kMaxExponent = 700.0;                   // exp() overflows near 709.8
}  // namespace

SolarDiodeHarvester::SolarDiodeHarvester(const SingleDiodeParams& p) : p_(p) {
  if (!(p_.isc_A > 0.0) || !(p_.voc_V > 0.0) || !(p_.ideality > 0.0) || p_.cells_series < 1 ||
      p_.rs_Ohm < 0.0 || !(p_.rsh_Ohm > 0.0) || !(p_.temperature_K > 0.0) ||
      !(p_.reference_W_per_m2 > 0.0)) {
    throw std::invalid_argument("single-diode parameters out of range");
  }
  a_V_ =
      p_.ideality * p_.cells_series * kBoltzmann_J_per_K * p_.temperature_K / kElementaryCharge_C;
  const double i_sh = p_.voc_V / p_.rsh_Ohm;
  if (i_sh >= p_.isc_A) throw std::invalid_argument("shunt resistance too small for Isc and Voc");
  i0_A_ = (p_.isc_A - i_sh) / std::expm1(std::min(kMaxExponent, p_.voc_V / a_V_));
}

double SolarDiodeHarvester::current_A(double x, double v_V) const {
  const double iph = p_.isc_A * x / p_.reference_W_per_m2;
  if (!(iph > 0.0)) return 0.0;
  // f(I) is concave and decreasing, and f(Iph) <= 0 for V >= 0, so Newton from Iph converges
  // monotonically from above.
  double i = iph;
  for (int k = 0; k < 200; ++k) {
    const double vd = v_V + i * p_.rs_Ohm;
    const double e = std::exp(std::min(kMaxExponent, vd / a_V_));
    const double f = iph - i0_A_ * (e - 1.0) - vd / p_.rsh_Ohm - i;
    const double df = -i0_A_ * e * p_.rs_Ohm / a_V_ - p_.rs_Ohm / p_.rsh_Ohm - 1.0;
    const double step = f / df;
    i -= step;
    if (std::fabs(step) <= 1e-15 * iph) break;
  }
  return std::max(0.0, i);
}

double SolarDiodeHarvester::open_circuit_V(double x) const {
  const double iph = p_.isc_A * x / p_.reference_W_per_m2;
  if (!(iph > 0.0)) return 0.0;
  // At I = 0 the series resistance carries no current; bisection on the explicit equation.
  double lo = 0.0, hi = p_.voc_V * 2.0 + 10.0 * a_V_;
  for (int k = 0; k < 200 && hi - lo > 1e-15 * hi; ++k) {
    const double v = 0.5 * (lo + hi);
    const double f = iph - i0_A_ * std::expm1(std::min(kMaxExponent, v / a_V_)) - v / p_.rsh_Ohm;
    (f > 0.0 ? lo : hi) = v;
  }
  return lo;
}

double SolarDiodeHarvester::max_power_W(double x) const {
  const double voc = open_circuit_V(x);
  if (!(voc > 0.0)) return 0.0;
  // P(V) = V*I(V) is unimodal on [0, Voc]: golden-section search.
  const double g = 0.5 * (std::sqrt(5.0) - 1.0);
  double a = 0.0, b = voc;
  double c = b - g * (b - a), d = a + g * (b - a);
  double pc = power_W(x, c), pd = power_W(x, d);
  for (int k = 0; k < 100 && b - a > 1e-12 * voc; ++k) {
    if (pc > pd) {
      b = d;
      d = c;
      pd = pc;
      c = b - g * (b - a);
      pc = power_W(x, c);
    } else {
      a = c;
      c = d;
      pc = pd;
      d = a + g * (b - a);
      pd = power_W(x, d);
    }
  }
  return std::max(pc, pd);
}

}  // namespace ehsim::energy

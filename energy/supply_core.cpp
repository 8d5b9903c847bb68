#include "energy/supply_core.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace ehsim::energy {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// phi1(z) = (e^z - 1)/z, phi2(z) = (e^z - 1 - z)/z^2, psi(z) = (e^{2z}/2 - 2e^z + 3/2 + z)/z^3:
// the kernels of V(t), int V dt and int V^2 dt for C dV/dt = a + b V. Series near 0 where the
// closed forms cancel.
double phi1(double z) {
  if (std::fabs(z) < 0.5) {
    double term = 1.0, sum = 1.0;
    for (int n = 1; n < 40; ++n) {
      term *= z / (n + 1);
      sum += term;
      if (std::fabs(term) < 1e-18 * std::fabs(sum)) break;
    }
    return sum;
  }
  return std::expm1(z) / z;
}

double phi2(double z) {
  if (std::fabs(z) < 0.5) {
    double term = 0.5, sum = 0.5;
    for (int n = 1; n < 40; ++n) {
      term *= z / (n + 2);
      sum += term;
      if (std::fabs(term) < 1e-18 * std::fabs(sum)) break;
    }
    return sum;
  }
  return (std::expm1(z) - z) / (z * z);
}

double psi(double z) {
  if (std::fabs(z) < 0.5) {
    // sum_{n>=3} (2^{n-1} - 2)/n! z^{n-3}
    double fact = 6.0, pow2 = 4.0, zp = 1.0, sum = 0.0;
    for (int n = 3; n < 60; ++n) {
      const double term = (pow2 - 2.0) / fact * zp;
      sum += term;
      if (n > 4 && std::fabs(term) < 1e-18 * std::fabs(sum)) break;
      fact *= n + 1;
      pow2 *= 2.0;
      zp *= z;
    }
    return sum;
  }
  return (0.5 * std::expm1(2.0 * z) - 2.0 * std::expm1(z) + z) / (z * z * z);
}

// Dormand-Prince 5(4) tableau (Dormand & Prince 1980, J. Comp. Appl. Math. 6(1), Table 2).
constexpr int kN = 6;  // state: energy, harvested, delivered, converter loss, leaked, rail V*s
constexpr double a21 = 1.0 / 5;
constexpr double a31 = 3.0 / 40, a32 = 9.0 / 40;
constexpr double a41 = 44.0 / 45, a42 = -56.0 / 15, a43 = 32.0 / 9;
constexpr double a51 = 19372.0 / 6561, a52 = -25360.0 / 2187, a53 = 64448.0 / 6561,
                 a54 = -212.0 / 729;
constexpr double a61 = 9017.0 / 3168, a62 = -355.0 / 33, a63 = 46732.0 / 5247, a64 = 49.0 / 176,
                 a65 = -5103.0 / 18656;
constexpr double b1 = 35.0 / 384, b3 = 500.0 / 1113, b4 = 125.0 / 192, b5 = -2187.0 / 6784,
                 b6 = 11.0 / 84;
constexpr double e1 = 71.0 / 57600, e3 = -71.0 / 16695, e4 = 71.0 / 1920, e5 = -17253.0 / 339200,
                 e6 = 22.0 / 525, e7 = -1.0 / 40;
constexpr double c2 = 1.0 / 5, c3 = 3.0 / 10, c4 = 4.0 / 5, c5 = 8.0 / 9;

}  // namespace

struct SupplyCore::Regime {
  double t0_s = 0.0, x0 = 0.0, slope = 0.0;
  bool autonomous = true;
  double load_A = 0.0;  // effective load (0 while power-good is low)
  bool rail_above = true;
  bool charger_warm = false;
  bool harvest_poly = false;
  bool load_poly = true;
  Poly h, d, c, l;  // harvest, delivered, converter loss (+ charger quiescent), leak
  Poly rail;        // rail voltage (V, not W): c0 + c1*V; zero while power-good is low
};

SupplyCore::SupplyCore(SupplyParams params, std::shared_ptr<const Trace> trace,
                       std::shared_ptr<const Harvester> harvester)
    : params_(std::move(params)), trace_(std::move(trace)), harvester_(std::move(harvester)) {
  const auto& cap = params_.capacitor;
  const auto& th = params_.thresholds;
  if (!trace_ || !harvester_) throw std::invalid_argument("supply needs a trace and a harvester");
  if (!harvester_->accepts(trace_->quantity())) {
    throw std::invalid_argument(std::string("the harvester cannot use a ") +
                                quantity_name(trace_->quantity()) + " trace");
  }
  if (!(cap.capacitance_F > 0.0)) throw std::invalid_argument("capacitance must be positive");
  if (!(th.v_off_V > 0.0) || !(th.v_on_V > th.v_off_V)) {
    throw std::invalid_argument("thresholds need 0 < v_off < v_on");
  }
  if (!(cap.rated_V >= th.v_on_V)) throw std::invalid_argument("rated voltage is below v_on");
  if (cap.initial_V < 0.0 || cap.initial_V > cap.rated_V) {
    throw std::invalid_argument("initial voltage must lie in [0, rated voltage]");
  }
  if (cap.leakage_A < 0.0 || cap.leakage_S < 0.0 || cap.esr_Ohm < 0.0) {
    throw std::invalid_argument("leakage and ESR must not be negative");
  }
  Poly probe;
  power_like_ = params_.charger.has_value() ||
                (harvester_->poly(1.0, 0.0, probe) && probe.c0 != 0.0) ||
                params_.converter.type == ConverterType::buck;
}

SupplyState SupplyCore::initial_state() const {
  SupplyState s;
  s.v_V = params_.capacitor.initial_V;
  s.power_good = s.v_V >= params_.thresholds.v_on_V;
  s.charger_warm = params_.charger && s.v_V >= params_.charger->cold_exit_V;
  s.clipped = s.v_V >= params_.capacitor.rated_V;
  s.empty = s.v_V <= 0.0;
  s.books.initial_J = energy_J(s.v_V);
  return s;
}

bool SupplyCore::set_voltage(SupplyState& s, double v_V) const {
  v_V = std::clamp(v_V, 0.0, params_.capacitor.rated_V);
  s.books.debugger_J += energy_J(v_V) - energy_J(s.v_V);
  s.v_V = v_V;
  if (params_.charger && v_V >= params_.charger->cold_exit_V) s.charger_warm = true;
  s.clipped = v_V >= params_.capacitor.rated_V;
  s.empty = v_V <= 0.0;
  const bool was_good = s.power_good;
  if (v_V >= params_.thresholds.v_on_V) s.power_good = true;
  if (v_V < params_.thresholds.v_off_V) s.power_good = false;
  return s.power_good != was_good;
}

double SupplyCore::rail_level_V(const SupplyState& s) const {
  const auto& cv = params_.converter;
  return cv.vout_V + (s.load_A + cv.quiescent_A) * params_.capacitor.esr_Ohm;
}

double SupplyCore::input_current_A(const SupplyState& s) const {
  if (!s.power_good) return 0.0;
  const auto& cv = params_.converter;
  const double i = s.load_A;
  switch (cv.type) {
    case ConverterType::none:
      return i;
    case ConverterType::ldo:
      return i + cv.quiescent_A;
    case ConverterType::buck:
      if (s.v_V > rail_level_V(s) && s.v_V > 0.0) {
        return (cv.vout_V * i / cv.efficiency(s.v_V, i)) / s.v_V + cv.quiescent_A;
      }
      return i + cv.quiescent_A;
  }
  return i;
}

double SupplyCore::terminal_V(const SupplyState& s) const {
  return s.v_V - input_current_A(s) * params_.capacitor.esr_Ohm;
}

SupplyCore::Regime SupplyCore::make_regime(const SupplyState& s, const TraceSegment& seg) const {
  const auto& cap = params_.capacitor;
  const auto& cv = params_.converter;
  Regime r;
  r.t0_s = s.t_s;
  r.x0 = seg.value_at(s.t_s);
  r.slope = seg.slope_per_s;
  r.autonomous = seg.slope_per_s == 0.0;
  r.load_A = s.power_good ? s.load_A : 0.0;
  r.charger_warm = s.charger_warm;
  const double R = cap.esr_Ohm;

  r.l.c1 = cap.leakage_A;
  r.l.c2 = cap.leakage_S;

  if (params_.charger) {
    const auto& ch = *params_.charger;
    const double p_in = harvester_->max_power_W(r.x0);
    r.h.c0 = s.charger_warm ? ch.efficiency * p_in
                            : (p_in >= ch.cold_min_power_W ? ch.cold_efficiency * p_in : 0.0);
    r.harvest_poly = true;
  } else {
    r.harvest_poly = harvester_->poly(r.x0, s.v_V, r.h);
  }

  auto build_load = [&](bool above) {
    r.rail_above = above;
    r.d = Poly{};
    r.c = Poly{};
    r.rail = Poly{};
    r.load_poly = true;
    const double i = r.load_A;
    if (s.power_good) {
      const double iq = cv.type == ConverterType::none ? 0.0 : cv.quiescent_A;
      const double iin = i + iq;
      if (cv.type == ConverterType::none || !above) {
        // The rail is the terminal voltage V - I_in*ESR; delivered = i * rail.
        r.rail.c1 = 1.0;
        r.rail.c0 = -iin * R;
        r.d.c1 = i;
        r.d.c0 = -i * iin * R;
        r.c.c1 = iq;
        r.c.c0 = i * iin * R;
      } else if (cv.type == ConverterType::ldo) {
        r.rail.c0 = cv.vout_V;
        r.d.c0 = i * cv.vout_V;
        r.c.c1 = iin;
        r.c.c0 = -i * cv.vout_V;
      } else if (!cv.efficiency.depends_on_x() && R == 0.0) {
        r.rail.c0 = cv.vout_V;
        const double eta = cv.efficiency(0.0, i);
        r.d.c0 = i * cv.vout_V;
        r.c.c0 = i * cv.vout_V * (1.0 / eta - 1.0);
        r.c.c1 = iq;
      } else {
        r.rail.c0 = cv.vout_V;
        r.load_poly = false;
      }
    }
    if (params_.charger) r.c.c1 += params_.charger->quiescent_A;
  };

  bool above = true;
  if (s.power_good && cv.type != ConverterType::none) {
    const double level = rail_level_V(s);
    if (s.v_V < level) {
      above = false;
    } else if (s.v_V == level) {
      // Exactly on the regulation edge: take the side the voltage is moving to.
      build_load(true);
      above = flows_at(r, s.v_V, s.t_s).net() >= 0.0;
    }
  }
  build_load(above);
  return r;
}

SupplyCore::Flows SupplyCore::flows_at(const Regime& r, double v, double t) const {
  Flows f;
  const double x = r.x0 + r.slope * (t - r.t0_s);
  if (r.autonomous && r.harvest_poly) {
    f.h = r.h.at(v);
  } else if (params_.charger) {
    // Charger state is fixed within a regime, so only the input power follows the trace.
    const auto& ch = *params_.charger;
    const double p_in = harvester_->max_power_W(x);
    f.h = r.charger_warm ? ch.efficiency * p_in
                         : (p_in >= ch.cold_min_power_W ? ch.cold_efficiency * p_in : 0.0);
  } else {
    f.h = harvester_->power_W(x, v);
  }
  if (r.load_poly) {
    f.d = r.d.at(v);
    f.c = r.c.at(v);
  } else {
    // Buck above its output with an efficiency that depends on V, or with ESR.
    const auto& cv = params_.converter;
    const double p_out = r.load_A * cv.vout_V;
    const double p_in = p_out / cv.efficiency(v, r.load_A) + cv.quiescent_A * v;
    const double iin = v > 0.0 ? p_in / v : 0.0;
    f.d = p_out;
    f.c = p_in - p_out + iin * iin * params_.capacitor.esr_Ohm;
    if (params_.charger) f.c += params_.charger->quiescent_A * v;
  }
  f.l = r.l.at(v);
  f.rail_V = r.rail.c0 + r.rail.c1 * v;  // the rail is at most linear in V
  return f;
}

void SupplyCore::levels(const SupplyState& s, const Regime& r, LevelList& out) const {
  out.clear();
  const auto& th = params_.thresholds;
  if (s.power_good) {
    out.push_back({th.v_off_V, -1, LevelKind::pg_off});
  } else {
    out.push_back({th.v_on_V, +1, LevelKind::pg_on});
  }
  if (params_.charger) {
    if (s.charger_warm) {
      out.push_back({params_.charger->cold_reentry_V, -1, LevelKind::cold});
    } else {
      out.push_back({params_.charger->cold_exit_V, +1, LevelKind::warm});
    }
  }
  if (!s.clipped) out.push_back({params_.capacitor.rated_V, +1, LevelKind::clip});
  if (s.power_good && params_.converter.type != ConverterType::none) {
    out.push_back({rail_level_V(s), r.rail_above ? -1 : +1, LevelKind::rail});
  }
  out.push_back({0.0, -1, LevelKind::empty});
}

const SupplyCore::Level* SupplyCore::step_closed(SupplyState& s, const Regime& r,
                                                 const LevelList& lv, double t_stop) const {
  const double C = params_.capacitor.capacitance_F;
  const Poly net{r.h.c0 - r.d.c0 - r.c.c0 - r.l.c0, r.h.c1 - r.d.c1 - r.c.c1 - r.l.c1,
                 r.h.c2 - r.d.c2 - r.c.c2 - r.l.c2};
  // C dV/dt = net.c1 + net.c2 V (net.c0 is zero here).
  const double k = net.c2 / C;
  const double v0 = s.v_V;
  const double rate0 = net.c1 / C + k * v0;  // dV/dt at the start
  double dt = t_stop - s.t_s;
  const Level* hit = nullptr;
  if (rate0 != 0.0) {
    for (const auto& L : lv) {
      const bool toward = rate0 > 0.0 ? (L.v_V > v0 && L.dir >= 0) : (L.v_V < v0 && L.dir <= 0);
      if (!toward) continue;
      double tc;
      if (k == 0.0) {
        tc = (L.v_V - v0) / rate0;
      } else {
        const double arg = k * (L.v_V - v0) / rate0;
        if (arg <= -1.0) continue;  // beyond the asymptote V_inf
        tc = std::log1p(arg) / k;
      }
      if (std::isfinite(tc) && tc >= 0.0 && tc < dt) {
        dt = tc;
        hit = &L;
      }
    }
  }
  const double z = k * dt;
  const double p1 = phi1(z), p2 = phi2(z), ps = psi(z);
  const double int_v = v0 * dt + rate0 * dt * dt * p2;
  const double int_v2 =
      v0 * v0 * dt + 2.0 * v0 * rate0 * dt * dt * p2 + rate0 * rate0 * dt * dt * dt * ps;
  auto integral = [&](const Poly& p) { return p.c0 * dt + p.c1 * int_v + p.c2 * int_v2; };
  Books& b = s.books;
  b.harvested_J += integral(r.h);
  b.delivered_J += integral(r.d);
  b.converter_loss_J += integral(r.c);
  b.leaked_J += integral(r.l);
  s.rail_Vs += integral(r.rail);
  if (hit) {
    s.v_V = hit->v_V;
    s.t_s = std::min(t_stop, s.t_s + dt);
  } else {
    s.v_V = v0 + rate0 * dt * p1;
    s.t_s = t_stop;
  }
  return hit;
}

const SupplyCore::Level* SupplyCore::step_numeric(SupplyState& s, const Regime& r,
                                                  const LevelList& lv, double t_stop) const {
  const double C = params_.capacitor.capacitance_F;
  // The state is the stored energy when a power-like source is present (dV/dt = P/(C V) is
  // singular at 0 V, dE/dt = P is not), otherwise the voltage (dE/dt = I*sqrt(2E/C) is not
  // smooth at 0 J, dV/dt = I/C is).
  const bool energy_state = power_like_;
  const double y_ref = energy_state ? std::max(energy_J(params_.thresholds.v_on_V), 1e-30)
                                    : params_.thresholds.v_on_V;
  auto deriv = [&](double t, const double* y, double* f) {
    if (energy_state) {
      const double v = std::sqrt(2.0 * std::max(y[0], 0.0) / C);
      const Flows fl = flows_at(r, v, t);
      f[0] = fl.net();
      f[1] = fl.h;
      f[2] = fl.d;
      f[3] = fl.c;
      f[4] = fl.l;
      f[5] = fl.rail_V;
      return;
    }
    const double v = std::max(y[0], 1e-30);  // I(V) = p(V)/V has a finite limit at 0 V
    const Flows fl = flows_at(r, v, t);
    f[0] = fl.net() / (C * v);
    f[1] = fl.h;
    f[2] = fl.d;
    f[3] = fl.c;
    f[4] = fl.l;
    f[5] = fl.rail_V;
  };
  // One Dormand-Prince step of length h from (t, y); returns the energy error estimate.
  auto rk = [&](double t, const double* y, double h, double* out) {
    double k1[kN], k2[kN], k3[kN], k4[kN], k5[kN], k6[kN], k7[kN], tmp[kN];
    deriv(t, y, k1);
    for (int i = 0; i < kN; ++i) tmp[i] = y[i] + h * a21 * k1[i];
    deriv(t + c2 * h, tmp, k2);
    for (int i = 0; i < kN; ++i) tmp[i] = y[i] + h * (a31 * k1[i] + a32 * k2[i]);
    deriv(t + c3 * h, tmp, k3);
    for (int i = 0; i < kN; ++i) tmp[i] = y[i] + h * (a41 * k1[i] + a42 * k2[i] + a43 * k3[i]);
    deriv(t + c4 * h, tmp, k4);
    for (int i = 0; i < kN; ++i)
      tmp[i] = y[i] + h * (a51 * k1[i] + a52 * k2[i] + a53 * k3[i] + a54 * k4[i]);
    deriv(t + c5 * h, tmp, k5);
    for (int i = 0; i < kN; ++i)
      tmp[i] = y[i] + h * (a61 * k1[i] + a62 * k2[i] + a63 * k3[i] + a64 * k4[i] + a65 * k5[i]);
    deriv(t + h, tmp, k6);
    for (int i = 0; i < kN; ++i)
      out[i] = y[i] + h * (b1 * k1[i] + b3 * k3[i] + b4 * k4[i] + b5 * k5[i] + b6 * k6[i]);
    deriv(t + h, out, k7);
    return std::fabs(h *
                     (e1 * k1[0] + e3 * k3[0] + e4 * k4[0] + e5 * k5[0] + e6 * k6[0] + e7 * k7[0]));
  };
  auto volts = [&](double y) {
    return energy_state ? std::sqrt(2.0 * std::max(y, 0.0) / C) : std::max(y, 0.0);
  };
  auto crosses = [&](const Level& L, double va, double vb) {
    if (L.dir >= 0 && va < L.v_V && vb >= L.v_V) return true;
    if (L.dir <= 0 && va > L.v_V && vb <= L.v_V) return true;
    return false;
  };

  double h = t_stop - s.t_s;
  for (int guard = 0; guard < 10000000 && s.t_s < t_stop; ++guard) {
    h = std::min(h, t_stop - s.t_s);
    const double y0[kN] = {energy_state ? energy_J(s.v_V) : s.v_V, 0.0, 0.0, 0.0, 0.0, 0.0};
    double y1[kN];
    const double err = rk(s.t_s, y0, h, y1);
    const double tol = params_.rk_rtol * std::max(y0[0], y_ref);
    if (err > tol && h > 1e-15 * std::max(1.0, s.t_s)) {
      h *= std::max(0.1, 0.9 * std::pow(tol / err, 0.2));
      continue;
    }
    const double v1 = y1[0] < 0.0 ? -1.0 : volts(y1[0]);
    // Earliest level crossed inside the step: root of V(tau) - L by the Illinois method.
    const Level* hit = nullptr;
    double tau_hit = h;
    double y_hit[kN];
    for (const auto& L : lv) {
      if (!crosses(L, s.v_V, v1)) continue;
      double lo = 0.0, hi = tau_hit, glo = s.v_V - L.v_V;
      double yt[kN];
      rk(s.t_s, y0, hi, yt);
      double ghi = (yt[0] < 0.0 ? -1.0 : volts(yt[0])) - L.v_V;
      if ((glo < 0.0) == (ghi < 0.0) && ghi != 0.0) continue;  // not crossed before tau_hit
      int side = 0;
      for (int it = 0; it < 200 && hi - lo > 1e-15 * std::max(1.0, s.t_s + hi); ++it) {
        double mid = hi - ghi * (hi - lo) / (ghi - glo);
        if (!(mid > lo && mid < hi)) mid = 0.5 * (lo + hi);
        rk(s.t_s, y0, mid, yt);
        const double g = (yt[0] < 0.0 ? -1.0 : volts(yt[0])) - L.v_V;
        if ((g < 0.0) == (glo < 0.0) && g != 0.0) {
          lo = mid;
          glo = g;
          if (side == -1) ghi *= 0.5;
          side = -1;
        } else {
          hi = mid;
          ghi = g;
          if (side == +1) glo *= 0.5;
          side = +1;
        }
      }
      if (hit && !(hi < tau_hit)) continue;  // ties go to the level listed first
      hit = &L;
      tau_hit = hi;
      rk(s.t_s, y0, hi, y_hit);
    }
    const double* y_end = hit ? y_hit : y1;
    Books& b = s.books;
    b.harvested_J += y_end[1];
    b.delivered_J += y_end[2];
    b.converter_loss_J += y_end[3];
    b.leaked_J += y_end[4];
    s.rail_Vs += y_end[5];
    if (hit) {
      s.v_V = hit->v_V;
      s.t_s = std::min(t_stop, s.t_s + tau_hit);
      return hit;
    }
    s.v_V = v1;
    s.t_s = (h >= t_stop - s.t_s) ? t_stop : s.t_s + h;
    h *= std::min(5.0, 0.9 * std::pow(tol / std::max(err, 1e-300), 0.2));
  }
  return nullptr;
}

bool SupplyCore::step_clipped(SupplyState& s, const Regime& r, double t_stop) const {
  const double v = params_.capacitor.rated_V;
  auto net = [&](double t) { return flows_at(r, v, t).net(); };
  if (net(s.t_s) < 0.0) {
    s.clipped = false;
    return false;
  }
  double t_end = t_stop;
  bool leaves = false;
  if (!r.autonomous && net(t_stop) < 0.0) {
    double lo = s.t_s, hi = t_stop;
    for (int it = 0; it < 200 && hi - lo > 1e-15 * std::max(1.0, hi); ++it) {
      const double mid = 0.5 * (lo + hi);
      (net(mid) >= 0.0 ? lo : hi) = mid;
    }
    t_end = hi;
    leaves = true;
  }
  // V is fixed, so flows depend on time only through the trace: 5-point Gauss-Legendre is exact
  // for the constant (hold) case and accurate for a linear trace through a smooth efficiency.
  static const double gx[5] = {-0.9061798459386640, -0.5384693101056831, 0.0, 0.5384693101056831,
                               0.9061798459386640};
  static const double gw[5] = {0.2369268850561891, 0.4786286704993665, 0.5688888888888889,
                               0.4786286704993665, 0.2369268850561891};
  const double half = 0.5 * (t_end - s.t_s), mid = 0.5 * (t_end + s.t_s);
  Flows acc;
  for (int i = 0; i < 5; ++i) {
    const Flows f = flows_at(r, v, mid + half * gx[i]);
    acc.h += gw[i] * half * f.h;
    acc.d += gw[i] * half * f.d;
    acc.c += gw[i] * half * f.c;
    acc.l += gw[i] * half * f.l;
    acc.rail_V += gw[i] * half * f.rail_V;
  }
  Books& b = s.books;
  b.harvested_J += acc.h;
  b.delivered_J += acc.d;
  b.converter_loss_J += acc.c;
  b.leaked_J += acc.l;
  b.clipped_J += acc.net();
  s.rail_Vs += acc.rail_V;
  s.t_s = t_end;
  if (leaves) s.clipped = false;
  return true;
}

bool SupplyCore::apply_level(SupplyState& s, const Level& l) const {
  switch (l.kind) {
    case LevelKind::pg_on:
      s.power_good = true;
      return true;
    case LevelKind::pg_off:
      s.power_good = false;
      return true;
    case LevelKind::warm:
      s.charger_warm = true;
      return false;
    case LevelKind::cold:
      s.charger_warm = false;
      return false;
    case LevelKind::clip:
      s.clipped = true;
      s.v_V = params_.capacitor.rated_V;
      return false;
    case LevelKind::rail:
      return false;
    case LevelKind::empty:
      s.empty = true;
      s.v_V = 0.0;
      return false;
  }
  return false;
}

void SupplyCore::report_not_finite(const SupplyState& s) const {
  const Books& b = s.books;
  std::ostringstream msg;
  msg.precision(17);
  msg << "internal error: the supply's state is no longer finite at t = " << s.t_s
      << " s: V = " << s.v_V << " V, harvested " << b.harvested_J << " J, delivered "
      << b.delivered_J << " J, converter loss " << b.converter_loss_J << " J, leaked " << b.leaked_J
      << " J, clipped " << b.clipped_J << " J (trace " << trace_->data().source << ")";
  throw std::logic_error(msg.str());
}

bool SupplyCore::advance(SupplyState& s, double t_end, SupplyEvent* event) const {
  LevelList lv;
  while (s.t_s < t_end) {
    const TraceSegment seg = trace_->segment_at(s.t_s);
    const double t_stop = std::min(t_end, seg.t1_s);
    if (s.empty) {
      // At 0 V the constant drains have stopped; the capacitor leaves 0 V once the harvest can
      // push current in, checked at both ends of the segment (exact for hold traces).
      auto lifts = [&](double t) {
        SupplyState probe = s;
        probe.t_s = t;
        probe.empty = false;
        const Regime r = make_regime(probe, seg);
        const double v_eps = 1e-9;
        const Flows f = flows_at(r, v_eps, t);
        return f.net() > 0.0;
      };
      if (lifts(s.t_s)) {
        s.empty = false;
      } else if (seg.slope_per_s != 0.0 && lifts(t_stop)) {
        double lo = s.t_s, hi = t_stop;
        for (int it = 0; it < 200 && hi - lo > 1e-15 * std::max(1.0, hi); ++it) {
          const double mid = 0.5 * (lo + hi);
          (lifts(mid) ? hi : lo) = mid;
        }
        s.t_s = hi;
        s.empty = false;
        continue;
      } else {
        s.t_s = t_stop;
        continue;
      }
    }
    const Regime r = make_regime(s, seg);
    if (s.clipped && step_clipped(s, r, t_stop)) {
      check_finite(s);
      continue;
    }
    levels(s, r, lv);
    const bool closed =
        r.autonomous && r.harvest_poly && r.load_poly && r.h.c0 - r.d.c0 - r.c.c0 - r.l.c0 == 0.0;
    const Level* hit = closed ? step_closed(s, r, lv, t_stop) : step_numeric(s, r, lv, t_stop);
    check_finite(s);
    bool pg_changed = false;
    if (hit) {
      pg_changed = apply_level(s, *hit);
      // Other levels at the same voltage, crossed in the same direction, fire together.
      for (const auto& L : lv) {
        if (&L != hit && L.v_V == hit->v_V && L.dir != 0 && L.dir == hit->dir) {
          pg_changed = apply_level(s, L) || pg_changed;
        }
      }
    }
    if (pg_changed && event) {
      event->t_s = s.t_s;
      event->kind =
          s.power_good ? SupplyEventKind::power_good_rise : SupplyEventKind::power_good_fall;
      return true;
    }
  }
  return false;
}

}  // namespace ehsim::energy

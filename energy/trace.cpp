#include "energy/trace.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

namespace ehsim::energy {

Trace::Trace(TraceData data, TraceOptions options) : data_(std::move(data)), options_(options) {
  if (data_.time_s.empty()) throw TraceError(data_.source + ": empty trace: no samples");
  if (!(options_.time_scale > 0.0) || !std::isfinite(options_.time_scale)) {
    throw TraceError(data_.source + ": time_scale must be a positive number");
  }
  if (!std::isfinite(options_.value_scale) || options_.value_scale < 0.0) {
    throw TraceError(data_.source + ": value_scale must be a non-negative number");
  }
  for (double& v : data_.value) {
    const double scaled = v * options_.value_scale;
    if (!std::isfinite(scaled)) {
      char msg[96];
      std::snprintf(msg, sizeof msg, ": value_scale %g makes the value %g overflow",
                    options_.value_scale, v);
      throw TraceError(data_.source + msg);
    }
    v = scaled;
  }
  const std::size_t n = data_.time_s.size();
  if (options_.loop && n >= 2) {
    // The last sample holds for one mean sample period before the trace repeats.
    const double span = data_.time_s.back() - data_.time_s.front();
    loop_period_s_ = span + span / static_cast<double>(n - 1);
  } else {
    options_.loop = false;
  }
}

double Trace::to_trace_time(double t_s) const {
  return options_.start_offset_s + t_s / options_.time_scale;
}

double Trace::to_sim_time(double tau_s) const {
  return (tau_s - options_.start_offset_s) * options_.time_scale;
}

double Trace::duration_s() const {
  const double last = options_.loop ? data_.time_s.front() + loop_period_s_ : data_.time_s.back();
  return std::max(0.0, to_sim_time(last));
}

TraceSegment Trace::segment_at(double t_s) const {
  const auto& T = data_.time_s;
  const auto& V = data_.value;
  const std::size_t n = T.size();
  const bool linear = options_.interpolation == Interpolation::linear;
  constexpr double kInf = std::numeric_limits<double>::infinity();
  TraceSegment seg;

  double tau = to_trace_time(t_s);
  double shift_tau = 0.0;  // trace time added by whole loop repetitions
  if (tau < T.front()) {
    // Before the first sample the first value holds (traces/FORMATS.md "Rules"). The segment
    // starts at t_s, not at -infinity: value_at() would compute 0 * infinity there.
    seg.t0_s = t_s;
    seg.t1_s = to_sim_time(T.front());
    seg.v0 = V.front();
    if (seg.t1_s > t_s) return seg;
    tau = T.front();  // rounding put t_s on the first sample
  }
  if (options_.loop) {
    const double k = std::floor((tau - T.front()) / loop_period_s_);
    shift_tau = k * loop_period_s_;
    tau -= shift_tau;
  }
  // Index of the last sample at or before tau.
  std::size_t i = static_cast<std::size_t>(std::upper_bound(T.begin(), T.end(), tau) - T.begin());
  i = i == 0 ? 0 : i - 1;
  for (;;) {
    double tau_next;
    double v_next;
    if (i + 1 < n) {
      tau_next = T[i + 1];
      v_next = V[i + 1];
    } else if (options_.loop) {
      tau_next = T.front() + loop_period_s_;
      v_next = V.front();
    } else {
      tau_next = kInf;
      v_next = V[i];
    }
    seg.t0_s = to_sim_time(T[i] + shift_tau);
    seg.t1_s = std::isinf(tau_next) ? kInf : to_sim_time(tau_next + shift_tau);
    seg.v0 = V[i];
    seg.slope_per_s = 0.0;
    if (linear && !std::isinf(seg.t1_s)) seg.slope_per_s = (v_next - V[i]) / (seg.t1_s - seg.t0_s);
    if (seg.t1_s > t_s) break;
    // Rounding of the time mapping placed t_s on the next sample: move on.
    if (i + 1 < n) {
      ++i;
    } else {
      i = 0;
      shift_tau += loop_period_s_;
    }
  }
  if (seg.t0_s > t_s) {
    // Rounding in the other direction: start the segment at t_s with the value it has there.
    seg.v0 = seg.value_at(t_s);
    seg.t0_s = t_s;
  }
  return seg;
}

}  // namespace ehsim::energy

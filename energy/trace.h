// Energy-harvesting traces: one quantity sampled over time, converted to SI on reading, replayed
// with an offset, time and value scaling, optional looping, and hold or linear interpolation.
// The file formats are documented in traces/FORMATS.md.
#pragma once

#include <istream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ehsim::energy {

// What the samples measure; values are stored in the SI unit in the name.
enum class Quantity { power_W, current_A, irradiance_W_per_m2, voltage_V };
const char* quantity_name(Quantity q);

// Bad trace input; what() names the file and line.
class TraceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TraceData {
  Quantity quantity = Quantity::power_W;
  std::vector<double> time_s;  // strictly increasing, as recorded (not shifted to zero)
  std::vector<double> value;   // SI, finite, >= 0 except voltage
  std::string source;          // file name for messages
};

// Readers take the stream and the name used in error messages.
TraceData read_react_rf(std::istream& in, const std::string& name);     // "sec RSSI,mW" text
TraceData read_nrel_srrl(std::istream& in, const std::string& name);    // NREL SRRL BMS 1-min CSV
TraceData read_enhants(std::istream& in, const std::string& name);      // EnHANTs µW/cm² table
TraceData read_generic_csv(std::istream& in, const std::string& name);  // time_s,<quantity>_<unit>

// format: "auto" (by extension and header), "react_rf", "nrel_srrl", "enhants", "csv".
TraceData read_trace_file(const std::string& path, const std::string& format = "auto");

enum class Interpolation { hold, linear };

struct TraceOptions {
  double start_offset_s = 0.0;  // trace time that plays at simulated time 0
  double time_scale = 1.0;      // simulated seconds per trace second (2 = play half as fast)
  double value_scale = 1.0;     // multiplies every value
  bool loop = false;            // repeat the trace; otherwise the last value holds forever
  Interpolation interpolation = Interpolation::hold;
};

// A stretch of simulated time over which the trace is one constant (hold) or one straight line
// (linear): value(t) = v0 + slope_per_s * (t - t0) for t in [t0, t1). t0 is always finite (a
// segment that reaches back to -infinity is cut at the time asked for); t1 may be +infinity.
struct TraceSegment {
  double t0_s = 0.0;
  double t1_s = 0.0;
  double v0 = 0.0;
  double slope_per_s = 0.0;
  double value_at(double t_s) const { return v0 + slope_per_s * (t_s - t0_s); }
};

class Trace {
 public:
  Trace(TraceData data, TraceOptions options);

  Quantity quantity() const { return data_.quantity; }
  const TraceData& data() const { return data_; }
  const TraceOptions& options() const { return options_; }

  // The segment containing simulated time t_s (t_s >= 0). Before the first sample the first
  // value holds. Segment ends are the simulated times of samples (the harvester is piecewise
  // constant or linear between them).
  TraceSegment segment_at(double t_s) const;
  double value_at(double t_s) const { return segment_at(t_s).value_at(t_s); }

  // Simulated time of the last sample (one loop period when looping).
  double duration_s() const;

 private:
  // Maps simulated time to trace time and back, ignoring looping.
  double to_trace_time(double t_s) const;
  double to_sim_time(double tau_s) const;

  TraceData data_;
  TraceOptions options_;
  double loop_period_s_ = 0.0;  // trace seconds per repetition when looping
};

}  // namespace ehsim::energy

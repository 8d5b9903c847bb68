// Readers for the recorded trace formats (traces/FORMATS.md). Every rejection names file:line.
#include "energy/trace_readers.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "energy/trace.h"

namespace ehsim::energy {

namespace {

std::string trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

[[noreturn]] void fail(const std::string& name, std::size_t line, const std::string& what) {
  throw TraceError(name + ":" + std::to_string(line) + ": " + what);
}

// Parses a whole field as a number; NaN/inf and trailing junk are errors.
double parse_number(const std::string& field, const std::string& name, std::size_t line,
                    const char* column) {
  const std::string f = trim(field);
  if (f.empty()) fail(name, line, std::string("missing value in column '") + column + "'");
  char* end = nullptr;
  const double v = std::strtod(f.c_str(), &end);
  if (end == f.c_str() || *end != '\0') {
    fail(name, line, std::string("column '") + column + "': expected a number, got '" + f + "'");
  }
  if (!std::isfinite(v)) fail(name, line, std::string("column '") + column + "' is " + f);
  return v;
}

// Reads lines the way std::getline does, but at most kMaxTraceLineBytes per line and
// kMaxTraceFileBytes in all, so that an endless input (/dev/zero, a pipe) is rejected with an
// error naming the limit instead of filling memory or running forever.
class LineReader {
 public:
  LineReader(std::istream& in, const std::string& name)
      : in_(in), name_(name), buf_(kMaxTraceLineBytes + 2) {}

  bool next(std::string& line) {
    line.clear();
    if (!in_.good()) return false;
    // Stores up to kMaxTraceLineBytes + 1 characters, so that a longer line shows up.
    in_.getline(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    const auto got = static_cast<std::uint64_t>(in_.gcount());  // with the '\n' if extracted
    if (got == 0) return false;
    ++lines_;
    bytes_ += got;
    if (bytes_ > kMaxTraceFileBytes) {
      fail(name_, lines_,
           "the trace is longer than the limit of " + std::to_string(kMaxTraceFileBytes) +
               " bytes (kMaxTraceFileBytes, traces/FORMATS.md)");
    }
    // failbit with characters extracted: the buffer filled before a line end.
    const bool delimited = !in_.fail() && !in_.eof();
    const std::size_t stored = delimited ? got - 1 : got;
    if (in_.fail() || stored > kMaxTraceLineBytes) {
      fail(name_, lines_,
           "line longer than the limit of " + std::to_string(kMaxTraceLineBytes) +
               " bytes (kMaxTraceLineBytes, traces/FORMATS.md); is this a trace file?");
    }
    line.assign(buf_.data(), stored);
    return true;
  }

 private:
  std::istream& in_;
  const std::string& name_;
  std::vector<char> buf_;
  std::uint64_t bytes_ = 0;
  std::size_t lines_ = 0;
};

// A whole field as a decimal integer of 1..max_digits digits in [lo, hi], else an error that
// names the column, the part (e.g. "month") and the accepted range.
long parse_int_part(const std::string& text, const std::string& name, std::size_t line,
                    const char* column, const char* part, std::size_t max_digits, long lo,
                    long hi) {
  const std::string f = trim(text);
  bool digits = !f.empty() && f.size() <= max_digits;
  for (const char c : f) digits = digits && std::isdigit(static_cast<unsigned char>(c));
  long v = 0;
  if (digits) v = std::strtol(f.c_str(), nullptr, 10);
  if (!digits || v < lo || v > hi) {
    fail(name, line,
         std::string("column '") + column + "': " + part + " '" + f + "' is not an integer in " +
             std::to_string(lo) + ".." + std::to_string(hi));
  }
  return v;
}

bool leap_year(long y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

long days_in_month(long y, long m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap_year(y) ? 29 : kDays[m - 1];
}

std::string num(double v) {
  std::ostringstream o;
  o.precision(12);
  o << v;
  return o.str();
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream ss(s);
  while (std::getline(ss, cur, sep)) out.push_back(cur);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

std::vector<std::string> split_ws(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream ss(s);
  std::string w;
  while (ss >> w) out.push_back(w);
  return out;
}

// Appends one sample, enforcing strictly increasing time and non-negative values for every
// quantity but voltage.
void append(TraceData& d, double t_s, double v, std::size_t line) {
  if (!d.time_s.empty() && !(t_s > d.time_s.back())) {
    fail(d.source, line,
         "time " + num(t_s) + " s is not after the previous sample's " + num(d.time_s.back()) +
             " s (time must increase strictly)");
  }
  if (v < 0.0 && d.quantity != Quantity::voltage_V) {
    fail(d.source, line, std::string("negative ") + quantity_name(d.quantity) + " " + num(v));
  }
  d.time_s.push_back(t_s);
  d.value.push_back(v);
}

void require_samples(const TraceData& d, std::size_t lines) {
  if (d.time_s.empty()) fail(d.source, lines, "empty trace: no samples");
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
long days_from_civil(long y, long m, long d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::string strip_cr(std::string s) {
  if (!s.empty() && s.back() == '\r') s.pop_back();
  return s;
}

}  // namespace

const char* quantity_name(Quantity q) {
  switch (q) {
    case Quantity::power_W:
      return "power";
    case Quantity::current_A:
      return "current";
    case Quantity::irradiance_W_per_m2:
      return "irradiance";
    case Quantity::voltage_V:
      return "voltage";
  }
  return "?";
}

TraceData read_react_rf(std::istream& in, const std::string& name) {
  TraceData d;
  d.quantity = Quantity::power_W;
  d.source = name;
  std::string line;
  std::size_t n = 0;
  LineReader lines(in, name);
  while (lines.next(line)) {
    ++n;
    line = trim(strip_cr(line));
    if (n == 1) {
      // REACT artifact header: "sec RSSI,mW".
      if (line != "sec RSSI,mW") fail(name, n, "expected header 'sec RSSI,mW', got '" + line + "'");
      continue;
    }
    if (line.empty()) continue;
    const auto f = split_ws(line);
    if (f.size() < 2) fail(name, n, "missing column 'RSSI,mW' (expected: seconds <tab> mW)");
    const double t = parse_number(f[0], name, n, "sec");
    const double p_mW = parse_number(f[1], name, n, "RSSI,mW");
    append(d, t, p_mW * 1e-3, n);
  }
  if (n == 0) fail(name, 1, "empty file");
  require_samples(d, n);
  return d;
}

TraceData read_nrel_srrl(std::istream& in, const std::string& name) {
  TraceData d;
  d.quantity = Quantity::irradiance_W_per_m2;
  d.source = name;
  std::string line;
  std::size_t n = 0;
  int ghi_col = -1, date_col = -1, time_col = -1;
  long first_day = 0;
  LineReader lines(in, name);
  while (lines.next(line)) {
    ++n;
    line = strip_cr(line);
    if (n == 1) continue;  // station metadata (id, name, state, UTC offset, lat, lon, elevation)
    if (n == 2) {
      const auto h = split(line, ',');
      for (std::size_t i = 0; i < h.size(); ++i) {
        const std::string c = trim(h[i]);
        if (c == "GHI (W/m^2)") ghi_col = static_cast<int>(i);
        if (c == "Date (MM/DD/YYYY)") date_col = static_cast<int>(i);
        if (c == "Time (HH:MM)") time_col = static_cast<int>(i);
      }
      if (ghi_col < 0) fail(name, n, "missing column 'GHI (W/m^2)' in the header");
      if (date_col < 0) fail(name, n, "missing column 'Date (MM/DD/YYYY)' in the header");
      if (time_col < 0) fail(name, n, "missing column 'Time (HH:MM)' in the header");
      continue;
    }
    if (trim(line).empty()) continue;
    const auto f = split(line, ',');
    const int need = std::max(ghi_col, std::max(date_col, time_col));
    if (static_cast<int>(f.size()) <= need) fail(name, n, "missing column 'GHI (W/m^2)'");
    const std::string date = trim(f[date_col]);
    const auto p1 = date.find('/'), p2 = date.rfind('/');
    if (p1 == std::string::npos || p2 == p1) fail(name, n, "date '" + date + "' is not MM/DD/YYYY");
    const char* kDate = "Date (MM/DD/YYYY)";
    const long month = parse_int_part(date.substr(0, p1), name, n, kDate, "month", 2, 1, 12);
    const long year = parse_int_part(date.substr(p2 + 1), name, n, kDate, "year", 4, 1, 9999);
    const long mday = parse_int_part(date.substr(p1 + 1, p2 - p1 - 1), name, n, kDate, "day", 2, 1,
                                     days_in_month(year, month));
    const long day = days_from_civil(year, month, mday);
    if (d.time_s.empty()) first_day = day;
    const std::string hm = trim(f[time_col]);
    const auto colon = hm.find(':');
    if (colon == std::string::npos) fail(name, n, "time '" + hm + "' is not HH:MM");
    const char* kTime = "Time (HH:MM)";
    const long hh = parse_int_part(hm.substr(0, colon), name, n, kTime, "hour", 2, 0, 24);
    const long mm = parse_int_part(hm.substr(colon + 1), name, n, kTime, "minute", 2, 0, 59);
    if (hh == 24 && mm != 0)
      fail(name, n, "time '" + hm + "': hour 24 is only allowed as 24:00 (the end of a day)");
    // Seconds since midnight of the first day (local standard time); "24:00" ends a day.
    const double t =
        static_cast<double>(day - first_day) * 86400.0 + static_cast<double>(hh * 3600 + mm * 60);
    const double ghi = parse_number(f[ghi_col], name, n, "GHI (W/m^2)");
    if (ghi == -9900.0) fail(name, n, "GHI is missing (-9900)");
    append(d, t, ghi, n);
  }
  if (n == 0) fail(name, 1, "empty file");
  if (n == 1) fail(name, 1, "missing header line");
  require_samples(d, n);
  return d;
}

TraceData read_enhants(std::istream& in, const std::string& name) {
  TraceData d;
  d.quantity = Quantity::irradiance_W_per_m2;
  d.source = name;
  std::string line;
  std::size_t n = 0;
  LineReader lines(in, name);
  while (lines.next(line)) {
    ++n;
    line = trim(strip_cr(line));
    if (line.empty()) continue;
    const auto f = split_ws(line);
    if (f.size() < 2) fail(name, n, "missing column 2 (irradiance in uW/cm^2)");
    const double t = parse_number(f[0], name, n, "elapsed seconds");
    const double e_uW_per_cm2 = parse_number(f[1], name, n, "irradiance uW/cm^2");
    append(d, t, e_uW_per_cm2 * 0.01, n);  // 1 uW/cm^2 = 1e-6 W / 1e-4 m^2 = 0.01 W/m^2
  }
  if (n == 0) fail(name, 1, "empty file");
  require_samples(d, n);
  return d;
}

namespace {

// Generic CSV value column "<quantity>_<unit>" → quantity and factor to SI.
bool generic_column(const std::string& col, Quantity& q, double& factor) {
  struct Unit {
    const char* column;
    Quantity q;
    double factor;
  };
  static const Unit kUnits[] = {
      {"power_W", Quantity::power_W, 1.0},
      {"power_mW", Quantity::power_W, 1e-3},
      {"power_uW", Quantity::power_W, 1e-6},
      {"current_A", Quantity::current_A, 1.0},
      {"current_mA", Quantity::current_A, 1e-3},
      {"current_uA", Quantity::current_A, 1e-6},
      {"irradiance_W_per_m2", Quantity::irradiance_W_per_m2, 1.0},
      {"irradiance_uW_per_cm2", Quantity::irradiance_W_per_m2, 0.01},
      {"voltage_V", Quantity::voltage_V, 1.0},
      {"voltage_mV", Quantity::voltage_V, 1e-3},
  };
  for (const auto& u : kUnits) {
    if (col == u.column) {
      q = u.q;
      factor = u.factor;
      return true;
    }
  }
  return false;
}

}  // namespace

TraceData read_generic_csv(std::istream& in, const std::string& name) {
  TraceData d;
  d.source = name;
  std::string line;
  std::size_t n = 0;
  bool have_header = false;
  double factor = 1.0;
  std::string value_col;
  LineReader lines(in, name);
  while (lines.next(line)) {
    ++n;
    line = trim(strip_cr(line));
    if (line.empty() || line[0] == '#') continue;
    const auto f = split(line, ',');
    if (!have_header) {
      if (f.size() != 2 || trim(f[0]) != "time_s") {
        fail(name, n, "expected header 'time_s,<quantity>_<unit>', got '" + line + "'");
      }
      value_col = trim(f[1]);
      if (!generic_column(value_col, d.quantity, factor)) {
        fail(name, n,
             "unknown quantity/unit column '" + value_col +
                 "' (expected power_W|power_mW|power_uW|current_A|current_mA|current_uA|"
                 "irradiance_W_per_m2|irradiance_uW_per_cm2|voltage_V|voltage_mV)");
      }
      have_header = true;
      continue;
    }
    if (f.size() < 2) fail(name, n, "missing column '" + value_col + "'");
    if (f.size() > 2) fail(name, n, "expected 2 columns, got " + std::to_string(f.size()));
    const double t = parse_number(f[0], name, n, "time_s");
    const double v = parse_number(f[1], name, n, value_col.c_str());
    append(d, t, v * factor, n);
  }
  if (!have_header) fail(name, n == 0 ? 1 : n, "empty file: no header 'time_s,<quantity>_<unit>'");
  require_samples(d, n);
  return d;
}

namespace {

TraceData read_trace_stream(std::ifstream& in, const std::string& path, const std::string& format) {
  std::string fmt = format;
  if (fmt == "auto") {
    auto ends_with = [&](const char* suffix) {
      const std::string s(suffix);
      return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
    };
    std::string first;
    LineReader(in, path).next(first);
    first = trim(strip_cr(first));
    // Reopened rather than rewound: seekg fails on a pipe or a device.
    in.close();
    in.open(path, std::ios::binary);
    if (!in) throw TraceError(path + ": cannot open trace file");
    if (ends_with(".trace") || first == "sec RSSI,mW") {
      fmt = "react_rf";
    } else if (first.rfind("time_s,", 0) == 0 || first.rfind("#", 0) == 0) {
      fmt = "csv";
    } else if (ends_with(".csv")) {
      fmt = "nrel_srrl";
    } else if (ends_with(".txt")) {
      fmt = "enhants";
    } else {
      throw TraceError(path +
                       ":1: cannot tell the trace format from the name or header; set "
                       "\"format\" to react_rf, nrel_srrl, enhants or csv");
    }
  }
  if (fmt == "react_rf") return read_react_rf(in, path);
  if (fmt == "nrel_srrl") return read_nrel_srrl(in, path);
  if (fmt == "enhants") return read_enhants(in, path);
  if (fmt == "csv") return read_generic_csv(in, path);
  throw TraceError(path + ": unknown trace format '" + format +
                   "' (expected auto, react_rf, nrel_srrl, enhants or csv)");
}

}  // namespace

TraceData read_trace_file(const std::string& path, const std::string& format) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (fs::is_directory(st)) throw TraceError(path + ": is a directory, expected a trace file");
  // A regular file over the limit is refused before reading; other files (pipes, devices) are
  // bounded while they are read.
  if (fs::is_regular_file(st)) {
    const auto bytes = fs::file_size(path, ec);
    if (!ec && bytes > kMaxTraceFileBytes) {
      throw TraceError(path + ": " + std::to_string(bytes) + " bytes is longer than the limit of " +
                       std::to_string(kMaxTraceFileBytes) +
                       " bytes for a trace (kMaxTraceFileBytes, traces/FORMATS.md)");
    }
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TraceError(path + ": cannot open trace file");
  try {
    return read_trace_stream(in, path, format);
  } catch (const std::ios_base::failure& e) {
    throw TraceError(path + ": cannot read the trace file (" + e.what() + ")");
  }
}

}  // namespace ehsim::energy

#include "sim/cli/progress_line.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace ehsim {

ProgressLine::ProgressLine(bool enabled) : enabled_(enabled) {
  start_ = last_ = std::chrono::steady_clock::now();
}

bool ProgressLine::due(bool force) {
  if (!enabled_) return false;
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_ < std::chrono::milliseconds(200)) return false;
  last_ = now;
  return true;
}

void ProgressLine::draw(double fraction, const std::string& text) {
  constexpr int kWidth = 24;
  const double clamped = std::isfinite(fraction) ? std::clamp(fraction, 0.0, 1.0) : 0.0;
  std::string bar(size_t(clamped * kWidth), '#');
  bar.resize(kWidth, ' ');
  std::cerr << "\r[" << bar << "] " << text << std::flush;
  drew_ = true;
}

void ProgressLine::finish() {
  if (drew_) std::cerr << '\n';
  drew_ = false;
}

double ProgressLine::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string format_duration(double s) {
  char buf[32];
  if (s < 0 || !std::isfinite(s)) return "?";
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%.0fs", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%dm%02ds", int(s / 60), int(s) % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%dh%02dm", int(s / 3600), int(s / 60) % 60);
  }
  return buf;
}

}  // namespace ehsim

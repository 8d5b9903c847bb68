// The one-line progress display of `ehsim run` and `ehsim sweep` on stderr: a bar and a status
// text, redrawn in place ("\r") at most five times a second so a fast run is not slowed by its
// terminal, and ended with a newline when the run finishes.
#pragma once

#include <chrono>
#include <string>

namespace ehsim {

class ProgressLine {
 public:
  explicit ProgressLine(bool enabled);

  // True when a redraw is wanted now: the line is enabled and 200 ms have passed since the last
  // redraw, or `force`. Callers build their text only then.
  bool due(bool force);
  // Draws "[####    ] text" with the bar filled to `fraction` (clamped to 0..1).
  void draw(double fraction, const std::string& text);
  // Ends the line with a newline if anything was drawn.
  void finish();
  bool drew() const { return drew_; }
  // Host seconds since construction.
  double elapsed_s() const;

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point start_, last_;
  bool drew_ = false;
};

// "42s", "3m07s", "2h05m"; "?" for a negative or non-finite value.
std::string format_duration(double s);

}  // namespace ehsim

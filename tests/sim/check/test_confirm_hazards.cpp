// A hazard is confirmed when an injected run that failed inside one of its windows diverged. The
// driver keeps divergent runs as stretches of consecutive planned points, and each window the
// points that fell inside it; these cases are worked out by hand on the ordinals.
#include <catch2/catch.hpp>

#include "sim/check/check_report.h"

namespace {

ehsim::Hazard hazard_with_window(uint64_t first_point, uint64_t last_point) {
  ehsim::Hazard h;
  ehsim::Hazard::Window w;
  w.start = 100;
  w.end = 200;
  w.first_point = first_point;
  w.last_point = last_point;
  w.has_points = true;
  h.windows.push_back(w);
  return h;
}

bool confirmed(ehsim::Hazard h, const std::map<uint64_t, ehsim::DivergentStretch>& stretches) {
  std::vector<ehsim::Hazard> hazards{std::move(h)};
  ehsim::confirm_hazards(hazards, stretches);
  return hazards[0].confirmed;
}

}  // namespace

TEST_CASE("check: a divergent point inside a window confirms its hazard, one outside does not",
          "[check]") {
  // Points 10..12 and 20 diverged.
  const std::map<uint64_t, ehsim::DivergentStretch> stretches{{10, {10, 12, 1000, 1010}},
                                                              {20, {20, 20, 1100, 1100}}};
  CHECK(confirmed(hazard_with_window(5, 10), stretches));   // shares point 10
  CHECK(confirmed(hazard_with_window(12, 15), stretches));  // shares point 12
  CHECK(confirmed(hazard_with_window(11, 11), stretches));  // inside the stretch
  CHECK(confirmed(hazard_with_window(8, 30), stretches));   // contains both
  CHECK(confirmed(hazard_with_window(20, 20), stretches));
  CHECK_FALSE(confirmed(hazard_with_window(13, 19), stretches));  // between them
  CHECK_FALSE(confirmed(hazard_with_window(0, 9), stretches));
  CHECK_FALSE(confirmed(hazard_with_window(21, 40), stretches));
  CHECK_FALSE(confirmed(hazard_with_window(0, 40), {}));
  // A window no injection point fell into cannot be confirmed, whatever its cycles.
  ehsim::Hazard empty = hazard_with_window(10, 12);
  empty.windows[0].has_points = false;
  CHECK_FALSE(confirmed(empty, stretches));
}

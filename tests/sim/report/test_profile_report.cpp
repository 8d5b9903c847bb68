// The profile section's flame graph (sim/report/report_profile.*): box widths are cycles in
// proportion to the whole, callers below callees, one box per distinct call path.
#include <catch2/catch.hpp>
#include <string>

#include "sim/report/report_profile.h"

namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("the flame graph draws one box per call path, as wide as its cycles", "[profile]") {
  // main runs 100 cycles itself, calls a (200 in all, 50 of them in b) and b (100); plus an ISR.
  const std::string folded =
      "main 100\nmain;a 150\nmain;a;b 50\nmain;b 100\nisr 400\n";  // 800 cycles in all
  const std::string svg = ehsim::render_flame_graph(folded, 800);
  // Root, main, isr, main;a, main;a;b, main;b.
  CHECK(count(svg, "<rect") == 6);
  CHECK(svg.find("<title>all (800 cycles)</title><rect x=\"0\" y=\"") != std::string::npos);
  // 1 px per cycle: isr 400 wide, main 400 (100 + 200 + 100), a 200 starting at main's left.
  CHECK(svg.find("<title>isr (400 cycles)</title><rect x=\"0\"") != std::string::npos);
  CHECK(svg.find("<title>main (400 cycles)</title><rect x=\"400\"") != std::string::npos);
  CHECK(svg.find("<title>a (200 cycles)</title><rect x=\"400\"") != std::string::npos);
  CHECK(svg.find("<title>b (100 cycles)</title><rect x=\"600\"") != std::string::npos);
  CHECK(svg.find("width=\"200\"") != std::string::npos);
  // Depth 3 below the root: 4 rows; callers below callees (the root at the bottom).
  CHECK(svg.find("height=\"72\"") != std::string::npos);
  CHECK(ehsim::render_flame_graph("", 800).empty());
  CHECK(ehsim::render_flame_graph("not folded\n", 800).empty());
}

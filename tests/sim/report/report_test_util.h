// Helpers of the report tests: figures in the page against summary.json, and a probe that runs
// a measuring script in headless Chromium (the rendered page's geometry, not the SVG's numbers).
#pragma once

#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/sim/sweep/sweep_test_util.h"

namespace reporttest {

using nlohmann::json;

inline size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

inline std::string unescape(std::string s) {
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}}) {
    for (size_t at; (at = s.find(from)) != std::string::npos;) s.replace(at, from.size(), to);
  }
  return s;
}

inline std::string six(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

inline const json& at_path(const json& j, const std::string& dotted) {
  static const json kNull;
  const json* cur = &j;
  std::stringstream ss(dotted);
  for (std::string part; std::getline(ss, part, '.');) {
    if (cur->is_array()) {
      cur = &(*cur)[std::stoul(part)];
    } else if (cur->contains(part)) {
      cur = &(*cur)[part];
    } else {
      return kNull;
    }
  }
  return *cur;
}

// Every <td data-key=K data-value=V>TEXT</td> of the DOM: V is K's exact JSON in `source` and
// TEXT its 6-digit rendering. Returns how many figures were checked.
inline size_t check_figures(const std::string& dom, const json& source,
                            const std::string& prefix = "") {
  static const std::regex cell(R"re(data-key="([^"]+)" data-value="([^"]*)">([^<]*)<)re");
  size_t n = 0;
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), cell); it != std::sregex_iterator();
       ++it) {
    std::string key = (*it)[1];
    if (!prefix.empty()) {
      if (key.rfind(prefix, 0) != 0) continue;
      key = key.substr(prefix.size());
    }
    const json& expected = source.contains(key) ? source[key] : at_path(source, key);
    const json shown = json::parse(unescape((*it)[2]));
    const std::string text = unescape((*it)[3]);
    INFO(key << " shown " << shown.dump() << " text '" << text << "'");
    CHECK(shown == expected);
    if (expected.is_number()) {
      CHECK(text == six(expected.get<double>()));
    } else if (expected.is_string()) {
      CHECK(text == expected.get<std::string>());
    }
    ++n;
  }
  return n;
}

// What headless Chromium measures on a report page at a 1280x900 window: the page's scroll
// width, and every overlap of a legend entry or threshold label with its plot's data area (the
// frame) or with another legend entry or label, from the rendered bounding boxes.
struct Probe {
  double scroll_width = -1, window_width = -1;
  int plots = 0;
  std::vector<std::string> overlaps;
};

inline Probe probe(const std::string& html_file) {
  static const char* kScript = R"js(<script>
(function () {
  const box = (e) => { const b = e.getBoundingClientRect();
                       return {l: b.left, t: b.top, r: b.right, b: b.bottom}; };
  const hit = (a, b) => a.l < b.r - 0.5 && b.l < a.r - 0.5 && a.t < b.b - 0.5 && b.t < a.b - 0.5;
  const r = {scroll_width: document.documentElement.scrollWidth, window_width: window.innerWidth,
             plots: 0, overlaps: []};
  for (const svg of document.querySelectorAll('svg.plot')) {
    const frame = svg.querySelector('rect.frame');
    if (!frame) continue;
    r.plots++;
    const f = box(frame);
    const keys = [...svg.querySelectorAll('g.legend text, g.legend rect, text.threshold-label')];
    keys.forEach((k, i) => {
      const name = svg.dataset.plot + ': ' + (k.textContent || k.getAttribute('class') || 'key');
      if (hit(box(k), f)) r.overlaps.push(name + ' over the plot area');
      keys.slice(i + 1).forEach((o) => {
        if (hit(box(k), box(o))) r.overlaps.push(name + ' over ' + (o.textContent || 'a key'));
      });
    });
  }
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(r);
  document.body.appendChild(pre);
})();
</script>)js";
  std::string html = sweeptest::read(html_file);
  const size_t at = html.rfind("</body>");
  REQUIRE(at != std::string::npos);
  html.insert(at, kScript);
  const std::string copy = html_file + ".probe.html";
  std::ofstream(copy, std::ios::binary) << html;
  const std::string dom =
      sweeptest::chromium("--window-size=1280,900 --dump-dom " + sweeptest::q("file://" + copy));
  static const std::regex pre(R"(<pre id="probe">([^<]*)</pre>)");
  std::smatch m;
  Probe p;
  REQUIRE(std::regex_search(dom, m, pre));
  const json j = json::parse(unescape(m[1]));
  p.scroll_width = j["scroll_width"].get<double>();
  p.window_width = j["window_width"].get<double>();
  p.plots = j["plots"].get<int>();
  for (const json& o : j["overlaps"]) p.overlaps.push_back(o.get<std::string>());
  return p;
}

}  // namespace reporttest

#include "sim/compare/comparison.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <set>

#include "sim/scenario/units.h"

namespace ehsim::compare {

using json = nlohmann::ordered_json;

namespace {

// Whether `v` holds an integer that int64 arithmetic takes exactly.
bool fits_int64(const json& v) {
  if (v.is_number_unsigned()) {
    return v.get<uint64_t>() <= uint64_t(std::numeric_limits<int64_t>::max() / 2);
  }
  if (v.is_number_integer()) {
    const int64_t i = v.get<int64_t>();
    return i >= std::numeric_limits<int64_t>::min() / 2 &&
           i <= std::numeric_limits<int64_t>::max() / 2;
  }
  return false;
}

// The rule of comparison.h: A's figures in A's order; each figure only in B follows the figure
// that precedes it in B (so a new marker's figures sit beside the other markers').
std::vector<FigureChange> merge(const std::vector<Figure>& a, const std::vector<Figure>& b,
                                bool is_function) {
  std::map<std::string, const json*> in_b;
  for (const Figure& f : b) in_b.emplace(f.path, &f.value);
  std::set<std::string> in_a;
  for (const Figure& f : a) in_a.insert(f.path);
  // B's new figures by the last figure before them that A has too ("" for none).
  std::map<std::string, std::vector<const Figure*>> after;
  std::string anchor;
  std::set<std::string> placed;
  for (const Figure& f : b) {
    if (in_a.count(f.path)) {
      anchor = f.path;
    } else if (placed.insert(f.path).second) {
      after[anchor].push_back(&f);
    }
  }
  std::vector<FigureChange> out;
  const auto add_new = [&](const std::string& key) {
    const auto it = after.find(key);
    if (it == after.end()) return;
    for (const Figure* f : it->second) {
      FigureChange c = figure_change(f->path, json(), f->value);
      c.presence = Presence::kOnlyB;
      c.is_function = is_function;
      out.push_back(std::move(c));
    }
    after.erase(it);
  };
  add_new("");
  std::set<std::string> done;
  for (const Figure& f : a) {
    if (!done.insert(f.path).second) continue;
    const auto it = in_b.find(f.path);
    FigureChange c = figure_change(f.path, f.value, it == in_b.end() ? json() : *it->second);
    if (it == in_b.end()) c.presence = Presence::kOnlyA;
    c.is_function = is_function;
    out.push_back(std::move(c));
    add_new(f.path);
  }
  return out;
}

}  // namespace

const char* to_string(Presence p) {
  switch (p) {
    case Presence::kBoth:
      return "both";
    case Presence::kOnlyA:
      return "removed";
    case Presence::kOnlyB:
      return "added";
  }
  return "?";
}

FigureChange figure_change(const std::string& path, const json& a, const json& b) {
  FigureChange c;
  c.path = path;
  c.a = a;
  c.b = b;
  if (!a.is_number() || !b.is_number()) return c;
  double delta = 0;
  if (fits_int64(a) && fits_int64(b)) {
    const int64_t d = b.get<int64_t>() - a.get<int64_t>();
    c.absolute = d;
    delta = double(d);
  } else {
    delta = b.get<double>() - a.get<double>();
    c.absolute = delta;
  }
  const double base = a.get<double>();
  if (base != 0) {
    c.relative = delta / std::fabs(base);
  } else if (delta == 0) {
    c.relative = 0.0;
  } else {
    c.relative = delta > 0 ? INFINITY : -INFINITY;
  }
  return c;
}

const FigureChange* Comparison::find(const std::string& path) const {
  for (const FigureChange& c : figures) {
    if (c.path == path) return &c;
  }
  return nullptr;
}

Comparison compare_runs(RunFigures a, RunFigures b) {
  Comparison cmp;
  const json va = a.summary.value("schema_version", json()),
             vb = b.summary.value("schema_version", json());
  if (va != vb) {
    throw InputError(b.dir + "/summary.json /schema_version: expected " + va.dump() + " as in " +
                     a.dir + "/summary.json, found " + vb.dump() +
                     " (summaries of different ehsim versions; re-run one of them)");
  }
  cmp.figures = merge(a.figures, b.figures, false);
  if (a.has_profile && b.has_profile) {
    for (FigureChange& c : merge(a.function_figures, b.function_figures, true)) {
      cmp.figures.push_back(std::move(c));
    }
    // Functions in the order of their figures (the same placement rule).
    std::map<std::string, const ProfiledFunction*> fa, fb;
    for (const ProfiledFunction& f : a.functions) fa.emplace(f.key, &f);
    for (const ProfiledFunction& f : b.functions) fb.emplace(f.key, &f);
    std::set<std::string> listed;
    for (const FigureChange& c : cmp.figures) {
      if (!c.is_function) continue;
      // function.KEY.FIELD: the key is all between the prefix and the last dot.
      const std::string key = c.path.substr(9, c.path.rfind('.') - 9);
      if (!listed.insert(key).second) continue;
      const auto ia = fa.find(key), ib = fb.find(key);
      const ProfiledFunction& shown = ib != fb.end() ? *ib->second : *ia->second;
      cmp.functions.push_back({key, shown.file, shown.line, c.presence});
    }
  } else if (a.has_profile != b.has_profile) {
    cmp.profile_note = "no per-function comparison: only " + (a.has_profile ? a.dir : b.dir) +
                       " has profile.json (run both with --profile)";
  } else {
    cmp.profile_note =
        "no per-function comparison: neither run has profile.json (run them "
        "with --profile)";
  }
  cmp.a = std::move(a);
  cmp.b = std::move(b);
  return cmp;
}

}  // namespace ehsim::compare

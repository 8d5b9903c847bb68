#include "sim/compare/threshold.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <set>

#include "sim/scenario/units.h"

namespace ehsim::compare {

namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

[[noreturn]] void bad(const std::string& text, const std::string& what) {
  throw InputError("--fail-if '" + text + "': " + what +
                   " (expected PATH OP CHANGE, e.g. 'energy.mcu_consumed_J > +5%' or "
                   "'mcu.cycles <= -1000'; OP one of > >= < <=)");
}

bool holds(double change, ThresholdOp op, double limit) {
  switch (op) {
    case ThresholdOp::kGreater:
      return change > limit;
    case ThresholdOp::kGreaterEqual:
      return change >= limit;
    case ThresholdOp::kLess:
      return change < limit;
    case ThresholdOp::kLessEqual:
      return change <= limit;
  }
  return false;
}

// Every valid path, for the error that names an unknown one: the summary's in full, the
// functions' as one pattern with the names.
std::string valid_names(const Comparison& cmp) {
  std::string out;
  for (const FigureChange& c : cmp.figures) {
    if (!c.is_function) out += "\n  " + c.path;
  }
  if (!cmp.functions.empty()) {
    out += "\n  function.NAME.FIELD with NAME one of:";
    for (const FunctionRow& f : cmp.functions) out += " " + f.key;
    out += "\n    and FIELD one of:";
    for (const char* field : kProfileFields) out += std::string(" ") + field;
  } else {
    out += "\n  (" + cmp.profile_note + ")";
  }
  return out;
}

}  // namespace

const char* to_string(ThresholdOp op) {
  switch (op) {
    case ThresholdOp::kGreater:
      return ">";
    case ThresholdOp::kGreaterEqual:
      return ">=";
    case ThresholdOp::kLess:
      return "<";
    case ThresholdOp::kLessEqual:
      return "<=";
  }
  return "?";
}

Threshold parse_threshold(const std::string& text) {
  Threshold t;
  t.text = text;
  const auto at = text.find_first_of("<>");
  if (at == std::string::npos) bad(text, "no comparison operator");
  t.path = trim(text.substr(0, at));
  if (t.path.empty()) bad(text, "no figure path before the operator");
  if (t.path.find_first_of(" \t!") != std::string::npos) {
    bad(text, "'" + t.path + "' is not a figure path");
  }
  size_t rest = at + 1;
  const bool or_equal = rest < text.size() && text[rest] == '=';
  if (or_equal) ++rest;
  t.op = text[at] == '>' ? (or_equal ? ThresholdOp::kGreaterEqual : ThresholdOp::kGreater)
                         : (or_equal ? ThresholdOp::kLessEqual : ThresholdOp::kLess);
  std::string value = trim(text.substr(rest));
  if (!value.empty() && value.back() == '%') {
    t.relative = true;
    value = trim(value.substr(0, value.size() - 1));
  }
  // A number as written by people: digits required (no "inf" or "nan"), an optional sign and
  // exponent.
  const bool has_digit = value.find_first_of("0123456789") != std::string::npos;
  const bool only_number_chars = value.find_first_not_of("0123456789+-.eE") == std::string::npos;
  char* end = nullptr;
  const double v = value.empty() ? 0 : std::strtod(value.c_str(), &end);
  if (value.empty() || !has_digit || !only_number_chars || *end != '\0' || !std::isfinite(v)) {
    bad(text, value.empty() ? "no change after the operator"
                            : "'" + value + "' is not a number or percentage");
  }
  t.limit = t.relative ? v / 100.0 : v;
  return t;
}

void check_threshold_paths(const std::vector<Threshold>& thresholds, const Comparison& cmp) {
  for (const Threshold& t : thresholds) {
    if (cmp.find(t.path)) continue;
    if (t.path.rfind("function.", 0) == 0 && cmp.functions.empty()) {
      throw InputError("--fail-if '" + t.text + "': " + t.path +
                       " is a per-function figure, and there are none: " + cmp.profile_note);
    }
    throw InputError("--fail-if '" + t.text + "': " + t.path +
                     " names no figure of the two runs; the valid names:" + valid_names(cmp));
  }
}

std::vector<ThresholdResult> evaluate_thresholds(const std::vector<Threshold>& thresholds,
                                                 const Comparison& cmp) {
  std::vector<ThresholdResult> out;
  for (const Threshold& t : thresholds) {
    ThresholdResult r;
    r.threshold = t;
    const FigureChange* c = cmp.find(t.path);
    if (!c) {
      r.note = "names no figure";
    } else if (c->presence != Presence::kBoth) {
      r.note = c->presence == Presence::kOnlyA ? "only in A" : "only in B";
    } else if (!c->absolute.is_number()) {
      r.note = std::string("no value in ") + (c->a.is_number() ? "B" : "A");
    } else {
      r.evaluated = true;
      r.change = t.relative ? *c->relative : c->absolute.get<double>();
      r.hit = holds(*r.change, t.op, t.limit);
    }
    out.push_back(r);
  }
  return out;
}

}  // namespace ehsim::compare

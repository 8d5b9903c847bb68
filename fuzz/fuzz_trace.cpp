// libFuzzer harness for one trace reader (EHSIM_FUZZ_TRACE_READER: read_react_rf, read_nrel_srrl,
// read_enhants or read_generic_csv of energy/trace_readers.cpp). Every input either reads, giving a
// trace that obeys the rules of traces/FORMATS.md, or is rejected with a TraceError naming the file
// and line.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "energy/trace.h"

namespace {

using ehsim::energy::TraceData;
using ehsim::energy::TraceError;

[[noreturn]] void broken(const char* what, std::size_t i) {
  std::fprintf(stderr, "fuzz_trace: accepted trace breaks a rule: %s (sample %zu)\n", what, i);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  TraceData d;
  try {
    d = ehsim::energy::EHSIM_FUZZ_TRACE_READER(in, "fuzz.trace");
  } catch (const TraceError& e) {
    const std::string m = e.what();
    if (m.rfind("fuzz.trace:", 0) != 0) broken("error does not start with file:line", 0);
    return 0;
  }
  if (d.time_s.empty() || d.time_s.size() != d.value.size()) broken("sample count", 0);
  if (d.source != "fuzz.trace") broken("source name", 0);
  for (std::size_t i = 0; i < d.time_s.size(); ++i) {
    if (!std::isfinite(d.time_s[i]) || !std::isfinite(d.value[i])) broken("not finite", i);
    if (i > 0 && !(d.time_s[i] > d.time_s[i - 1])) broken("time does not increase", i);
    if (d.value[i] < 0 && d.quantity != ehsim::energy::Quantity::voltage_V) {
      broken("negative value", i);
    }
  }
  return 0;
}

// Input limits of the trace readers (energy/trace_readers.cpp; the readers are declared in
// energy/trace.h). Documented in traces/FORMATS.md: an input over a limit is rejected with an
// error naming the file, the line and the limit, so that an endless input (/dev/zero, a pipe)
// can neither fill memory nor run forever.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ehsim::energy {

// Largest trace read (a year of NREL 1-minute data is about 100 MB).
inline constexpr std::uint64_t kMaxTraceFileBytes = std::uint64_t(256) << 20;
// Longest line of any trace format (recorded lines are at most a few hundred bytes).
inline constexpr std::size_t kMaxTraceLineBytes = 64 * 1024;

}  // namespace ehsim::energy

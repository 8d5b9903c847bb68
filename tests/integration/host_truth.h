// Host re-computations of the differential test programs in tests/firmware/ — an independent
// truth for both simulators. Each checker reads the program's result symbols from a memory image
// starting at `base` and reports mismatches with Catch2 CHECKs.
#ifndef EHSIM_TESTS_HOST_TRUTH_H
#define EHSIM_TESTS_HOST_TRUTH_H

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace fwtest {

// Resolves a symbol of the program under test to its offset in the dumped image.
using SymbolOffset = std::function<size_t(const std::string&)>;
using HostCheck = std::function<void(const std::vector<uint8_t>& image, const SymbolOffset& at)>;

// Programs that have a host truth, keyed by program name.
const std::map<std::string, HostCheck>& host_checks();

}  // namespace fwtest

#endif

// What `ehsim check` compares between the run on continuous power and each run with injected
// power failures (docs/check.md "Observables"):
//   exit     always: how the run ended and its exit code;
//   host_io  the last argument of every host_io marker id, and the host_io text written since
//            the last boot (text written before a power failure may be written again);
//   marker:ID  the last argument of one host_io marker id (a result, where others report progress);
//   uart     the UART text written since the last boot;
//   SYMBOL[:LEN] or ADDR:LEN   memory at the end of the run.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "mcu_model/mcu.h"
#include "sim/cli/exec_args.h"

namespace ehsim {

struct ObserveSet {
  bool host_io = true;  // on unless --observe lists others without host_io
  bool uart = false;
  std::set<uint16_t> markers;       // marker:ID (all of them with host_io)
  std::vector<DumpRequest> memory;  // resolved
};

// Parses --observe values ("host_io", "marker:ID", "uart", "exit", "SYMBOL[:LEN]", "ADDR:LEN")
// against the image.
// With none given: host_io. Throws InputError naming the value.
ObserveSet parse_observe(const std::vector<std::string>& values, const mcu::FirmwareImage& image);

struct Outcome {
  std::string end;  // mcu::to_string(ExitReason)
  int exit_code = 0;
  std::map<uint16_t, uint16_t> marker_last;   // marker id -> last argument
  std::string host_text, uart_text;           // since the last boot
  std::map<std::string, std::string> memory;  // observed range's key -> hex bytes
  uint64_t cycles = 0;

  nlohmann::ordered_json to_json() const;
  static Outcome from_json(const nlohmann::json& j);
};

// The outcome of the run `mcu` has just finished. `host_mark` and `uart_mark` are the text
// lengths at the last boot.
Outcome capture_outcome(mcu::Mcu& mcu, const ObserveSet& observe, size_t host_mark,
                        size_t uart_mark);

// One line per observable that differs, e.g. "exit: expected host_exit 0, got fault 0", in a
// fixed order; empty when they agree.
std::vector<std::string> differences(const Outcome& expected, const Outcome& actual,
                                     const ObserveSet& observe);

}  // namespace ehsim

// What the firmware makes observable outside the chip: GPIO output changes, UART text, host_io
// bytes and markers. Filled by the peripherals, read by sim/ writers and tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ehsim::mcu {

struct PortWrite {
  uint64_t cycle = 0;
  std::string port;  // "P1".."P8", "PJ"
  uint16_t value = 0;
};

struct Marker {
  uint64_t cycle = 0;
  uint16_t id = 0;
  uint16_t arg = 0;
};

struct OutputLog {
  std::vector<PortWrite> port_writes;
  std::string uart_text;  // bytes written to UCA0TXBUF while the eUSCI was enabled
  std::string host_text;  // bytes written to host_io OUT
  std::vector<Marker> markers;
  void clear() { *this = OutputLog{}; }
};

}  // namespace ehsim::mcu

// A GDB remote-serial-protocol server (`ehsim exec --gdb [HOST:]PORT`): msp430-elf-gdb connects
// with `target remote HOST:PORT` and debugs the simulated MCU as it would a device through a
// debug probe. Registers, memory, software and hardware breakpoints, single step, continue,
// Ctrl-C, write/read/access watchpoints, vCont, the target description, detach and kill;
// `monitor` commands for energy-aware debugging (docs/debug.md): energy, break power-fail | boot |
// voltage, charge, guard. While the target is halted the simulation does not advance
// (mcu_model/debug_port.h).
// One client per run; the run ends cleanly when the client disconnects.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "mcu_model/debug_port.h"
#include "mcu_model/mcu.h"
#include "sim/debug/energy_breaks.h"
#include "sim/debug/rsp_codec.h"
#include "sim/debug/supply_control.h"
#include "sim/run/firmware_symbols.h"

namespace ehsim {

class GdbServer : public mcu::DebugPort {
 public:
  // Listens on endpoint "PORT" or "HOST:PORT" (HOST defaults to 127.0.0.1; PORT 0 picks a free
  // one). Throws InputError when the endpoint is malformed or cannot be bound. Prints
  // "ehsim: waiting for GDB on HOST:PORT" on stderr once listening.
  // `supply` answers `monitor energy`/`charge` and voltage breaks (empty for ehsim exec).
  GdbServer(const std::string& endpoint, mcu::Mcu& mcu, const FirmwareSymbols& symbols,
            SupplyControl supply);
  ~GdbServer() override;
  GdbServer(const GdbServer&) = delete;
  GdbServer& operator=(const GdbServer&) = delete;

  uint16_t port() const { return port_; }

  mcu::DebugAction halted(mcu::HaltReason reason) override;
  mcu::HaltReason poll() override;
  bool breaks_on(mcu::HaltReason event) const override { return breaks_.breaks_on(event); }

 private:
  // Serves packets until one resumes the target; returns how.
  mcu::DebugAction serve();
  // The reply to one packet; empty optional when the packet resumes the target (*action set).
  bool handle(const std::string& packet, mcu::DebugAction* action);
  std::string monitor(const std::string& command);
  // Z2-Z4/z2-z4: adds or removes a watchpoint; false for a request the bus cannot watch.
  bool change_watchpoint(char type, bool insert, uint32_t addr, uint32_t len);
  // The stop reply for a halt: T05 with "watch:ADDR;" etc. for a watchpoint.
  std::string stop_reply(mcu::HaltReason reason);
  std::string read_registers();
  std::string read_memory(uint32_t addr, uint32_t len);
  void send(const std::string& payload);
  void send_console(const std::string& text);  // "O" packets: text on GDB's console
  bool receive();  // reads what the socket has (blocking); false when the client is gone
  void close_client();

  mcu::Mcu& mcu_;
  const FirmwareSymbols& symbols_;
  SupplyControl supply_;
  EnergyBreaks breaks_;
  int listen_fd_ = -1;
  int client_fd_ = -1;
  uint16_t port_ = 0;
  bool no_ack_ = false;
  bool pending_interrupt_ = false;
  rsp::Decoder decoder_;
  std::set<uint32_t> breakpoints_;
  struct Watch {
    char type;  // '2' write, '3' read, '4' access (GDB's Z packet types)
    uint32_t addr, len;
  };
  std::vector<Watch> watchpoints_;
};

}  // namespace ehsim

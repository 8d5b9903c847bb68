// A GDB remote-serial-protocol server (`ehsim exec --gdb [HOST:]PORT`): msp430-elf-gdb connects
// with `target remote HOST:PORT` and debugs the simulated MCU as it would a device through a
// debug probe. Registers, memory, software and hardware breakpoints, single step, continue,
// Ctrl-C, vCont, the target description, detach and kill; `monitor` commands for the energy
// view. While the target is halted the simulation does not advance (mcu_model/debug_port.h).
// One client per run; the run ends cleanly when the client disconnects.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>

#include "mcu_model/debug_port.h"
#include "mcu_model/mcu.h"
#include "sim/debug/rsp_codec.h"
#include "sim/run/firmware_symbols.h"

namespace ehsim {

class GdbServer : public mcu::DebugPort {
 public:
  // Listens on endpoint "PORT" or "HOST:PORT" (HOST defaults to 127.0.0.1; PORT 0 picks a free
  // one). Throws InputError when the endpoint is malformed or cannot be bound. Prints
  // "ehsim: waiting for GDB on HOST:PORT" on stderr once listening.
  // `energy` answers `monitor energy` (Platform::energy_report).
  GdbServer(const std::string& endpoint, mcu::Mcu& mcu, const FirmwareSymbols& symbols,
            std::function<std::string()> energy);
  ~GdbServer() override;
  GdbServer(const GdbServer&) = delete;
  GdbServer& operator=(const GdbServer&) = delete;

  uint16_t port() const { return port_; }

  mcu::DebugAction halted(mcu::HaltReason reason) override;
  bool interrupt_requested() override;

 private:
  // Serves packets until one resumes the target; returns how.
  mcu::DebugAction serve();
  // The reply to one packet; empty optional when the packet resumes the target (*action set).
  bool handle(const std::string& packet, mcu::DebugAction* action);
  std::string monitor(const std::string& command);
  std::string read_registers();
  std::string read_memory(uint32_t addr, uint32_t len);
  void send(const std::string& payload);
  void send_console(const std::string& text);  // "O" packets: text on GDB's console
  bool receive();  // reads what the socket has (blocking); false when the client is gone
  void close_client();

  mcu::Mcu& mcu_;
  const FirmwareSymbols& symbols_;
  std::function<std::string()> energy_;
  int listen_fd_ = -1;
  int client_fd_ = -1;
  uint16_t port_ = 0;
  bool no_ack_ = false;
  bool pending_interrupt_ = false;
  rsp::Decoder decoder_;
  std::set<uint32_t> breakpoints_;
};

}  // namespace ehsim

#include "sim/debug/gdb_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "sim/debug/backtrace.h"
#include "sim/debug/break_reporter.h"
#include "sim/scenario/units.h"

namespace ehsim {

namespace {

// GDB's msp430 target (gdb/msp430-tdep.c) has 16 raw registers of 4 bytes, R0 (PC) to R15, in
// the `g` packet, whatever the code model; it shows them as 16- or 20-bit pseudo registers.
constexpr unsigned kRegisterBytes = 4;
constexpr int kRegisterCount = 16;
// Largest memory request served at once: GDB splits larger reads to fit PacketSize.
constexpr uint32_t kMaxMemoryBytes = 0x800;
// Watchpoints the bus keeps at once, and the longest range of one. Beyond them GDB is told "not
// supported" and falls back to software watchpoints (single-stepping), which also work.
constexpr size_t kMaxWatchpoints = 16;
constexpr uint32_t kMaxWatchBytes = 0x1000;
constexpr const char* kTargetXml =
    "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
    "<target version=\"1.0\"><architecture>msp430</architecture></target>";

// SIGTRAP for breakpoints and steps, SIGINT for Ctrl-C (GDB's signal numbers).
constexpr int kSigTrap = 5, kSigInt = 2;

std::string hex_byte(unsigned v) {
  return rsp::le_hex(v & 0xFF, 1);
}

}  // namespace

GdbServer::GdbServer(const std::string& endpoint, mcu::Mcu& mcu, const FirmwareSymbols& symbols,
                     SupplyControl supply)
    : mcu_(mcu), symbols_(symbols), supply_(std::move(supply)) {
  std::string host = "127.0.0.1", port_text = endpoint;
  if (const size_t colon = endpoint.rfind(':'); colon != std::string::npos) {
    host = endpoint.substr(0, colon);
    port_text = endpoint.substr(colon + 1);
  }
  char* end = nullptr;
  const long port = std::strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port < 0 || port > 65535) {
    throw InputError("--gdb: '" + endpoint + "' is not [HOST:]PORT (e.g. 3333 or 127.0.0.1:3333)");
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    throw InputError("--gdb: '" + host + "' is not an IPv4 address (e.g. 127.0.0.1)");
  }
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 1) != 0) {
    const std::string why = std::strerror(errno);
    if (listen_fd_ >= 0) close(listen_fd_);
    throw InputError("--gdb: cannot listen on " + host + ":" + port_text + ": " + why);
  }
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  std::cerr << "ehsim: waiting for GDB on " << host << ":" << port_ << std::endl;
}

GdbServer::~GdbServer() {
  close_client();
  if (listen_fd_ >= 0) close(listen_fd_);
}

void GdbServer::close_client() {
  if (client_fd_ >= 0) close(client_fd_);
  client_fd_ = -1;
}

void GdbServer::send(const std::string& payload) {
  if (client_fd_ < 0) return;
  const std::string packet = rsp::frame(payload);
  size_t sent = 0;
  while (sent < packet.size()) {
    const ssize_t n = ::send(client_fd_, packet.data() + sent, packet.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      close_client();
      return;
    }
    sent += size_t(n);
  }
}

void GdbServer::send_console(const std::string& text) {
  send("O" + rsp::to_hex(text));
}

bool GdbServer::receive() {
  char buf[4096];
  for (;;) {
    const ssize_t n = recv(client_fd_, buf, sizeof buf, 0);
    if (n > 0) {
      decoder_.feed(buf, size_t(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    // The client went away (or its connection broke): the run ends, and says why.
    std::cerr << "ehsim: GDB disconnected"
              << (decoder_.mid_packet() ? " in the middle of a packet" : "") << "; the run ends\n";
    close_client();
    return false;
  }
}

mcu::HaltReason GdbServer::poll() {
  if (client_fd_ < 0) return mcu::HaltReason::kInterrupt;  // the client went away: halted() ends
  pollfd p{client_fd_, POLLIN, 0};
  while (::poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR))) {
    if (!receive()) return mcu::HaltReason::kInterrupt;
  }
  // Only an interrupt byte stops a running target; packets wait for the next halt.
  for (;;) {
    auto item = decoder_.next();
    if (!item) break;
    if (item->kind == rsp::Decoder::Item::kInterrupt) pending_interrupt_ = true;
  }
  if (pending_interrupt_) return mcu::HaltReason::kInterrupt;
  return supply_.has_supply() ? breaks_.poll(supply_.capacitor_V()) : mcu::HaltReason::kNone;
}

std::string GdbServer::stop_reply(mcu::HaltReason reason) {
  if (reason == mcu::HaltReason::kInterrupt) return "T" + hex_byte(kSigInt) + "thread:1;";
  std::string reply = "T" + hex_byte(kSigTrap);
  const mcu::McuContext::WatchHit& hit = mcu_.ctx().watch_hit;
  if (reason == mcu::HaltReason::kWatchpoint && hit.hit) {
    // Name the kind of the watchpoint that matched, so GDB reports the right one.
    const char* kind = "awatch";
    for (const Watch& w : watchpoints_) {
      if (hit.address < w.addr + w.len && w.addr < hit.address + 2) {
        if (w.type == '2' && hit.write) kind = "watch";
        if (w.type == '3' && !hit.write) kind = "rwatch";
        if (w.type != '4') break;
      }
    }
    char field[48];
    std::snprintf(field, sizeof field, "%s:%x;", kind, unsigned(hit.address));
    reply += field;
  }
  return reply + "thread:1;";
}

mcu::DebugAction GdbServer::halted(mcu::HaltReason reason) {
  if (reason == mcu::HaltReason::kAttach) {
    client_fd_ = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    // One client per run: the listening socket closes, so a second client's connection is
    // refused instead of waiting unserved.
    close(listen_fd_);
    listen_fd_ = -1;
    if (client_fd_ < 0) return mcu::DebugAction::kKill;
    const int one = 1;
    setsockopt(client_fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::cerr << "ehsim: GDB connected" << std::endl;
    return serve();  // GDB asks '?' for the first stop
  }
  if (client_fd_ < 0) return mcu::DebugAction::kKill;
  if (reason == mcu::HaltReason::kExited) {
    const mcu::McuContext& ctx = mcu_.ctx();
    if (mcu_.exit_reason() == mcu::ExitReason::kHostExit) {
      send("W" + hex_byte(ctx.exit_code));
    } else {
      // Any other end is "terminated by a signal" for GDB: SIGSEGV for a fault, SIGTRAP for a
      // cycle limit or a CPU asleep for good.
      send(std::string("X") + (mcu_.exit_reason() == mcu::ExitReason::kFault ? "0b" : "05"));
    }
    close_client();
    return mcu::DebugAction::kContinue;
  }
  pending_interrupt_ = false;
  // Energy breaks say why on GDB's console: a SIGTRAP alone would look like a breakpoint.
  if (reason == mcu::HaltReason::kPowerFail || reason == mcu::HaltReason::kBoot ||
      reason == mcu::HaltReason::kVoltage) {
    std::string why = std::string("ehsim: halted on ") + halt_reason_name(reason);
    if (reason == mcu::HaltReason::kVoltage) why += " (" + breaks_.voltage_text() + ")";
    if (reason == mcu::HaltReason::kPowerFail) {
      why += ": the supply fell below turn-off; registers and SRAM are lost on continue";
    }
    send_console(why + "\n");
  }
  send(stop_reply(reason));
  return serve();
}

mcu::DebugAction GdbServer::serve() {
  for (;;) {
    while (auto item = decoder_.next()) {
      if (item->kind == rsp::Decoder::Item::kInterrupt) continue;  // already halted
      if (item->kind == rsp::Decoder::Item::kBadChecksum) {
        if (!no_ack_ && client_fd_ >= 0) ::send(client_fd_, "-", 1, MSG_NOSIGNAL);
        continue;
      }
      if (!no_ack_ && client_fd_ >= 0) ::send(client_fd_, "+", 1, MSG_NOSIGNAL);
      mcu::DebugAction action = mcu::DebugAction::kContinue;
      if (!handle(item->payload, &action)) return action;
    }
    if (client_fd_ < 0 || !receive()) return mcu::DebugAction::kKill;  // disconnected: end
  }
}

std::string GdbServer::read_registers() {
  std::string out;
  for (int r = 0; r < kRegisterCount; ++r) {
    out += rsp::le_hex(r == 3 ? 0 : uint32_t(mcu_.cpu().reg(r)), kRegisterBytes);
  }
  return out;
}

std::string GdbServer::read_memory(uint32_t addr, uint32_t len) {
  std::vector<uint8_t> bytes;
  for (uint32_t i = 0; i < len; ++i) bytes.push_back(mcu_.bus().peek_byte(addr + i));
  return rsp::to_hex(bytes);
}

bool GdbServer::handle(const std::string& p, mcu::DebugAction* action) {
  auto reply = [&](const std::string& r) {
    send(r);
    return true;
  };
  auto resume = [&](mcu::DebugAction a) {
    *action = a;
    return false;
  };
  if (p.empty()) return reply("");
  // "ADDR,LEN" as in m, M, X, Z.
  auto addr_len = [](const std::string& s, uint32_t* addr, uint32_t* len) {
    const size_t comma = s.find(',');
    if (comma == std::string::npos) return false;
    const auto a = rsp::parse_hex_number(s.substr(0, comma));
    const auto l = rsp::parse_hex_number(s.substr(comma + 1));
    if (!a || !l) return false;
    *addr = *a;
    *len = *l;
    return true;
  };
  switch (p[0]) {
    case '?':
      return reply("S05");
    case 'g':
      return reply(read_registers());
    case 'G': {
      const std::string hex = p.substr(1);
      if (hex.size() < kRegisterCount * kRegisterBytes * 2) return reply("E01");
      for (int r = 0; r < kRegisterCount; ++r) {
        const auto v = rsp::from_le_hex(hex.substr(r * kRegisterBytes * 2, kRegisterBytes * 2));
        if (!v) return reply("E01");
        if (r != 3) mcu_.cpu().set_reg(r, *v);
      }
      return reply("OK");
    }
    case 'p': {
      const auto r = rsp::parse_hex_number(p.substr(1));
      if (!r || *r >= kRegisterCount) return reply("E01");
      return reply(rsp::le_hex(*r == 3 ? 0 : uint32_t(mcu_.cpu().reg(int(*r))), kRegisterBytes));
    }
    case 'P': {
      const size_t eq = p.find('=');
      const auto r = rsp::parse_hex_number(p.substr(1, eq - 1));
      const auto v = eq == std::string::npos ? std::nullopt : rsp::from_le_hex(p.substr(eq + 1));
      if (!r || !v || *r >= kRegisterCount) return reply("E01");
      if (*r != 3) mcu_.cpu().set_reg(int(*r), *v);
      return reply("OK");
    }
    case 'm': {
      uint32_t addr = 0, len = 0;
      if (!addr_len(p.substr(1), &addr, &len) || len > kMaxMemoryBytes) return reply("E01");
      return reply(read_memory(addr, len));
    }
    case 'M':
    case 'X': {
      const size_t colon = p.find(':');
      uint32_t addr = 0, len = 0;
      if (colon == std::string::npos || !addr_len(p.substr(1, colon - 1), &addr, &len)) {
        return reply("E01");
      }
      std::vector<uint8_t> bytes;
      if (p[0] == 'M') {
        const auto hex = rsp::from_hex(p.substr(colon + 1));
        if (!hex) return reply("E01");
        bytes = *hex;
      } else {
        bytes.assign(p.begin() + long(colon) + 1, p.end());
      }
      if (bytes.size() != len) return reply("E01");
      for (uint32_t i = 0; i < len; ++i) mcu_.bus().poke_byte(addr + i, bytes[i]);
      return reply("OK");
    }
    case 'Z':
    case 'z': {
      // Z0 software and Z1 hardware breakpoints are the same here: the CPU checks the PC before
      // each instruction without changing memory. Z2-Z4 are write, read and access watchpoints.
      if (p.size() < 3 || p[1] < '0' || p[1] > '4' || p[2] != ',') return reply("");
      uint32_t addr = 0, kind = 0;
      if (!addr_len(p.substr(3), &addr, &kind)) return reply("E01");
      if (p[1] >= '2') return reply(change_watchpoint(p[1], p[0] == 'Z', addr, kind) ? "OK" : "");
      if (p[0] == 'Z') {
        breakpoints_.insert(addr);
      } else {
        breakpoints_.erase(addr);
      }
      mcu_.cpu().clear_breakpoints();
      for (uint32_t a : breakpoints_) mcu_.cpu().add_breakpoint(a);
      return reply("OK");
    }
    case 'c':
      return resume(mcu::DebugAction::kContinue);
    case 's':
      return resume(mcu::DebugAction::kStep);
    case 'D':
      send("OK");
      close_client();
      return resume(mcu::DebugAction::kDetach);
    case 'k':
      close_client();
      return resume(mcu::DebugAction::kKill);
    case 'H':
      return reply("OK");
    case 'T':
      return reply("OK");  // thread 1 is alive
    default:
      break;
  }
  if (p.rfind("vCont?", 0) == 0) return reply("vCont;c;C;s;S");
  if (p.rfind("vCont;", 0) == 0) {
    // One thread: the first action decides ("vCont;s:1;c" steps).
    const char a = p.size() > 6 ? p[6] : 'c';
    return resume(a == 's' || a == 'S' ? mcu::DebugAction::kStep : mcu::DebugAction::kContinue);
  }
  if (p == "vKill;1" || p.rfind("vKill", 0) == 0) {
    send("OK");
    close_client();
    return resume(mcu::DebugAction::kKill);
  }
  if (p.rfind("qSupported", 0) == 0) {
    return reply("PacketSize=1000;qXfer:features:read+;QStartNoAckMode+;vContSupported+");
  }
  if (p == "QStartNoAckMode") {
    send("OK");
    no_ack_ = true;
    return true;
  }
  if (p.rfind("qXfer:features:read:target.xml:", 0) == 0) {
    uint32_t offset = 0, len = 0;
    if (!addr_len(p.substr(31), &offset, &len)) return reply("E01");
    const std::string xml = kTargetXml;
    if (offset >= xml.size()) return reply("l");
    const std::string part = xml.substr(offset, len);
    return reply((offset + part.size() >= xml.size() ? "l" : "m") + part);
  }
  if (p == "qAttached") return reply("1");
  if (p == "qC") return reply("QC1");
  if (p == "qfThreadInfo") return reply("m1");
  if (p == "qsThreadInfo") return reply("l");
  if (p.rfind("qSymbol", 0) == 0) return reply("OK");
  if (p.rfind("qRcmd,", 0) == 0) {
    const auto bytes = rsp::from_hex(p.substr(6));
    if (!bytes) return reply("E01");
    const std::string text = monitor(std::string(bytes->begin(), bytes->end()));
    if (!text.empty()) send_console(text);
    return reply("OK");
  }
  return reply("");  // not supported: GDB falls back
}

bool GdbServer::change_watchpoint(char type, bool insert, uint32_t addr, uint32_t len) {
  if (len == 0 || len > kMaxWatchBytes || addr >= mcu::kAddressSpaceEnd) return false;
  if (insert) {
    if (watchpoints_.size() >= kMaxWatchpoints) return false;
    watchpoints_.push_back({type, addr, len});
  } else {
    for (auto it = watchpoints_.begin(); it != watchpoints_.end(); ++it) {
      if (it->type == type && it->addr == addr && it->len == len) {
        watchpoints_.erase(it);
        break;
      }
    }
  }
  std::vector<mcu::Watchpoint> bus_watch;
  for (const Watch& w : watchpoints_) {
    bus_watch.push_back({w.addr, w.len, w.type != '2', w.type != '3'});
  }
  mcu_.bus().set_watchpoints(std::move(bus_watch));
  return true;
}

std::string GdbServer::monitor(const std::string& command_text) {
  std::string command = command_text;
  while (!command.empty() && (command.back() == ' ' || command.back() == '\n')) command.pop_back();
  auto starts = [&](const char* prefix) {
    const size_t n = std::strlen(prefix);
    return command.compare(0, n, prefix) == 0 && (command.size() == n || command[n] == ' ');
  };
  auto argument = [&](const char* prefix) {
    const size_t n = std::strlen(prefix);
    return command.size() > n ? command.substr(n + 1) : std::string();
  };
  if (command == "help") {
    return "ehsim monitor commands:\n"
           "  where                  the PC as function+offset, cycles and simulated time\n"
           "  backtrace              return addresses found on the stack (a scan, no DWARF)\n"
           "  energy                 capacitor voltage, stored, harvested and consumed energy,\n"
           "                         time to power failure at the present load (ehsim run)\n"
           "  break power-fail       halt after the last instruction before the supply fails\n"
           "  break boot             halt at the first instruction after each boot\n"
           "  break voltage <1.95V   halt when the capacitor voltage falls below (or >: rises\n"
           "                         above) a level\n"
           "  break                  list the energy breaks\n"
           "  break clear [WHICH]    remove them (power-fail, boot, voltage; all by default)\n"
           "  charge 2.4V            set the capacitor voltage now\n"
           "  guard on|off           run without drawing energy (EDB's energy guard) or not\n";
  }
  const bool has_supply = supply_.has_supply();
  const std::string no_supply =
      "ehsim exec runs on continuous power: use ehsim run for the supply's commands\n";
  try {
    if (command == "break") {
      const std::string list = breaks_.describe();
      return list.empty() ? "no energy breaks\n" : list;
    }
    if (starts("break clear")) {
      breaks_.remove(argument("break clear"), "monitor break clear");
      return "ok\n";
    }
    if (starts("break")) {
      if (!has_supply) return no_supply;
      breaks_.add(argument("break"), "monitor break");
      return "break on " + breaks_.describe();
    }
    if (starts("charge")) {
      if (!has_supply) return no_supply;
      const double v = parse_quantity(argument("charge"), "V", "monitor charge");
      supply_.set_capacitor_V(v);
      char text[96];
      std::snprintf(text, sizeof text, "capacitor at %.6f V\n", supply_.capacitor_V());
      return text;
    }
  } catch (const InputError& e) {
    return std::string(e.what()) + "\n";
  }
  if (command == "guard on" || command == "guard off") {
    mcu_.set_energy_guard(command == "guard on");
    return std::string("energy guard ") + (mcu_.energy_guard() ? "on" : "off") + "\n";
  }
  if (command == "guard") {
    return std::string("energy guard ") + (mcu_.energy_guard() ? "on" : "off") + "\n";
  }
  if (command == "where") return describe_where(mcu_, symbols_);
  if (command == "backtrace") {
    return format_backtrace(mcu_.bus(), mcu_.cpu().pc(), mcu_.cpu().reg(1), symbols_);
  }
  if (command == "energy") {
    return supply_.energy_report ? supply_.energy_report()
                                 : "continuous power: no supply (ehsim exec)\n";
  }
  return "unknown monitor command '" + command + "' (monitor help lists them)\n";
}

}  // namespace ehsim

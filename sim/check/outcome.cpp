#include "sim/check/outcome.h"

#include "sim/scenario/units.h"

namespace ehsim {

namespace {

// Text in messages: at most this many characters of each side.
constexpr size_t kQuoteChars = 60;

std::string quoted(const std::string& text) {
  std::string out = nlohmann::json(text.substr(0, kQuoteChars)).dump();
  if (text.size() > kQuoteChars) out += "...";
  return out;
}

}  // namespace

ObserveSet parse_observe(const std::vector<std::string>& values, const mcu::FirmwareImage& image) {
  ObserveSet set;
  set.host_io = values.empty();
  for (const std::string& v : values) {
    if (v == "host_io") {
      set.host_io = true;
    } else if (v == "uart") {
      set.uart = true;
    } else if (v == "exit") {
      // always observed
    } else if (v.rfind("marker:", 0) == 0) {
      uint64_t id = 0;
      if (!parse_u64(v.substr(7), &id) || id > 0xFFFF) {
        throw InputError("--observe '" + v + "': expected marker:ID with ID from 0 to 0xFFFF");
      }
      set.markers.insert(uint16_t(id));
    } else {
      DumpRequest dump;
      std::string error;
      if (!parse_dump(v, &dump, &error) ||
          !resolve_dump(image, uint32_t(mcu::kAddressSpaceEnd), &dump, &error)) {
        throw InputError("--observe '" + v + "': " + error +
                         " (expected host_io, marker:ID, uart, exit, SYMBOL[:LEN] or ADDR:LEN)");
      }
      set.memory.push_back(dump);
    }
  }
  return set;
}

nlohmann::ordered_json Outcome::to_json() const {
  nlohmann::ordered_json markers = nlohmann::ordered_json::object();
  for (const auto& [id, arg] : marker_last) markers[std::to_string(id)] = arg;
  return {{"end", end},
          {"exit_code", exit_code},
          {"markers", markers},
          {"host_text", host_text},
          {"uart_text", uart_text},
          {"memory", memory},
          {"cycles", cycles}};
}

Outcome Outcome::from_json(const nlohmann::json& j) {
  Outcome o;
  o.end = j.at("end").get<std::string>();
  o.exit_code = j.at("exit_code").get<int>();
  for (const auto& [id, arg] : j.at("markers").items()) {
    o.marker_last[uint16_t(std::stoul(id))] = arg.get<uint16_t>();
  }
  o.host_text = j.at("host_text").get<std::string>();
  o.uart_text = j.at("uart_text").get<std::string>();
  o.memory = j.at("memory").get<std::map<std::string, std::string>>();
  o.cycles = j.at("cycles").get<uint64_t>();
  return o;
}

Outcome capture_outcome(mcu::Mcu& mcu, const ObserveSet& observe, size_t host_mark,
                        size_t uart_mark) {
  Outcome o;
  o.end = mcu::to_string(mcu.exit_reason());
  o.exit_code = mcu.exit_reason() == mcu::ExitReason::kHostExit ? mcu.ctx().exit_code : 0;
  for (const auto& m : mcu.log().markers) o.marker_last[m.id] = m.arg;
  const std::string& host = mcu.log().host_text;
  const std::string& uart = mcu.log().uart_text;
  o.host_text = host.substr(std::min(host_mark, host.size()));
  o.uart_text = uart.substr(std::min(uart_mark, uart.size()));
  for (const DumpRequest& d : observe.memory) o.memory[d.key] = dump_hex(mcu.bus(), d);
  o.cycles = mcu.ctx().cycles;
  return o;
}

std::vector<std::string> differences(const Outcome& expected, const Outcome& actual,
                                     const ObserveSet& observe) {
  std::vector<std::string> out;
  if (expected.end != actual.end || expected.exit_code != actual.exit_code) {
    out.push_back("exit: expected " + expected.end + " " + std::to_string(expected.exit_code) +
                  ", got " + actual.end + " " + std::to_string(actual.exit_code));
  }
  for (uint16_t id : observe.host_io ? std::set<uint16_t>{} : observe.markers) {
    const auto e = expected.marker_last.find(id), a = actual.marker_last.find(id);
    const std::string ev = e == expected.marker_last.end() ? "none" : std::to_string(e->second);
    const std::string av = a == actual.marker_last.end() ? "none" : std::to_string(a->second);
    if (ev != av)
      out.push_back("marker " + std::to_string(id) + ": expected " + ev + ", got " + av);
  }
  if (observe.host_io) {
    for (const auto& [id, arg] : expected.marker_last) {
      const auto it = actual.marker_last.find(id);
      if (it == actual.marker_last.end()) {
        out.push_back("host_io marker " + std::to_string(id) + ": expected " + std::to_string(arg) +
                      ", never written");
      } else if (it->second != arg) {
        out.push_back("host_io marker " + std::to_string(id) + ": expected " + std::to_string(arg) +
                      ", got " + std::to_string(it->second));
      }
    }
    for (const auto& [id, arg] : actual.marker_last) {
      if (!expected.marker_last.count(id)) {
        out.push_back("host_io marker " + std::to_string(id) + ": not expected, got " +
                      std::to_string(arg));
      }
    }
    if (expected.host_text != actual.host_text) {
      out.push_back("host_io text: expected " + quoted(expected.host_text) + ", got " +
                    quoted(actual.host_text));
    }
  }
  if (observe.uart && expected.uart_text != actual.uart_text) {
    out.push_back("uart: expected " + quoted(expected.uart_text) + ", got " +
                  quoted(actual.uart_text));
  }
  for (const DumpRequest& d : observe.memory) {
    const auto e = expected.memory.find(d.key), a = actual.memory.find(d.key);
    const std::string ev = e == expected.memory.end() ? "" : e->second;
    const std::string av = a == actual.memory.end() ? "" : a->second;
    if (ev != av) out.push_back(d.key + ": expected " + ev + ", got " + av);
  }
  return out;
}

}  // namespace ehsim

#include "sim/check/check_report.h"

#include <cstdio>
#include <map>

namespace ehsim {

namespace {

std::string hex(uint32_t v) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%04X", unsigned(v));
  return text;
}

}  // namespace

void confirm_hazards(std::vector<Hazard>& hazards,
                     const std::map<uint64_t, DivergentStretch>& stretches) {
  for (Hazard& h : hazards) {
    for (const Hazard::Window& w : h.windows) {
      if (!w.has_points) continue;
      // A stretch of divergent points that overlaps the window's points [first, last].
      auto it = stretches.upper_bound(w.last_point);
      if (it != stretches.begin() && std::prev(it)->second.last_ordinal >= w.first_point) {
        h.confirmed = true;
      }
    }
  }
}

nlohmann::ordered_json check_json(const CheckContext& context, CheckDriver& driver,
                                  const FirmwareSymbols& symbols, const mcu::FirmwareImage& image) {
  confirm_hazards(driver.hazards(), driver.divergent_stretches());
  nlohmann::ordered_json j;
  j["schema"] = "ehsim-check-1";
  j["firmware"] = context.firmware;
  j["strategy"] = context.strategy;
  j["observed"] = context.observed;
  j["expected"] = driver.expected().to_json();
  j["instructions"] = driver.instructions();
  j["injections"] = driver.injections();
  j["simulated_runs"] = driver.simulated_runs();
  j["divergent_runs"] = driver.divergence_count();
  std::map<std::string, uint64_t> by_function;
  for (const auto& [pc, count] : driver.divergences_by_pc()) {
    by_function[symbols.function_name(pc)] += count;
  }
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const InjectedRun& r : driver.divergences()) {
    const std::string where = symbols.symbolize(r.pc);
    std::string reproduce = context.reproduce_base;
    for (uint64_t c : r.failure_cycles) reproduce += " --power-fail-at-cycle " + std::to_string(c);
    list.push_back({{"point", r.point},
                    {"cycle", r.cycle},
                    {"pc", hex(r.pc)},
                    {"where", where},
                    {"failure_cycles", r.failure_cycles},
                    {"differences", r.differences},
                    {"reproduce", reproduce}});
  }
  j["divergences_by_function"] = by_function;
  j["divergences"] = list;
  j["divergences_listed"] = list.size();
  nlohmann::ordered_json hazards = nlohmann::ordered_json::array();
  size_t confirmed = 0;
  for (const Hazard& h : driver.hazards()) {
    nlohmann::ordered_json e;
    const bool war = h.kind == Hazard::Kind::kWriteAfterRead;
    e["kind"] = war ? "write_after_read" : "unwritten_sram_read";
    e["data"] = data_symbol(image, h.address);
    e["address"] = hex(h.address);
    e["read_pc"] = hex(h.read_pc);
    e["read_where"] = symbols.symbolize(h.read_pc);
    if (war) {
      e["write_pc"] = hex(h.write_pc);
      e["write_where"] = symbols.symbolize(h.write_pc);
      e["windows"] = h.windows.size();
      e["confirmed"] = h.confirmed;
    }
    e["first_cycle"] = h.cycle;
    e["occurrences"] = h.occurrences;
    confirmed += h.confirmed ? 1 : 0;
    hazards.push_back(e);
  }
  j["hazards"] = hazards;
  j["confirmed_hazards"] = confirmed;
  j["result"] = driver.divergence_count() == 0 && confirmed == 0 ? "pass" : "fail";
  return j;
}

void print_check_summary(const nlohmann::ordered_json& j, std::ostream& out) {
  out << "ehsim check: " << j["firmware"].get<std::string>() << ": "
      << j["instructions"].get<uint64_t>() << " instructions, " << j["injections"].get<uint64_t>()
      << " injected power failures (" << j["strategy"].get<std::string>() << "; "
      << j["simulated_runs"].get<uint64_t>() << " simulated), "
      << j["divergent_runs"].get<uint64_t>() << " diverged\n";
  if (!j["divergences_by_function"].empty()) {
    out << "  divergent runs by function where power failed:";
    for (const auto& [f, n] : j["divergences_by_function"].items()) out << " " << f << " " << n;
    out << "\n";
  }
  if (!j["divergences"].empty()) {
    const auto& d = j["divergences"][0];
    out << "  first: cycle " << d["cycle"].get<uint64_t>() << ", pc " << d["pc"].get<std::string>()
        << " " << d["where"].get<std::string>() << ": " << d["differences"][0].get<std::string>()
        << "\n"
        << "    reproduce: " << d["reproduce"].get<std::string>() << "\n";
  }
  for (const auto& h : j["hazards"]) {
    if (h["kind"] == "write_after_read") {
      out << "  hazard: write after read of " << h["data"].get<std::string>() << " (read at "
          << h["read_where"].get<std::string>() << ", written at "
          << h["write_where"].get<std::string>() << ")"
          << (h["confirmed"].get<bool>() ? ", confirmed by an injection" : "") << "\n";
    } else {
      out << "  hazard: read of SRAM not written since boot: " << h["data"].get<std::string>()
          << " at " << h["read_where"].get<std::string>() << "\n";
    }
  }
  out << "  result: " << j["result"].get<std::string>() << "\n";
}

int check_exit_status(const nlohmann::ordered_json& j) {
  return j["result"] == "pass" ? 0 : 1;
}

}  // namespace ehsim

#include "sim/run/run_recorder.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "sim/scenario/units.h"

namespace ehsim {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

// Shortest round-trip-stable text for the CSV (the same bits always print the same).
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

double sc_now_s() {
  return sc_core::sc_time_stamp().to_seconds();
}

constexpr int kSummarySchemaVersion = 1;

}  // namespace

RunRecorder::RunRecorder(sc_core::sc_module_name name, const RunScenario& scenario,
                         const std::string& out_dir, energy::Supply& supply,
                         SupplyPortAdapter& port, mcu::Mcu& mcu, const FirmwareSymbols& symbols,
                         double end_time_s, bool progress_bar)
    : sc_module(name),
      scenario_(scenario),
      out_dir_(out_dir),
      supply_(supply),
      port_(port),
      mcu_(mcu),
      symbols_(symbols),
      end_time_s_(end_time_s),
      vcd_capacitor_V_("capacitor_V"),
      vcd_load_A_("load_A"),
      vcd_last_marker_("last_marker"),
      progress_(progress_bar) {
  events_.open(fs::path(out_dir) / "events.jsonl");
  if (!events_) throw InputError(out_dir + "/events.jsonl: cannot create");
  if (scenario.outputs.timeseries_period_s > 0) {
    timeseries_.open(fs::path(out_dir) / "timeseries.csv");
    if (!timeseries_) throw InputError(out_dir + "/timeseries.csv: cannot create");
    timeseries_ << "time_s,capacitor_V,rail_V,harvested_W,load_A,power_good,markers,"
                   "last_marker_id,last_marker_arg\n";
  }
  if (scenario.outputs.vcd) {
    vcd_ = sc_core::sc_create_vcd_trace_file((fs::path(out_dir) / "trace").string().c_str());
    // The kernel's own resolution: any coarser unit makes SystemC warn (W713) at every change
    // that falls between two units, thousands of times per run.
    vcd_->set_time_unit(sc_core::sc_get_time_resolution().to_seconds(), sc_core::SC_SEC);
    sc_core::sc_trace(vcd_, supply.power_good_signal, "power_good");
    sc_core::sc_trace(vcd_, vcd_capacitor_V_, "capacitor_V");
    sc_core::sc_trace(vcd_, vcd_load_A_, "load_A");
    sc_core::sc_trace(vcd_, vcd_last_marker_, "last_marker");
    // GPIO output registers (PxOUT), one 8-bit signal per port (PJ is 8 bits wide in the VCD too).
    for (const char* port : {"P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "PJ"}) {
      auto signal = std::make_unique<sc_core::sc_signal<uint32_t>>(
          sc_core::sc_gen_unique_name((std::string("gpio_") + port).c_str()));
      sc_core::sc_trace(vcd_, *signal, std::string("gpio_") + port);
      vcd_gpio_[port] = std::move(signal);
    }
  }
  mcu.set_event_listener([this](const mcu::McuEvent& ev) { on_mcu_event(ev); });
  mcu.set_unmodelled_access_listener(
      [this](const mcu::UnmodelledAccess& access) { on_unmodelled(access); });
  mcu.set_mpu_violation_listener(
      [this](const mcu::MpuViolation& violation) { on_mpu_violation(violation); });
  mcu.set_stretch_listener([this] { return after_stretch(); });
  if (scenario.outputs.timeseries_period_s > 0) SC_THREAD(sample_thread);
}

namespace {

// SystemC stamps the wall-clock date into the VCD header; results must not depend on when they
// were made, so the date is blanked in place (same length, the rest of the file untouched).
void blank_vcd_date(const std::string& path) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  if (!f) return;
  std::string head(512, '\0');
  f.read(head.data(), std::streamsize(head.size()));
  head.resize(size_t(f.gcount()));
  f.clear();
  const size_t date = head.find("$date");
  if (date == std::string::npos) return;
  const size_t body = date + 5;
  const size_t end = head.find("$end", body);
  if (end == std::string::npos) return;
  std::string replacement(end - body, ' ');
  const std::string text = "\n  (date omitted for reproducible output)\n";
  if (text.size() <= replacement.size()) replacement.replace(0, text.size(), text);
  f.seekp(std::streamoff(body));
  f.write(replacement.data(), std::streamsize(replacement.size()));
}

}  // namespace

RunRecorder::~RunRecorder() {
  close_vcd();
}

void RunRecorder::close_vcd() {
  if (!vcd_) return;
  sc_core::sc_close_vcd_trace_file(vcd_);
  vcd_ = nullptr;
  blank_vcd_date((fs::path(out_dir_) / "trace.vcd").string());
}

void RunRecorder::attach_inference(const PreparedInference& inference) {
  inference_.emplace(inference.source, inference.layer_count, inference.policy);
}

void RunRecorder::write_event(const ordered_json& line) {
  events_ << line.dump() << '\n';
}

void RunRecorder::text_lines(std::string& pending, const std::string& add, const char* kind,
                             double t_s) {
  pending += add;
  size_t start = 0;
  for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string line = pending.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    write_event({{"time_s", t_s}, {"event", kind}, {"text", line}});
    if (kind[0] == 'u') {
      ++uart_lines_;
      uart_tail_.push_back(line);
      if (uart_tail_.size() > kUartTailLines) uart_tail_.pop_front();
    }
  }
  pending.erase(0, start);
}

void RunRecorder::drain_log(double now_s) {
  const mcu::OutputLog& log = mcu_.log();
  for (const mcu::Marker& m : log.markers) {
    const double t = mcu_.time_of_cycle_s(m.cycle);
    ordered_json line = {{"time_s", t}, {"event", "marker"}, {"id", m.id}, {"arg", m.arg}};
    if (const std::string& name = symbols_.marker_name(m.id); !name.empty()) line["name"] = name;
    stretch_events_.emplace_back(t, std::move(line));
    MarkerStats& st = markers_[m.id];
    if (st.count++ == 0) st.first_time_s = t;
    st.last_arg = m.arg;
    st.last_time_s = t;
    ++marker_total_;
    last_marker_id_ = m.id;
    last_marker_arg_ = m.arg;
    if (scenario_.progress.commit_marker && m.id == *scenario_.progress.commit_marker) {
      ++commits_;
      progress_cycle_ = m.cycle;
    }
    if (inference_) {
      if (auto ev = inference_->on_marker(m.id, m.arg, t)) write_event(*ev);
    }
  }
  for (const mcu::PortWrite& w : log.port_writes) {
    const double t = mcu_.time_of_cycle_s(w.cycle);
    stretch_events_.emplace_back(
        t, ordered_json{{"time_s", t}, {"event", "gpio"}, {"port", w.port}, {"value", w.value}});
    GpioStats& st = gpio_[w.port];
    ++st.changes;
    st.last_value = w.value;
    if (vcd_) {
      const auto it = vcd_gpio_.find(w.port);
      if (it != vcd_gpio_.end()) it->second->write(w.value);
    }
  }
  // Stable: events of one cycle keep the order they happened in.
  std::stable_sort(stretch_events_.begin(), stretch_events_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [t, line] : stretch_events_) write_event(line);
  stretch_events_.clear();
  if (!log.uart_text.empty()) text_lines(uart_pending_, log.uart_text, "uart", now_s);
  if (!log.host_text.empty()) text_lines(host_pending_, log.host_text, "host_log", now_s);
  mcu_.clear_log();
}

void RunRecorder::on_unmodelled(const mcu::UnmodelledAccess& a) {
  UnmodelledStats& st = unmodelled_[a.address];
  const uint64_t seen = st.reads + st.writes;
  if (seen == 0) {
    st.peripheral = a.peripheral ? a.peripheral : "";
    st.first_pc = a.pc;
  }
  ++(a.write ? st.writes : st.reads);
  if (seen >= kUnmodelledEventsPerAddress) return;
  const double t = mcu_.time_of_cycle_s(a.cycle);
  ordered_json line = {{"time_s", t},
                       {"event", "unmodelled_access"},
                       {"address", a.address},
                       {"access", a.write ? "write" : "read"},
                       {"size", a.size},
                       {"pc", a.pc},
                       {"where", symbols_.symbolize(a.pc)}};
  if (a.write) line["value"] = a.value;
  if (a.peripheral) line["peripheral"] = a.peripheral;
  stretch_events_.emplace_back(t, std::move(line));
}

void RunRecorder::on_mpu_violation(const mcu::MpuViolation& v) {
  ++mpu_violations_;
  const double t = mcu_.time_of_cycle_s(v.cycle);
  stretch_events_.emplace_back(t, ordered_json{{"time_s", t},
                                               {"event", "mpu_violation"},
                                               {"address", v.address},
                                               {"access", mcu::to_string(v.access)},
                                               {"segment", v.segment},
                                               {"puc", v.puc},
                                               {"pc", v.pc},
                                               {"where", symbols_.symbolize(v.pc)}});
}

void RunRecorder::on_mcu_event(const mcu::McuEvent& ev) {
  if (forward_) forward_(ev);
  drain_log(ev.time_s);
  ordered_json line = {{"time_s", ev.time_s}, {"event", mcu::to_string(ev.kind)}};
  switch (ev.kind) {
    case mcu::McuEventKind::kBoot:
      if (first_boot_s_ < 0) first_boot_s_ = ev.time_s;
      on_since_s_ = ev.time_s;
      progress_cycle_ = ev.cycles;
      line["boot"] = mcu_.boots();
      line["capacitor_V"] = supply_.capacitor_V();
      break;
    case mcu::McuEventKind::kBootAborted:
      ++boots_aborted_;
      break;
    case mcu::McuEventKind::kPowerLoss: {
      line["pc"] = ev.pc;
      line["where"] = symbols_.symbolize(ev.pc);
      line["cycles"] = ev.cycles;
      line["instructions"] = ev.instructions;
      ++power_loss_pcs_[ev.pc];
      if (on_since_s_ >= 0) on_time_s_ += ev.time_s - on_since_s_;
      on_since_s_ = -1;
      if (scenario_.progress.commit_marker) {
        const uint64_t lost = ev.cycles - std::min(ev.cycles, progress_cycle_);
        cycles_lost_ += lost;
        line["cycles_since_commit"] = lost;
      }
      break;
    }
    case mcu::McuEventKind::kReset:
      ++resets_;
      line["sysrstiv"] = ev.code;
      line["pc"] = ev.pc;
      line["where"] = symbols_.symbolize(ev.pc);
      break;
    case mcu::McuEventKind::kFault: {
      const mcu::Fault& f = mcu_.ctx().fault;
      fault_ = f;
      line["kind"] = mcu::to_string(f.kind);
      line["pc"] = f.pc;
      line["where"] = symbols_.symbolize(f.pc);
      line["opcode"] = f.opcode;
      line["address"] = f.address;
      break;
    }
    case mcu::McuEventKind::kEnd:
      line["reason"] = mcu::to_string(mcu_.exit_reason());
      if (mcu_.exit_reason() == mcu::ExitReason::kHostExit)
        line["exit_code"] = mcu_.ctx().exit_code;
      if (on_since_s_ >= 0) on_time_s_ += ev.time_s - on_since_s_;
      on_since_s_ = -1;
      end_s_ = ev.time_s;
      break;
  }
  write_event(line);
  update_progress(false);
}

bool RunRecorder::after_stretch() {
  drain_log(sc_now_s());
  if ((++stretch_count_ & 0xFF) == 0) update_progress(false);
  const auto& stop = scenario_.limits.stop_after_marker;
  if (stop) {
    auto it = markers_.find(stop->id);
    if (it != markers_.end() && it->second.count >= stop->count) return true;
  }
  return false;
}

void RunRecorder::sample_thread() {
  const double period_s = scenario_.outputs.timeseries_period_s;
  double harvested_before_J = supply_.books().harvested_J;
  for (uint64_t k = 0;; ++k) {
    // Absolute sample times: no rounding accumulates over a long run.
    const sc_core::sc_time t(double(k) * period_s, sc_core::SC_SEC);
    if (t > sc_core::sc_time_stamp()) wait(t - sc_core::sc_time_stamp());
    if (t.to_seconds() > end_time_s_) return;
    const energy::Books books = supply_.books();
    const double harvested_W = k == 0 ? 0.0 : (books.harvested_J - harvested_before_J) / period_s;
    harvested_before_J = books.harvested_J;
    const double cap_V = supply_.capacitor_V();
    const bool pg = supply_.power_good();
    const double load_A = pg ? port_.load_A() : 0.0;
    timeseries_ << num(t.to_seconds()) << ',' << num(cap_V) << ',' << num(pg ? supply_.rail_V() : 0)
                << ',' << num(harvested_W) << ',' << num(load_A) << ',' << (pg ? 1 : 0) << ','
                << marker_total_ << ',' << last_marker_id_ << ',' << last_marker_arg_ << '\n';
    if (vcd_) {
      vcd_capacitor_V_.write(cap_V);
      vcd_load_A_.write(load_A);
      vcd_last_marker_.write(last_marker_id_);
    }
    if ((k & 0x3F) == 0) update_progress(false);
  }
}

void RunRecorder::update_progress(bool force) {
  if (!progress_.due(force)) return;
  const double host_s = progress_.elapsed_s();
  const double sim_s = mcu_.local_time().to_seconds();
  char text[200];
  std::snprintf(text, sizeof text,
                "%.1f / %.1f s simulated | %.0fx real time | %.1f M active cycles/s | "
                "boots %llu | failures %llu ",
                sim_s, end_time_s_, host_s > 0 ? sim_s / host_s : 0.0,
                // Active cycles only: sleep is skipped in closed form and would inflate this.
                host_s > 0 ? double(mcu_.power_totals().active_cycles) / host_s / 1e6 : 0.0,
                (unsigned long long)mcu_.boots(), (unsigned long long)mcu_.power_losses());
  progress_.draw(end_time_s_ > 0 ? sim_s / end_time_s_ : 0.0, text);
}

ordered_json RunRecorder::summary() const {
  const mcu::Mcu& m = mcu_;
  const auto& ctx = const_cast<mcu::Mcu&>(m).ctx();
  const mcu::BusStats& bus = const_cast<mcu::Mcu&>(m).bus().stats();
  const mcu::McuPowerTotals& pw = m.power_totals();
  const energy::Books books = supply_.books();
  const double final_J = supply_.core().energy_J(supply_.capacitor_V());
  const double sim_s = end_s_;

  ordered_json j;
  j["schema"] = "ehsim-summary";
  j["schema_version"] = kSummarySchemaVersion;
  j["scenario"] = {{"name", scenario_.name},
                   {"file", scenario_.file},
                   {"seed", scenario_.seed},
                   {"firmware", fs::path(scenario_.firmware_path).filename().string()},
                   {"trace", fs::path(scenario_.harvester.trace_path).filename().string()}};
  ordered_json end = {{"reason", mcu::to_string(m.exit_reason())}};
  end["exit_code"] =
      m.exit_reason() == mcu::ExitReason::kHostExit ? ordered_json(ctx.exit_code) : ordered_json();
  if (fault_) {
    end["fault"] = {{"kind", mcu::to_string(fault_->kind)},
                    {"pc", fault_->pc},
                    {"where", symbols_.symbolize(fault_->pc)},
                    {"opcode", fault_->opcode},
                    {"address", fault_->address}};
  } else {
    end["fault"] = nullptr;
  }
  j["end"] = end;
  j["time"] = {{"simulated_s", sim_s},
               {"on_s", on_time_s_},
               {"on_time_fraction", sim_s > 0 ? on_time_s_ / sim_s : 0.0},
               {"first_boot_s", first_boot_s_ >= 0 ? ordered_json(first_boot_s_) : ordered_json()},
               {"active_s", pw.active_s},
               {"low_power_s", pw.low_power_s},
               {"boot_s", pw.boot_s}};
  const uint64_t fram_accesses = bus.fram_reads + bus.fram_writes;
  j["mcu"] = {{"instructions", ctx.instructions},
              {"cycles", ctx.cycles},
              {"active_cycles", pw.active_cycles},
              {"fram_reads", bus.fram_reads},
              {"fram_cache_hits", bus.fram_cache_hits},
              {"fram_writes", bus.fram_writes},
              {"fram_cache_hit_ratio",
               fram_accesses ? double(bus.fram_cache_hits) / double(fram_accesses) : 0.0},
              {"wakeups", pw.wakeups},
              {"resets_without_power_loss", resets_},
              {"uart_lines", uart_lines_}};
  ordered_json pcs = ordered_json::array();
  for (const auto& [pc, n] : power_loss_pcs_) {
    pcs.push_back({{"pc", pc}, {"where", symbols_.symbolize(pc)}, {"count", n}});
  }
  j["power"] = {{"boots", m.boots()},
                {"boots_aborted", boots_aborted_},
                {"power_failures", m.power_losses()},
                {"power_failure_pcs", pcs}};
  j["energy"] = {{"initial_J", books.initial_J},
                 {"final_J", final_J},
                 {"harvested_J", books.harvested_J},
                 {"delivered_J", books.delivered_J},
                 {"converter_loss_J", books.converter_loss_J},
                 {"leaked_J", books.leaked_J},
                 {"clipped_J", books.clipped_J},
                 {"books_residual_J", books.initial_J + books.harvested_J + books.debugger_J -
                                          final_J - books.consumed_total_J()},
                 {"mcu_consumed_J", pw.energy_J},
                 {"mcu_charge_C", pw.charge_C},
                 {"mcu_charge_breakdown_C",
                  {{"active", pw.active_C},
                   {"low_power", pw.low_power_C},
                   {"peripherals", pw.peripheral_C},
                   {"events", pw.event_C},
                   {"boot", pw.boot_C}}}};
  // Only a debugged run (monitor charge) has it; other summaries keep their shape.
  if (books.debugger_J != 0) j["energy"]["debugger_J"] = books.debugger_J;
  ordered_json markers = ordered_json::array();
  for (const auto& [id, st] : markers_) {
    ordered_json entry = {{"id", id}};
    if (const std::string& name = symbols_.marker_name(id); !name.empty()) entry["name"] = name;
    entry["count"] = st.count;
    entry["last_arg"] = st.last_arg;
    entry["first_time_s"] = st.first_time_s;
    entry["last_time_s"] = st.last_time_s;
    markers.push_back(entry);
  }
  ordered_json progress = {{"markers", markers}};
  const auto& pc = scenario_.progress;
  if (pc.commit_marker) {
    progress["commit_marker"] = *pc.commit_marker;
    progress["commits"] = commits_;
    progress["cycles_lost_to_reexecution"] = cycles_lost_;
  }
  if (pc.done_marker) {
    auto it = markers_.find(*pc.done_marker);
    const uint64_t done = it == markers_.end() ? 0 : it->second.count;
    progress["done_marker"] = *pc.done_marker;
    progress["work_units_done"] = done;
    progress["work_units_per_hour"] = sim_s > 0 ? double(done) * 3600.0 / sim_s : 0.0;
    progress["first_done_s"] = done ? ordered_json(it->second.first_time_s) : ordered_json();
  }
  j["progress"] = progress;
  // GPIO output changes per port (each is also an event in events.jsonl).
  ordered_json gpio = ordered_json::object();
  for (const auto& [port, st] : gpio_) {
    gpio[port] = {{"changes", st.changes}, {"last_value", st.last_value}};
  }
  j["gpio"] = gpio;
  if (!memory_dumps_.is_null()) j["memory"] = memory_dumps_;
  // Hardware the model does not have, touched by the firmware: never silent (docs/run.md).
  uint64_t unmodelled_total = 0;
  ordered_json addresses = ordered_json::array();
  for (const auto& [address, st] : unmodelled_) {
    unmodelled_total += st.reads + st.writes;
    addresses.push_back(
        {{"address", address},
         {"peripheral", st.peripheral.empty() ? ordered_json() : ordered_json(st.peripheral)},
         {"reads", st.reads},
         {"writes", st.writes},
         {"first_where", symbols_.symbolize(st.first_pc)}});
  }
  j["unmodelled_accesses"] = {{"count", unmodelled_total}, {"addresses", addresses}};
  j["mpu_violations"] = mpu_violations_;
  if (inference_) j["inference"] = inference_->summary(sim_s);
  j["diagnostics"] = {{"run_ahead_bound_overruns", pw.bound_overruns}};
  return j;
}

void RunRecorder::write_results(double host_seconds) {
  drain_log(end_s_);
  if (!uart_pending_.empty()) text_lines(uart_pending_, "\n", "uart", end_s_);
  if (!host_pending_.empty()) text_lines(host_pending_, "\n", "host_log", end_s_);
  events_.flush();
  if (timeseries_.is_open()) timeseries_.flush();
  {
    std::ofstream out(fs::path(out_dir_) / "summary.json");
    out << summary().dump(2) << '\n';
    if (!out) throw InputError(out_dir_ + "/summary.json: cannot write");
  }
  {
    // Host timing changes from run to run, so it stays out of summary.json (which must be
    // byte-identical for the same scenario and seed).
    const auto& ctx = mcu_.ctx();
    std::ofstream out(fs::path(out_dir_) / "host.json");
    ordered_json h = {
        {"host_seconds", host_seconds},
        {"simulated_seconds", end_s_},
        // All MCLK cycles, including LPM cycles that are skipped in closed form.
        {"cycles_per_host_second", host_seconds > 0 ? double(ctx.cycles) / host_seconds : 0.0},
        {"active_cycles_per_host_second",
         host_seconds > 0 ? double(mcu_.power_totals().active_cycles) / host_seconds : 0.0},
        {"realtime_factor", host_seconds > 0 ? end_s_ / host_seconds : 0.0},
        // While powered: the interpreter plus the energy model's per-stretch work.
        {"host_powered_seconds", mcu_.host_powered_s()},
        {"host_interpreter_seconds", mcu_.host_interpreter_s()},
        {"cycles_per_host_second_while_powered",
         mcu_.host_powered_s() > 0 ? double(ctx.cycles) / mcu_.host_powered_s() : 0.0},
        {"host_fraction_outside_interpreter",
         host_seconds > 0 ? 1.0 - mcu_.host_interpreter_s() / host_seconds : 0.0}};
    out << h.dump(2) << '\n';
  }
  if (progress_.drew()) {
    update_progress(true);
    progress_.finish();
  }
}

}  // namespace ehsim

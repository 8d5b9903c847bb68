#include "energy/supply_module.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ehsim::energy {

namespace {
double now_s() {
  return sc_core::sc_time_stamp().to_seconds();
}
// First look-ahead after a change; doubles up to lookahead_s while nothing changes.
constexpr double kFirstChunk_s = 1e-3;
}  // namespace

Supply::Supply(sc_core::sc_module_name name, std::shared_ptr<const SupplyCore> core,
               double lookahead_s)
    : sc_module(name),
      power_good_signal("power_good"),
      core_(std::move(core)),
      lookahead_s_(lookahead_s),
      state_(core_->initial_state()) {
  power_good_signal.write(state_.power_good);
  SC_THREAD(run);
}

void Supply::publish(const SupplyEvent& ev) {
  pg_time_s_ = ev.t_s;
  const sc_core::sc_process_handle current = sc_core::sc_get_current_process_handle();
  if (current.valid() && current != run_process_) {
    // Another process's read of the supply crossed a threshold that lay within the rounding of
    // its time to the SystemC resolution. The signal has one driver, run(), which publishes this
    // when it wakes: the same simulated time, the next delta.
    pending_.emplace_back(ev, state_.v_V);
    wake_.notify(sc_core::SC_ZERO_TIME);
    return;
  }
  emit(ev, state_.v_V);
}

void Supply::emit(const SupplyEvent& ev, double v_V) {
  const bool pg = ev.kind == SupplyEventKind::power_good_rise;
  power_good_signal.write(pg);
  (pg ? rise_ : fall_).notify(sc_core::SC_ZERO_TIME);
  changed_.notify(sc_core::SC_ZERO_TIME);
  if (listener_) listener_(ev.t_s, pg, v_V);
}

void Supply::sync_to_now() {
  const double t = now_s();
  SupplyEvent ev;
  // An event can precede now only by the rounding of its time to the SystemC resolution.
  while (core_->advance(state_, t, &ev)) {
    publish(ev);
    ++generation_;
  }
}

void Supply::set_load_current(double amps) {
  sync_to_now();
  if (amps == state_.load_A) return;
  state_.load_A = amps;
  ++generation_;
  wake_.notify(sc_core::SC_ZERO_TIME);
}

double Supply::voltage_V() {
  sync_to_now();
  return core_->terminal_V(state_);
}

double Supply::capacitor_V() {
  sync_to_now();
  return state_.v_V;
}

void Supply::set_capacitor_V(double v_V) {
  sync_to_now();
  const bool changed = core_->set_voltage(state_, v_V);
  ++generation_;
  wake_.notify(sc_core::SC_ZERO_TIME);
  if (changed) {
    // Called from the debugger in the MCU's thread: publish() hands the change to run().
    publish(SupplyEvent{state_.t_s, state_.power_good ? SupplyEventKind::power_good_rise
                                                      : SupplyEventKind::power_good_fall});
  }
}

Books Supply::books() {
  sync_to_now();
  return state_.books;
}

double Supply::rail_integral_Vs() {
  sync_to_now();
  return state_.rail_Vs;
}

double Supply::next_event_time_s() {
  sync_to_now();
  SupplyState probe = state_;
  SupplyEvent ev;
  if (core_->advance(probe, state_.t_s + lookahead_s_, &ev)) return ev.t_s;
  return std::numeric_limits<double>::infinity();
}

double Supply::power_loss_time_s(double load_A, double horizon_s) {
  sync_to_now();
  if (!state_.power_good) return state_.t_s;
  SupplyState probe = state_;
  probe.load_A = load_A;
  SupplyEvent ev;
  if (core_->advance(probe, state_.t_s + horizon_s, &ev) &&
      ev.kind == SupplyEventKind::power_good_fall) {
    return ev.t_s;
  }
  return std::numeric_limits<double>::infinity();
}

double Supply::rail_V() {
  sync_to_now();
  const double terminal = core_->terminal_V(state_);
  const auto& converter = core_->params().converter;
  if (converter.type == ConverterType::none) return terminal;
  return std::min(terminal, converter.vout_V);
}

void Supply::run() {
  run_process_ = sc_core::sc_get_current_process_handle();
  if (state_.power_good) {
    publish(SupplyEvent{0.0, SupplyEventKind::power_good_rise});
  }
  // Predictions run ahead in chunks that double while the load stays put, so a load change
  // (typically right after a power-good change) wastes at most the last chunk.
  double chunk_s = std::min(kFirstChunk_s, lookahead_s_);
  for (;;) {
    sync_to_now();
    for (const auto& [ev, v_V] : pending_) emit(ev, v_V);
    pending_.clear();
    const unsigned long gen = generation_;
    SupplyState probe = state_;
    SupplyEvent ev;
    const double horizon = state_.t_s + chunk_s;
    const bool has_event = core_->advance(probe, horizon, &ev);
    const double t_target = has_event ? ev.t_s : horizon;
    const sc_core::sc_time until =
        sc_core::sc_time_stamp() +
        sc_core::sc_time(std::max(0.0, t_target - now_s()), sc_core::SC_SEC);
    // A wake_ notified before this wait began can end it early without a load change: then the
    // prediction still holds but lies in the future, so wait for the rest of it.
    do {
      wait(until - sc_core::sc_time_stamp(), wake_);
    } while (generation_ == gen && sc_core::sc_time_stamp() < until);
    if (generation_ != gen) {  // the load changed: predict again from now
      chunk_s = std::min(kFirstChunk_s, lookahead_s_);
      continue;
    }
    // Adopt the prediction: it is the state at exactly t_target.
    state_ = probe;
    if (has_event) {
      publish(ev);
      chunk_s = std::min(kFirstChunk_s, lookahead_s_);
    } else {
      chunk_s = std::min(2.0 * chunk_s, lookahead_s_);
    }
  }
}

}  // namespace ehsim::energy

// The MCU on a supply (docs/architecture.md "The power interface and power failure"): the run loop
// used when McuConfig::supply is set. The CPU still runs ahead of SystemC time, but each stretch is
// bounded so the supply cannot fail inside it: before a stretch the MCU asks the supply when power
// would fail under an upper bound of its current (exact when asleep, where the current is known),
// and runs at most until then. Near the failure the stretches shrink to one instruction, so power
// is lost after the instruction during which the capacitor crosses the turn-off level. After each
// stretch the MCU reports the stretch's mean current (charge from the datasheet current model /
// duration) from the stretch's start, then waits for the stretch's duration. Its energy book is
// that current times the supply's integral of the rail voltage over the stretch, so it equals the
// energy the supply delivered to the rail (not the charge times the voltage at the start).
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "mcu_model/mcu.h"

namespace ehsim::mcu {
namespace {

using power::LowPowerMode;

double sc_now_s() {
  return sc_core::sc_time_stamp().to_seconds();
}

// SR low-power bits to mode (TI header LPMx_bits, facts §3.6). PMMREGOFF (LPMx.5) is not modelled:
// such a request sleeps as LPM3/LPM4 with SRAM kept.
LowPowerMode low_power_mode(uint16_t sr) {
  const bool scg0 = sr & kSrSCG0, scg1 = sr & kSrSCG1, oscoff = sr & kSrOSCOFF;
  if (scg1 && scg0) return oscoff ? LowPowerMode::kLpm4 : LowPowerMode::kLpm3;
  if (scg1) return LowPowerMode::kLpm2;
  if (scg0) return LowPowerMode::kLpm1;
  return LowPowerMode::kLpm0;
}

// Wake-up time from each low-power mode to active mode, indexed by LowPowerMode (SLASE54D
// operating-modes table, facts §3.6 [V]): LPM0 instant, LPM1/LPM2 6 us, LPM3/LPM4 7 us,
// LPM3.5/LPM4.5 250 us.
constexpr std::array<double, power::kNumLowPowerModes> kWakeupTime_s{0.0,  6e-6,   6e-6,  7e-6,
                                                                     7e-6, 250e-6, 250e-6};

// How far a sleeping MCU with nothing scheduled looks ahead in one stretch (the supply
// predicts in closed form, so a long stretch costs no more than a short one).
constexpr double kSleepHorizon_s = 60.0;

// Safety factor on the active-current bound: the model's current for a stretch is a mean over
// it, and the event charges (resets, FRAM activation) are spread over the stretch.
constexpr double kActiveBoundFactor = 1.5;

}  // namespace

double Mcu::active_current_bound_A() const {
  // Executing at 0 % cache hit ratio is the most expensive way to run (every access reaches
  // the FRAM array), plus every peripheral adder the model has.
  double bound = power::CurrentModel::active_fram_current_A(ctx_.mclk_hz, 0.0) +
                 power::CurrentModel::adc_conversion_current_A() +
                 power::CurrentModel::comparator_current_A() +
                 power::CurrentModel::reference_current_A() +
                 power::CurrentModel::mpy_charge_per_cycle_C() * ctx_.mclk_hz;
  for (const auto& t : timers_) {
    bound += power::CurrentModel::timer_a_charge_per_clock_C() * t->source_clock_hz();
  }
  return kActiveBoundFactor * bound;
}

void Mcu::account_stretch(double duration_s, uint64_t active_cycles, uint64_t sleep_cycles,
                          LowPowerMode mode, double vcc_V) {
  power::IntervalActivity a = pending_wakeups_;
  pending_wakeups_ = power::IntervalActivity{};
  a.mclk_hz = ctx_.mclk_hz;
  a.vcc_V = vcc_V;
  a.active_cycles = active_cycles;
  const BusStats& now = bus_.stats();
  a.fram_reads = now.fram_reads - stats_at_sync_.fram_reads;
  a.fram_cache_hits = now.fram_cache_hits - stats_at_sync_.fram_cache_hits;
  a.fram_writes = now.fram_writes - stats_at_sync_.fram_writes;
  stats_at_sync_ = now;
  a.lpm_time_s[size_t(mode)] = double(sleep_cycles) / ctx_.mclk_hz;
  // Peripheral states hold over a stretch: the MCU syncs whenever one changes its schedule.
  if (adc_->conversion_active()) a.adc_converting_s = duration_s;
  if (comp_->is_on()) a.comparator_on_s = duration_s;
  if (ref_->is_on()) a.reference_on_s = duration_s;
  for (const auto& t : timers_) {
    if (t->counting()) a.timer_a_clock_cycles += double(t->source_clock_hz()) * duration_s;
  }
  if (energy_guard_ && duration_s > 0) {
    // Guarded: the stretch ran on the debugger's power (Mcu::set_energy_guard).
    last_stretch_ = ReportedStretch{sc_now_s(), duration_s, {}, 0};
    set_supply_load(0.0);
    return;
  }
  if (!(duration_s > 0)) {
    // No time passed, so nothing can be drawn: the wake-up charges go with the next stretch
    // (counting them here too would book them twice and the supply would never see them).
    pending_wakeups_.wakeups = a.wakeups;
    return;
  }
  const power::IntervalCharge q = power::CurrentModel::charge(a);
  const double boot_C = boot_charge_to_draw_C_;
  boot_charge_to_draw_C_ = 0;
  auto& tot = power_totals_;
  tot.charge_C += q.charge_C + boot_C;
  tot.boot_C += boot_C;
  tot.active_C += q.active_C;
  tot.low_power_C += q.low_power_C;
  tot.peripheral_C += q.peripheral_C;
  tot.event_C += q.event_C;
  tot.active_cycles += active_cycles;
  tot.active_s += double(active_cycles) / ctx_.mclk_hz;
  tot.low_power_s += a.lpm_time_s[size_t(mode)];
  last_stretch_ = ReportedStretch{sc_now_s(), duration_s, q, boot_C};
  next_load_segment_ = LoadSegment{q.charge_C + boot_C, q.low_power_C, boot_C, true};
  set_supply_load((q.charge_C + boot_C) / duration_s);
}

void Mcu::set_supply_load(double amps) {
  SupplyPort& supply = *config_.supply;
  const double rail_Vs = supply.rail_voltage_integral_Vs();
  const double booked_J = supply_load_A_ * (rail_Vs - supply_rail_Vs_mark_);
  power_totals_.energy_J += booked_J;
  if (load_listener_) load_listener_(booked_J, load_segment_, next_load_segment_);
  load_segment_ = next_load_segment_;
  next_load_segment_ = LoadSegment{};
  supply_rail_Vs_mark_ = rail_Vs;
  supply_load_A_ = amps;
  supply.set_load_current_A(amps);
}

// The supply disconnects the rail at the instant the capacitor crosses turn-off, which lies inside
// the stretch just reported (the instruction during which it crossed): the MCU draws nothing
// after it, so its charge book keeps only the powered fraction of that stretch. (The energy book
// needs no refund: the rail-voltage integral stops growing when the rail is disconnected.)
void Mcu::refund_unpowered_tail() {
  const ReportedStretch& s = last_stretch_;
  if (s.duration_s <= 0) return;
  const double powered_s = config_.supply->power_change_time_s() - s.start_s;
  const double unpowered = 1.0 - std::clamp(powered_s / s.duration_s, 0.0, 1.0);
  if (unpowered <= 0) return;
  auto& tot = power_totals_;
  tot.charge_C -= unpowered * (s.charge.charge_C + s.boot_C);
  tot.boot_C -= unpowered * s.boot_C;
  tot.active_C -= unpowered * s.charge.active_C;
  tot.low_power_C -= unpowered * s.charge.low_power_C;
  tot.peripheral_C -= unpowered * s.charge.peripheral_C;
  tot.event_C -= unpowered * s.charge.event_C;
  last_stretch_ = ReportedStretch{};
}

void Mcu::sync_supply_to_local_time() {
  if (!config_.supply || !powered_) return;
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const sc_core::sc_time local = local_time();
  if (local <= now) return;
  const double vcc_V = config_.supply->rail_voltage_V();
  account_stretch((local - now).to_seconds(), ctx_.cycles - sync_cycles_, 0, LowPowerMode::kLpm0,
                  vcc_V);
  sc_core::wait(local - now);
  sync_cycles_ = ctx_.cycles;
  // The bound makes this impossible unless it was violated; stop after this instruction.
  if (!config_.supply->power_good()) ctx_.request_sync();
}

void Mcu::boot_from_supply() {
  SupplyPort& supply = *config_.supply;
  const double now = sc_now_s();
  const double end_s = config_.end_time_s > 0 ? config_.end_time_s : HUGE_VAL;
  const double delay_s = std::min(config_.boot_delay_s, end_s - now);
  const double current_A =
      config_.boot_delay_s > 0 ? config_.boot_charge_C / config_.boot_delay_s : 0.0;
  if (delay_s > 0) {
    next_load_segment_ = LoadSegment{config_.boot_charge_C, 0, config_.boot_charge_C, false};
    set_supply_load(current_A);
    // Only a power failure cuts the delay short: a power-good change notified before the wait
    // began (the supply announces an initial power-good at time 0) must not end it.
    const sc_core::sc_time until =
        sc_core::sc_time_stamp() + sc_core::sc_time(delay_s, sc_core::SC_SEC);
    do {
      sc_core::wait(until - sc_core::sc_time_stamp(), supply.power_changed_event());
    } while (supply.power_good() && sc_core::sc_time_stamp() < until);
    const double spent_s = sc_now_s() - now;
    power_totals_.charge_C += current_A * spent_s;
    power_totals_.boot_C += current_A * spent_s;
    power_totals_.boot_s += spent_s;
    set_supply_load(0.0);
  } else if (config_.boot_delay_s <= 0) {
    boot_charge_to_draw_C_ = config_.boot_charge_C;  // booked and drawn with the first stretch
  }
  if (!supply.power_good()) {
    emit(McuEventKind::kBootAborted);
    return;
  }
  if (sc_now_s() >= end_s) return;  // the run ends during the boot delay
  power_on();
  host_powered_since_ = std::chrono::steady_clock::now();
  stats_at_sync_ = bus_.stats();
  sync_cycles_ = ctx_.cycles;
  ++boots_;
  emit(McuEventKind::kBoot);
  if (comp_->is_on()) comp_->supply_voltage_changed(supply.rail_voltage_V());
}

void Mcu::note_host_powered_time() {
  if (host_powered_since_ == std::chrono::steady_clock::time_point{}) return;
  host_powered_s_ +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - host_powered_since_).count();
  host_powered_since_ = {};
}

void Mcu::lose_power() {
  note_host_powered_time();
  ++power_losses_;
  emit(McuEventKind::kPowerLoss);
  power_off(config_.sram_pattern);
  set_supply_load(0.0);
  ctx_.stop_requested = false;
  ctx_.sync_requested = false;
}

StopReason Mcu::run_stretch(uint64_t limit, uint64_t* sleep_cycles, LowPowerMode* mode) {
  *sleep_cycles = 0;
  *mode = low_power_mode(cpu_.sr());
  // Waking from a low-power mode takes the datasheet's wake-up time (spent at LPM current) and
  // costs its wake-up charge.
  if (cpu_.sleeping() && ctx_.irq.any_pending() && (cpu_.sr() & kSrGIE)) {
    const uint64_t wake_cycles =
        uint64_t(std::llround(kWakeupTime_s[size_t(*mode)] * ctx_.mclk_hz));
    ctx_.cycles += wake_cycles;
    *sleep_cycles += wake_cycles;
    ++pending_wakeups_.wakeups[size_t(*mode)];
    ++power_totals_.wakeups;
    if (ctx_.cycles >= limit) return StopReason::kCycleLimit;
  }
  const auto host_t0 = std::chrono::steady_clock::now();
  const StopReason stop = cpu_.run(std::max(limit, ctx_.cycles + 1));
  host_interpreter_s_ +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - host_t0).count();
  if (stop == StopReason::kSleep) {
    *mode = low_power_mode(cpu_.sr());
    const uint64_t wake = std::min(next_peripheral_event(), limit);
    if (wake > ctx_.cycles) {
      *sleep_cycles += wake - ctx_.cycles;
      ctx_.cycles = wake;
    }
  }
  return stop;
}

void Mcu::run_on_supply() {
  SupplyPort& supply = *config_.supply;
  const double end_s = config_.end_time_s > 0 ? config_.end_time_s : HUGE_VAL;
  const double quantum_s = config_.quantum.to_seconds();
  while (!finished()) {
    if (!powered_) {
      set_supply_load(0.0);
      while (!supply.power_good()) {
        const double now = sc_now_s();
        if (now >= end_s) break;
        if (std::isinf(end_s)) {
          sc_core::wait(supply.power_changed_event());
        } else {
          sc_core::wait(sc_core::sc_time(end_s - now, sc_core::SC_SEC),
                        supply.power_changed_event());
        }
      }
      if (sc_now_s() >= end_s) {
        finish(ExitReason::kEndTime);
        break;
      }
      boot_from_supply();
      // A debugger takes control at the first instruction of the first boot.
      if (debug_ && powered_ && boots_ == 1 && !debug_halt(HaltReason::kAttach)) break;
      if (debug_ && powered_ && boots_ > 1 && debug_->breaks_on(HaltReason::kBoot) &&
          !debug_halt(HaltReason::kBoot)) {
        break;
      }
      continue;
    }
    if (!debug_poll()) break;

    advance_peripherals();
    perform_pending_reset();
    if (ctx_.cycles >= config_.max_cycles) {
      finish(ExitReason::kMaxCycles);
      break;
    }
    const double now_s = sc_now_s();
    if (now_s >= end_s) {
      finish(ExitReason::kEndTime);
      break;
    }
    const double hz = ctx_.mclk_hz;
    const uint64_t next_event = next_peripheral_event();
    const double vcc_V = supply.rail_voltage_V();
    comp_->supply_voltage_changed(vcc_V);

    // How far this stretch may go.
    const bool will_sleep = cpu_.sleeping() && !(ctx_.irq.any_pending() && (cpu_.sr() & kSrGIE));
    double horizon_s = will_sleep ? kSleepHorizon_s : quantum_s;
    if (next_event != kNeverCycle) {
      horizon_s = std::min(horizon_s, double(next_event - ctx_.cycles) / hz);
    }
    horizon_s = std::min(horizon_s, end_s - now_s);
    if (comp_->has_supply_threshold()) horizon_s = std::min(horizon_s, config_.comparator_poll_s);
    double bound_A = energy_guard_ ? 0.0 : active_current_bound_A();
    if (will_sleep && !energy_guard_) {
      const LowPowerMode mode = low_power_mode(cpu_.sr());
      bound_A = power::CurrentModel::low_power_current_A(mode, cs_->smclk_hz(), vcc_V);
      if (comp_->is_on()) bound_A += power::CurrentModel::comparator_current_A();
      for (const auto& t : timers_) {
        if (t->counting()) {
          bound_A += power::CurrentModel::timer_a_charge_per_clock_C() * t->source_clock_hz();
        }
      }
    }
    const double fail_s = supply.power_loss_time_s(bound_A, std::max(horizon_s, 0.0));
    const double budget_s = std::min(horizon_s, fail_s - now_s);
    const double budget_cycles = std::floor(std::max(budget_s, 0.0) * hz);
    uint64_t limit = ctx_.cycles + std::max<uint64_t>(1, uint64_t(budget_cycles));
    limit = std::min({limit, next_event, config_.max_cycles});
    limit = std::max(limit, ctx_.cycles + 1);
    if (debug_step_) limit = ctx_.cycles + 1;  // one instruction

    uint64_t sleep_cycles = 0;
    LowPowerMode mode = LowPowerMode::kLpm0;
    const StopReason stop = run_stretch(limit, &sleep_cycles, &mode);
    note_clock_change();

    // Report the stretch to the supply and let SystemC time catch up with it.
    const sc_core::sc_time sc_now = sc_core::sc_time_stamp();
    const sc_core::sc_time local = local_time();
    const double stretch_s = local > sc_now ? (local - sc_now).to_seconds() : 0.0;
    const uint64_t ran_cycles = ctx_.cycles - sync_cycles_;
    account_stretch(stretch_s, ran_cycles - std::min(ran_cycles, sleep_cycles), sleep_cycles, mode,
                    vcc_V);
    if (local > sc_now) sc_core::wait(local - sc_now);
    sync_cycles_ = ctx_.cycles;

    if (!supply.power_good()) {
      if (fail_s > local.to_seconds()) ++power_totals_.bound_overruns;
      // The debugger sees the state the failure is about to destroy; it may recharge the supply.
      if (debug_ && debug_->breaks_on(HaltReason::kPowerFail)) {
        if (!debug_halt(HaltReason::kPowerFail)) break;
        if (supply.power_good()) continue;
      }
      refund_unpowered_tail();
      lose_power();
      continue;
    }
    if (handle_fault()) break;
    if (host_io_->exited()) {
      finish(ExitReason::kHostExit);
      break;
    }
    const AfterStop after = stop_at_watch_or_break(stop);
    if (after == AfterStop::kEnded) break;
    if (after == AfterStop::kNextStretch) continue;
    if (stretch_listener_ && stretch_listener_()) {
      finish(ExitReason::kStopCondition);
      break;
    }
    if (debug_step_ && !debug_halt(HaltReason::kStep)) break;
  }
  note_host_powered_time();
  set_supply_load(0.0);
}

}  // namespace ehsim::mcu

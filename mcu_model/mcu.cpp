#include "mcu_model/mcu.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "mcu_model/elf/elf_load.h"
#include "mcu_model/periph/reset_codes.h"

namespace ehsim::mcu {
namespace {

// A reset takes 4 MCLK cycles before the first instruction (SLAU445I Table 4-8 "WDT reset" /
// "Reset (RST/NMI)", facts §1.2).
constexpr uint64_t kResetCycles = 4;

// Advances every peripheral whose event is due (like Mcu::advance_peripherals) and returns the
// earliest next event (like Mcu::next_peripheral_event) in one pass over the peripherals when
// none was due, which is the common case once per quantum. An advance may move another
// peripheral's event, so after any advance the minimum is taken again from scratch. `now` is
// ctx.cycles, read afresh for each peripheral like advance_peripherals does.
uint64_t advance_and_next_event(const std::vector<Peripheral*>& peripherals, const uint64_t& now) {
  uint64_t next = kNeverCycle;
  bool advanced = false;
  for (Peripheral* p : peripherals) {
    const uint64_t event = p->next_event_cycle();
    if (event <= now) {
      p->advance_to(now);
      advanced = true;
    } else {
      next = std::min(next, event);
    }
  }
  if (advanced) {
    next = kNeverCycle;
    for (const Peripheral* p : peripherals) next = std::min(next, p->next_event_cycle());
  }
  return next;
}

}  // namespace

const char* to_string(McuEventKind kind) {
  switch (kind) {
    case McuEventKind::kBoot:
      return "boot";
    case McuEventKind::kBootAborted:
      return "boot_aborted";
    case McuEventKind::kPowerLoss:
      return "power_loss";
    case McuEventKind::kReset:
      return "reset";
    case McuEventKind::kFault:
      return "fault";
    case McuEventKind::kEnd:
      return "end";
  }
  return "?";
}

const char* to_string(ExitReason reason) {
  switch (reason) {
    case ExitReason::kEndTime:
      return "end_time";
    case ExitReason::kStopCondition:
      return "stop_condition";
    case ExitReason::kDebugger:
      return "debugger";
    case ExitReason::kBreak:
      return "break";
    case ExitReason::kHostExit:
      return "host_exit";
    case ExitReason::kMaxCycles:
      return "max_cycles";
    case ExitReason::kUntil:
      return "until";
    case ExitReason::kFault:
      return "fault";
    case ExitReason::kSleep:
      return "sleep";
    case ExitReason::kNone:
      break;
  }
  return "none";
}

Mcu::Mcu(sc_core::sc_module_name name, const McuConfig& config)
    : sc_core::sc_module(name), config_(config), bus_(config_.map, ctx_), cpu_(bus_, ctx_) {
  sfr_ = std::make_unique<Sfr>(ctx_);
  pmm_ = std::make_unique<Pmm>(ctx_);
  frctl_ = std::make_unique<FrctlA>(ctx_, bus_);
  cs_ = std::make_unique<Cs>(ctx_);
  wdt_ = std::make_unique<WdtA>(ctx_, *cs_, *sfr_);
  sys_ = std::make_unique<Sys>(ctx_);
  // Port blocks (TI msp430fr5994.h): PA 0200h, PB 0220h, PC 0240h, PD 0260h, PJ 0320h; vectors
  // PORT1 39, PORT2 36, PORT3 33, PORT4 32, PORT5 27, PORT6 26, PORT7 20, PORT8 19 (facts §2.1);
  // port J has none.
  ports_.push_back(std::make_unique<GpioPorts>(ctx_, 0x0200, "P1", "P2", log_, 39, 36));
  ports_.push_back(std::make_unique<GpioPorts>(ctx_, 0x0220, "P3", "P4", log_, 33, 32));
  ports_.push_back(std::make_unique<GpioPorts>(ctx_, 0x0240, "P5", "P6", log_, 27, 26));
  ports_.push_back(std::make_unique<GpioPorts>(ctx_, 0x0260, "P7", "P8", log_, 20, 19));
  ports_.push_back(std::make_unique<GpioPorts>(ctx_, 0x0320, "PJ", "", log_));
  for (const PinInput& in : config_.gpio_inputs) {
    const bool known = std::any_of(ports_.begin(), ports_.end(),
                                   [&in](const auto& port) { return port->has_port(in.port); });
    if (!known || in.pin > 7) {
      SC_REPORT_ERROR("ehsim/mcu", ("gpio input names no pin: " + in.port + "." +
                                    std::to_string(in.pin) + " (ports P1..P8, PJ; pins 0..7)")
                                       .c_str());
    }
  }
  if (!config_.gpio_inputs.empty()) {
    for (auto& port : ports_) {
      port->set_inputs(config_.gpio_inputs, [this](double t) { return cycle_at_time(t); });
    }
  }
  mpy_ = std::make_unique<Mpy32>(ctx_);
  uart_a0_ =
      std::make_unique<EusciAUart>(ctx_, EusciAUart::kBaseA0, EusciAUart::kVectorA0, *cs_, log_);
  host_io_ = std::make_unique<HostIo>(ctx_, log_);
  host_io_->set_clock([this] { return local_time().to_seconds(); });
  // Timer_B0 is the same class (timer_a.h); in timers_ its clock counts in the current model too.
  for (const TimerAConfig* t : {&kTimerA0, &kTimerA1, &kTimerA2, &kTimerA3, &kTimerA4, &kTimerB0}) {
    timers_.push_back(std::make_unique<TimerA>(ctx_, *cs_, *t));
  }
  dma_ = std::make_unique<Dma>(ctx_, bus_);
  mpu_ = std::make_unique<Mpu>(ctx_, bus_);
  mpu_->set_violation_listener([this](MpuViolation& v) {
    v.pc = cpu_.instruction_pc();
    if (mpu_listener_) mpu_listener_(v);
  });
  adc_ = std::make_unique<Adc12B>(ctx_, *cs_);
  comp_ = std::make_unique<CompE>(ctx_);
  ref_ = std::make_unique<RefA>(
      ctx_, [this](double level_V, bool) { adc_->set_internal_reference_V(level_V); });
  peripherals_ = {sfr_.get(), pmm_.get(), frctl_.get(), cs_.get(), wdt_.get(), sys_.get()};
  for (auto& port : ports_) peripherals_.push_back(port.get());
  peripherals_.push_back(mpy_.get());
  peripherals_.push_back(uart_a0_.get());
  peripherals_.push_back(host_io_.get());
  for (auto& t : timers_) peripherals_.push_back(t.get());
  peripherals_.push_back(adc_.get());
  peripherals_.push_back(comp_.get());
  peripherals_.push_back(ref_.get());
  peripherals_.push_back(dma_.get());
  peripherals_.push_back(mpu_.get());
  for (Peripheral* p : peripherals_) bus_.attach(*p);

  // Every peripheral hears of every clock change (Peripheral::clocks_changed), in attach order.
  cs_->set_on_change([this] {
    for (Peripheral* p : peripherals_) p->clocks_changed();
  });
  ctx_.strict_peripherals = config_.strict_peripherals;
  ctx_.on_unmodelled = [this](UnmodelledAccess& access) {
    access.pc = cpu_.instruction_pc();
    if (unmodelled_listener_) unmodelled_listener_(access);
  };
  rng_state_ = config_.seed;
  if (config_.supply) {
    // The ADC samples AVCC when a conversion starts; bring the supply up to the MCU's own time
    // first, so the sample sees the voltage at that instruction, not at the last sync point.
    adc_->set_supply_voltage_source([this] {
      sync_supply_to_local_time();
      return config_.supply->rail_voltage_V();
    });
  }
  if (config_.initial_mclk_hz != 0 && !cs_->preset_mclk(config_.initial_mclk_hz)) {
    SC_REPORT_ERROR("ehsim/mcu", "initial MCLK frequency is not reachable from the DCO table");
  }
  // "The maximum FRAM memory access speed is 8 MHz … configure the FRAM wait states in software
  // before configuring the MCLK frequency" (SLAAE74A; SLASE54D "FRAM"): a preset MCLK above
  // 8 MHz comes with NWAITS = 1, which covers up to 16 MHz, as the firmware's clock set-up would.
  if (config_.initial_mclk_hz > 8'000'000) frctl_->preset_nwaits(1);
  epoch_hz_ = ctx_.mclk_hz;
  powered_ = false;
  SC_THREAD(run_thread);
}

Mcu::~Mcu() = default;

bool Mcu::load(const ElfImage& image, std::string* error) {
  return load_elf_into(image, bus_, error);
}

sc_core::sc_time Mcu::local_time() const {
  // An unpowered MCU does not run ahead: its time is SystemC's.
  if (!powered_ && config_.supply) return sc_core::sc_time_stamp();
  return epoch_time_ +
         sc_core::sc_time(double(ctx_.cycles - epoch_cycles_) / epoch_hz_, sc_core::SC_SEC);
}

uint64_t Mcu::cycle_at_time(double time_s) const {
  // Cycles before the present clock epoch have run: anything due then is due now.
  const double since = time_s - epoch_time_.to_seconds();
  if (since <= 0) return epoch_cycles_;
  return epoch_cycles_ + uint64_t(std::ceil(since * double(epoch_hz_)));
}

double Mcu::time_of_cycle_s(uint64_t cycle) const {
  return epoch_time_.to_seconds() + (double(cycle) - double(epoch_cycles_)) / epoch_hz_;
}

void Mcu::emit(McuEventKind kind, uint16_t code) {
  if (!listener_) return;
  McuEvent ev;
  ev.kind = kind;
  ev.time_s = local_time().to_seconds();
  ev.cycles = ctx_.cycles;
  ev.instructions = ctx_.instructions;
  ev.pc = cpu_.pc();
  ev.code = code;
  listener_(ev);
}

void Mcu::note_clock_change() {
  if (ctx_.mclk_hz == epoch_hz_) return;
  epoch_time_ = local_time();
  epoch_cycles_ = ctx_.cycles;
  epoch_hz_ = ctx_.mclk_hz;
}

void Mcu::sync_time() {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const sc_core::sc_time local = local_time();
  qk_.set(local > now ? local - now : sc_core::SC_ZERO_TIME);
  if (qk_.need_sync()) qk_.sync();
}

uint64_t Mcu::next_peripheral_event() const {
  uint64_t next = kNeverCycle;
  for (const Peripheral* p : peripherals_) next = std::min(next, p->next_event_cycle());
  return next;
}

void Mcu::advance_peripherals() {
  for (Peripheral* p : peripherals_) {
    if (p->next_event_cycle() <= ctx_.cycles) p->advance_to(ctx_.cycles);
  }
}

void Mcu::reset(McuContext::ResetLevel level, uint16_t sysrstiv) {
  ctx_.irq.reset();
  ctx_.fault = Fault{};
  if (level == McuContext::ResetLevel::kPuc) {
    for (Peripheral* p : peripherals_) p->reset_puc();
    sys_->record_reset(sysrstiv);
    cpu_.puc();
  } else {
    for (Peripheral* p : peripherals_) p->reset_power_up();
    sys_->record_reset(sysrstiv);
    cpu_.power_on_reset();
  }
  note_clock_change();  // CS came out of reset: the reset cycles already run at its frequency
  ctx_.cycles += kResetCycles;
}

bool Mcu::perform_pending_reset() {
  if (ctx_.reset_request == McuContext::ResetLevel::kNone) return false;
  const auto level = ctx_.reset_request;
  const uint16_t code = ctx_.reset_sysrstiv;
  ctx_.reset_request = McuContext::ResetLevel::kNone;
  ctx_.reset_sysrstiv = 0;
  reset(level, code);
  emit(McuEventKind::kReset, code);
  return true;
}

bool Mcu::handle_fault() {
  if (ctx_.fault.kind == FaultKind::kNone) return false;
  if (config_.fault_policy == FaultPolicy::kStop) {
    finish(ExitReason::kFault);
    return true;
  }
  const FaultKind kind = ctx_.fault.kind;
  ctx_.fault = Fault{};
  if (kind == FaultKind::kVacantFetch || kind == FaultKind::kIllegalInstruction) {
    ctx_.request_puc(kRstPeriphFetch);
  }
  return false;
}

void Mcu::finish(ExitReason reason) {
  exit_reason_ = reason;
  if (reason == ExitReason::kFault) emit(McuEventKind::kFault, uint16_t(ctx_.fault.kind));
  emit(McuEventKind::kEnd, uint16_t(reason));
  finished_event_.notify(sc_core::SC_ZERO_TIME);
  if (debug_ && reason != ExitReason::kDebugger && reason != ExitReason::kBreak) {
    debug_->halted(HaltReason::kExited);
  }
  if (restart_requested_ && !config_.supply) {
    restart_requested_ = false;
    exit_reason_ = ExitReason::kNone;
    ctx_.fault = Fault{};
    ctx_.exit_code = 0;
    ctx_.stop_requested = false;
    ctx_.stop_reason = StopReason::kNone;
    host_io_->clear_exit();
    return;
  }
  debug_ = nullptr;
}

void Mcu::power_off(uint8_t sram_pattern) {
  if (!powered_) return;
  powered_ = false;
  if (config_.sram_at_power_loss == SramAtPowerLoss::kRandom) {
    // splitmix64: a seeded, platform-independent byte stream (deterministic results).
    uint64_t word = 0;
    unsigned left = 0;
    bus_.lose_volatile_state([this, &word, &left]() -> uint8_t {
      if (left == 0) {
        uint64_t z = (rng_state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        word = z ^ (z >> 31);
        left = 8;
      }
      --left;
      const uint8_t b = uint8_t(word);
      word >>= 8;
      return b;
    });
  } else {
    bus_.lose_volatile_state(sram_pattern);
  }
  ctx_.irq.reset();
  power_event_.notify(sc_core::SC_ZERO_TIME);
}

void Mcu::power_on() {
  if (powered_) return;
  powered_ = true;
  // The CPU's cycle clock pauses while unpowered: restart the mapping at the present time.
  epoch_time_ = sc_core::sc_time_stamp();
  epoch_cycles_ = ctx_.cycles;
  epoch_hz_ = ctx_.mclk_hz;
  reset(McuContext::ResetLevel::kBor, kRstBor);
  power_event_.notify(sc_core::SC_ZERO_TIME);
}

void Mcu::inject_power_failure() {
  ++power_losses_;
  emit(McuEventKind::kPowerLoss);
  power_off(config_.sram_pattern);
  power_on();
  ++boots_;
  emit(McuEventKind::kBoot);
}

bool Mcu::debug_halt(HaltReason reason) {
  // SystemC time stands at the MCU's time while the debugger holds it (on a supply it already
  // does after every stretch).
  if (!config_.supply) sync_time();
  const DebugAction action = debug_->halted(reason);
  if (reason == HaltReason::kWatchpoint) ctx_.watch_hit = McuContext::WatchHit{};
  debug_step_ = action == DebugAction::kStep;
  if (action == DebugAction::kDetach) debug_ = nullptr;
  if (action == DebugAction::kKill || action == DebugAction::kStop) {
    finish(action == DebugAction::kKill ? ExitReason::kDebugger : ExitReason::kBreak);
    return false;
  }
  return true;
}

Mcu::AfterStop Mcu::stop_at_watch_or_break(StopReason stop) {
  HaltReason reason = HaltReason::kNone;
  if (debug_ && ctx_.watch_hit.hit) {
    reason = HaltReason::kWatchpoint;
  } else if (stop == StopReason::kBreakpoint) {
    if (!debug_) {
      finish(ExitReason::kUntil);
      return AfterStop::kEnded;
    }
    reason = HaltReason::kBreakpoint;
  }
  if (reason == HaltReason::kNone) return AfterStop::kRunOn;
  return debug_halt(reason) ? AfterStop::kNextStretch : AfterStop::kEnded;
}

bool Mcu::debug_poll() {
  if (!debug_ || debug_step_) return true;
  const HaltReason reason = debug_->poll();
  return reason == HaltReason::kNone || debug_halt(reason);
}

void Mcu::run_thread() {
  if (config_.supply) {
    run_on_supply();
    if (config_.stop_simulation_when_done) sc_core::sc_stop();
    return;
  }
  tlm_utils::tlm_quantumkeeper::set_global_quantum(config_.quantum);
  qk_.reset();
  if (config_.powered_at_start) power_on();
  if (debug_ && powered_ && !debug_halt(HaltReason::kAttach)) return;
  // A run that a DebugPort restarted at its end (restart_after_exit) goes on.
  while (!finished()) run_continuous();
  // Bring SystemC time up to the MCU's local time so observers see where the run ended.
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const sc_core::sc_time local = local_time();
  if (local > now) sc_core::wait(local - now);
  qk_.reset();
  if (config_.stop_simulation_when_done) sc_core::sc_stop();
}

void Mcu::run_continuous() {
  // The quantum in MCLK cycles, recomputed only when MCLK changes.
  uint32_t quantum_hz = 0;
  uint64_t quantum_cycles = 1;
  while (!finished()) {
    if (!powered_) {
      sc_core::wait(power_event_);
      continue;
    }
    uint64_t next_event = advance_and_next_event(peripherals_, ctx_.cycles);
    if (perform_pending_reset()) next_event = next_peripheral_event();
    if (ctx_.cycles >= config_.max_cycles) {
      finish(ExitReason::kMaxCycles);
      return;
    }
    if (ctx_.mclk_hz != quantum_hz) {
      quantum_hz = ctx_.mclk_hz;
      quantum_cycles =
          std::max<uint64_t>(1, uint64_t(config_.quantum.to_seconds() * double(quantum_hz)));
    }
    if (!debug_poll()) return;
    const std::vector<uint64_t>& failures = config_.power_fail_at_cycles;
    if (next_failure_ < failures.size() && ctx_.cycles >= failures[next_failure_]) {
      ++next_failure_;
      inject_power_failure();
      continue;
    }
    uint64_t limit = std::min({ctx_.cycles + quantum_cycles, next_event, config_.max_cycles});
    if (next_failure_ < failures.size()) limit = std::min(limit, failures[next_failure_]);
    if (debug_step_) limit = ctx_.cycles + 1;  // one instruction: each takes at least a cycle
    const StopReason stop = cpu_.run(std::max(limit, ctx_.cycles + 1));
    note_clock_change();
    if (handle_fault()) return;
    if (host_io_->exited()) {
      finish(ExitReason::kHostExit);
      return;
    }
    advance_peripherals();
    if (perform_pending_reset()) {
      sync_time();
      continue;
    }
    const AfterStop after = stop_at_watch_or_break(stop);
    if (after == AfterStop::kEnded) return;
    if (after == AfterStop::kNextStretch) continue;
    // The CPU reports sleep only when no enabled interrupt is pending, so only a peripheral event
    // can change anything.
    if (stop == StopReason::kSleep) {
      const uint64_t wake = std::min(next_peripheral_event(), config_.max_cycles);
      if (wake == kNeverCycle) {
        finish(ExitReason::kSleep);
        return;
      }
      // Nothing happens until the next peripheral event: skip the idle cycles.
      if (wake > ctx_.cycles) ctx_.cycles = wake;
    }
    sync_time();
    if (debug_step_ && !debug_halt(HaltReason::kStep)) return;
  }
}

}  // namespace ehsim::mcu

// The MSP430FR5994 as a SystemC module: bus, CPU, peripherals and the loaded image. The CPU runs
// ahead of SystemC time in an SC_THREAD (TLM-2.0 loosely-timed style with a quantum keeper); it
// hands control back at the quantum, at the next peripheral event, when a peripheral asks for a
// sync, on sleep, reset, fault, breakpoint or host exit — never per instruction.
#pragma once

// clang-format off
#include <systemc>  // must precede the TLM utilities, which do not include it themselves
#include <tlm_utils/tlm_quantumkeeper.h>
// clang-format on

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mcu_model/cpu/cpu.h"
#include "mcu_model/debug_port.h"
#include "mcu_model/elf/elf_image.h"
#include "mcu_model/mcu_context.h"
#include "mcu_model/mem/bus.h"
#include "mcu_model/periph/adc12_b.h"
#include "mcu_model/periph/comp_e.h"
#include "mcu_model/periph/cs.h"
#include "mcu_model/periph/dma.h"
#include "mcu_model/periph/frctl.h"
#include "mcu_model/periph/gpio.h"
#include "mcu_model/periph/host_io.h"
#include "mcu_model/periph/mpu.h"
#include "mcu_model/periph/mpy32.h"
#include "mcu_model/periph/output_log.h"
#include "mcu_model/periph/pmm.h"
#include "mcu_model/periph/ref_a.h"
#include "mcu_model/periph/sfr.h"
#include "mcu_model/periph/sys.h"
#include "mcu_model/periph/timer_a.h"
#include "mcu_model/periph/uart.h"
#include "mcu_model/periph/wdt_a.h"
#include "mcu_model/power/boot_charge.h"
#include "mcu_model/power/current_model.h"
#include "mcu_model/power/supply_port.h"

namespace ehsim::mcu {

// What the MCU does when the CPU latches a fault (illegal opcode, vacant access).
enum class FaultPolicy : uint8_t {
  kStop,  // end the run and report the fault (default: bugs surface instead of being masked)
  kPuc,   // behave like the device: fetch faults/illegal opcodes reset (SYSRSTIV 1Eh), vacant
          // data accesses are ignored (the bus already returned 3FFFh or dropped the write)
};

// Why a run ended.
enum class ExitReason : uint8_t {
  kNone,
  kHostExit,
  kMaxCycles,
  kUntil,
  kFault,
  kSleep,
  kEndTime,
  kStopCondition,
  kDebugger,  // the debugger killed the run or disconnected
  kBreak      // a requested break (--break-on) stopped the run
};
const char* to_string(ExitReason reason);

// What SRAM holds after the supply was lost (the device leaves it undefined).
enum class SramAtPowerLoss : uint8_t { kPattern, kRandom };

// Things observers record, stamped with the MCU's simulated time.
enum class McuEventKind : uint8_t {
  kBoot,         // BOR released after the boot delay: the reset vector runs
  kBootAborted,  // power failed again during the boot delay
  kPowerLoss,    // the rail fell: registers, SRAM and peripherals lost (pc = next instruction)
  kReset,        // PUC/POR without power loss (watchdog, software, fault policy); code = SYSRSTIV
  kFault,        // CPU fault latched (see McuContext::fault)
  kEnd,          // the run ended (exit_reason())
};
const char* to_string(McuEventKind kind);

struct McuEvent {
  McuEventKind kind = McuEventKind::kBoot;
  double time_s = 0;
  uint64_t cycles = 0;
  uint64_t instructions = 0;
  uint32_t pc = 0;  // 20-bit
  uint16_t code = 0;
};

// Charge and time the MCU has drawn from its supply, by where it went (for summary.json and the
// energy-books check: energy_J = energy the supply delivered to the MCU rail).
struct McuPowerTotals {
  double charge_C = 0;
  double active_C = 0, low_power_C = 0, peripheral_C = 0, event_C = 0, boot_C = 0;
  // Sum over the stretches of the current reported for the stretch times the integral of the
  // rail voltage over it (SupplyPort::rail_voltage_integral_Vs), i.e. the integral of I*V.
  double energy_J = 0;
  double active_s = 0, low_power_s = 0, boot_s = 0;
  uint64_t active_cycles = 0;
  uint64_t wakeups = 0;
  // Stretches after which the supply had failed although the run-ahead bound said it would
  // not (0 unless the current bound is violated; see run_on_supply).
  uint64_t bound_overruns = 0;
};

// The charge the MCU drew while one supply load held, by where it went (for the profiler, which
// splits each load's energy between the functions that ran, "[sleep]" and "[boot]").
struct LoadSegment {
  double charge_C = 0;     // total
  double low_power_C = 0;  // of which in low-power modes
  double boot_C = 0;       // of which the boot's
  bool stretch = false;    // a stretch: its instructions ran before its load was set
};

struct McuConfig {
  MemoryMap map = MemoryMap::msp430fr5994();
  uint32_t initial_mclk_hz = 0;  // 0: the device's reset clock (1 MHz); else preset in CS
  FaultPolicy fault_policy = FaultPolicy::kStop;
  sc_core::sc_time quantum = sc_core::sc_time(100, sc_core::SC_US);
  uint64_t max_cycles = kNeverCycle;  // end the run once ctx.cycles reaches this
  bool powered_at_start = true;
  bool stop_simulation_when_done = true;  // sc_stop() when the run ends

  // Supply. Null: continuous power (powered_at_start decides). Else the MCU follows the port's
  // power-good, reports its current at every synchronisation point, and never runs ahead past
  // the time its supply could fail.
  SupplyPort* supply = nullptr;
  SramAtPowerLoss sram_at_power_loss = SramAtPowerLoss::kPattern;
  uint8_t sram_pattern = 0;
  uint64_t seed = 1;  // for SramAtPowerLoss::kRandom
  // Continuous power only (`exec --power-fail-at-cycle`, `ehsim check`): before the first
  // instruction that starts at or after each of these cycles, power fails and the device boots
  // again at once (Mcu::inject_power_failure). Ascending.
  std::vector<uint64_t> power_fail_at_cycles;
  // From the rail turning on to the first instruction, and the charge drawn meanwhile
  // (power/boot_charge.h).
  double boot_delay_s = power::kBootDelay_s;
  double boot_charge_C = power::kBootCharge_C;
  // Levels an external circuit drives onto input pins (PinInput in periph/gpio.h), in any
  // order; a port or pin that does not exist is an error at construction.
  std::vector<PinInput> gpio_inputs;
  // End of the run in simulated time (0: none).
  double end_time_s = 0;
  // While Comparator_E watches the supply, the MCU re-reads the rail at least this often, so
  // its interrupt lags the crossing by at most this much.
  double comparator_poll_s = 100e-6;
  // An access to peripheral hardware ehsim does not model (UnmodelledAccess, mcu_context.h) is a
  // kUnmodelledPeripheral fault, handled by fault_policy, instead of only being reported.
  bool strict_peripherals = false;
};

class Mcu : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Mcu);
  Mcu(sc_core::sc_module_name name, const McuConfig& config);
  ~Mcu() override;

  // Program FRAM (like a flash programmer) before or between runs.
  bool load(const ElfImage& image, std::string* error);
  void add_breakpoint(uint32_t addr) { cpu_.add_breakpoint(addr); }

  // Power interface: power_off loses registers, SRAM (filled with sram_pattern) and peripheral
  // state and keeps FRAM; power_on performs a BOR and starts at the reset vector.
  void power_off(uint8_t sram_pattern);
  void power_on();
  bool powered() const { return powered_; }

  bool finished() const { return exit_reason_ != ExitReason::kNone; }
  ExitReason exit_reason() const { return exit_reason_; }
  const sc_core::sc_event& finished_event() const { return finished_event_; }
  // Simulated time of the MCU (may run ahead of sc_time_stamp() by up to a quantum).
  sc_core::sc_time local_time() const;

  McuContext& ctx() { return ctx_; }
  Bus& bus() { return bus_; }
  Cpu& cpu() { return cpu_; }
  Sys& sys() { return *sys_; }
  const OutputLog& log() const { return log_; }
  // Observers that stream the log empty it after reading, so long runs do not hold it.
  void clear_log() { log_.clear(); }
  // Called after every stretch on a supply (SystemC time = the MCU's time); returning true ends
  // the run with ExitReason::kStopCondition.
  void set_stretch_listener(std::function<bool()> listener) {
    stretch_listener_ = std::move(listener);
  }
  const std::vector<Peripheral*>& peripherals() const { return peripherals_; }
  Adc12B& adc() { return *adc_; }
  CompE& comparator() { return *comp_; }

  // A power failure now, on continuous power, with an off time long enough that SRAM is lost
  // (it takes no simulated time): registers, SRAM (config.sram_at_power_loss) and peripheral
  // state are lost, FRAM is kept, and the device boots (BOR) at once. Counted in
  // power_losses() and boots(), with kPowerLoss and kBoot events.
  void inject_power_failure();
  // Replaces config.power_fail_at_cycles (ascending) and config.max_cycles while running (ehsim
  // check's injected runs, forked from the reference run).
  void schedule_power_failures(std::vector<uint64_t> cycles) {
    config_.power_fail_at_cycles = std::move(cycles);
    next_failure_ = 0;
  }
  void set_max_cycles(uint64_t cycles) { config_.max_cycles = cycles; }
  // Called by a DebugPort from halted(kExited) on continuous power: the run goes on instead of
  // ending, from whatever state the port has set up (ehsim check's workers: FRAM restored, then
  // a power failure). Clears how the run ended: reason, exit code, fault, host_io's exit.
  void restart_after_exit() { restart_requested_ = true; }
  // The output log, for a DebugPort that restores a state (see restart_after_exit).
  OutputLog& mutable_log() { return log_; }

  // An attached debugger (mcu_model/debug_port.h); null for none. Set before sc_start().
  void set_debug_port(DebugPort* port) { debug_ = port; }
  // The energy guard (EDB's, Colin et al., ASPLOS'16): while on, the MCU executes without
  // drawing from its supply (debug code on tethered power); its energy books skip that time.
  void set_energy_guard(bool on) { energy_guard_ = on; }
  bool energy_guard() const { return energy_guard_; }

  void set_event_listener(std::function<void(const McuEvent&)> listener) {
    listener_ = std::move(listener);
  }
  // Every access to unmodelled peripheral hardware, as it happens (contract: UnmodelledAccess in
  // mcu_context.h; `pc` is the accessing instruction's address, time_of_cycle_s(cycle) its
  // time). The listener must not call into the Mcu. The count includes accesses made while no
  // listener was set.
  void set_unmodelled_access_listener(std::function<void(const UnmodelledAccess&)> listener) {
    unmodelled_listener_ = std::move(listener);
  }
  uint64_t unmodelled_accesses() const { return ctx_.unmodelled_accesses; }
  // Every access the MPU refused (MpuViolation in periph/mpu.h, `pc` filled in), as it happens;
  // same rules as the unmodelled-access listener. A violation with MPUSEGxVS also shows as a
  // kReset event (SYSRSTIV__MPUSEGxIFG) when the PUC is performed.
  void set_mpu_violation_listener(std::function<void(const MpuViolation&)> listener) {
    mpu_listener_ = std::move(listener);
  }
  const McuPowerTotals& power_totals() const { return power_totals_; }
  // On a supply: called whenever the MCU books the energy of the load that held since the last
  // change (McuPowerTotals::energy_J grows by exactly `joules`), with that load's segment and the
  // one that starts now.
  using LoadListener =
      std::function<void(double joules, const LoadSegment& ended, const LoadSegment& next)>;
  void set_load_listener(LoadListener listener) { load_listener_ = std::move(listener); }
  // Simulated time at which cycle `cycle` of the present power-on period ran (exact since the
  // last MCLK change; earlier cycles of the same stretch are extrapolated at the present rate).
  double time_of_cycle_s(uint64_t cycle) const;
  // The first cycle at or after simulated time `time_s` at the present MCLK (the inverse of
  // time_of_cycle_s; a time before the last MCLK change maps to that change's cycle).
  uint64_t cycle_at_time(double time_s) const;
  HostIo& host_io() { return *host_io_; }
  uint64_t boots() const { return boots_; }
  // Host (wall-clock) seconds spent inside the CPU interpreter, and while the MCU was powered
  // on a supply (interpreter plus the energy model's synchronisation), for benchmarks only:
  // they never enter deterministic outputs.
  double host_interpreter_s() const { return host_interpreter_s_; }
  double host_powered_s() const { return host_powered_s_; }
  uint64_t power_losses() const { return power_losses_; }

 private:
  // Hands control to the debugger; false when it ended the run.
  bool debug_halt(HaltReason reason);
  // Asks the debugger whether to halt now (DebugPort::poll) and halts; false when it ended the run.
  bool debug_poll();
  // After a stretch that hit a bus watchpoint or stopped at a CPU breakpoint: the debugger takes
  // over, or without one the breakpoint ends the run (ExitReason::kUntil). Both run loops use it.
  enum class AfterStop : uint8_t { kRunOn, kNextStretch, kEnded };
  AfterStop stop_at_watch_or_break(StopReason stop);
  void run_thread();
  void run_on_supply();
  // The continuous-power loop, until the run ends (or a port restarts it: run_thread goes on).
  void run_continuous();
  void boot_from_supply();
  void lose_power();
  // Runs the CPU for one stretch ending no later than `limit` cycles; returns its stop reason
  // and the cycles spent asleep.
  StopReason run_stretch(uint64_t limit, uint64_t* sleep_cycles, power::LowPowerMode* mode);
  double active_current_bound_A() const;
  void account_stretch(double duration_s, uint64_t active_cycles, uint64_t sleep_cycles,
                       power::LowPowerMode mode, double vcc_V);
  void emit(McuEventKind kind, uint16_t code = 0);
  // Reports the charge of the cycles run since the last sync point and waits until SystemC time
  // reaches the MCU's local time (used mid-stretch by the ADC's supply sample).
  void sync_supply_to_local_time();
  uint64_t sync_cycles_ = 0;  // ctx.cycles at the last supply sync point
  uint64_t next_peripheral_event() const;
  void advance_peripherals();
  bool perform_pending_reset();
  void reset(McuContext::ResetLevel level, uint16_t sysrstiv);
  void note_clock_change();
  void sync_time();
  void finish(ExitReason reason);
  bool handle_fault();

  McuConfig config_;
  McuContext ctx_;
  Bus bus_;
  Cpu cpu_;
  OutputLog log_;
  std::unique_ptr<Sfr> sfr_;
  std::unique_ptr<Pmm> pmm_;
  std::unique_ptr<FrctlA> frctl_;
  std::unique_ptr<Cs> cs_;
  std::unique_ptr<WdtA> wdt_;
  std::unique_ptr<Sys> sys_;
  std::vector<std::unique_ptr<GpioPorts>> ports_;
  std::unique_ptr<Mpy32> mpy_;
  std::unique_ptr<EusciAUart> uart_a0_;
  std::unique_ptr<HostIo> host_io_;
  std::vector<std::unique_ptr<TimerA>> timers_;
  std::unique_ptr<Adc12B> adc_;
  std::unique_ptr<CompE> comp_;
  std::unique_ptr<RefA> ref_;
  std::unique_ptr<Dma> dma_;
  std::unique_ptr<Mpu> mpu_;
  std::vector<Peripheral*> peripherals_;

  std::function<void(const McuEvent&)> listener_;
  std::function<void(const UnmodelledAccess&)> unmodelled_listener_;
  std::function<void(const MpuViolation&)> mpu_listener_;
  std::function<bool()> stretch_listener_;
  DebugPort* debug_ = nullptr;
  bool debug_step_ = false;  // the debugger asked for one instruction
  bool energy_guard_ = false;
  size_t next_failure_ = 0;  // index into config_.power_fail_at_cycles
  McuPowerTotals power_totals_;
  BusStats stats_at_sync_{};
  uint64_t rng_state_ = 0;
  uint64_t boots_ = 0, power_losses_ = 0;
  double host_interpreter_s_ = 0, host_powered_s_ = 0;
  std::chrono::steady_clock::time_point host_powered_since_{};
  // The last reported stretch, so that a failure inside it books only its powered part.
  struct ReportedStretch {
    double start_s = 0, duration_s = 0;
    power::IntervalCharge charge{};
    double boot_C = 0;  // a zero-length boot's charge, drawn in this stretch
  } last_stretch_;
  // With boot_delay 0 the boot's charge cannot be drawn during the boot: the first stretch
  // draws it.
  double boot_charge_to_draw_C_ = 0;
  // Every load change goes through here: books the energy of the load that held since the
  // last change (its current x the rail-voltage integral since then), then sets the new one.
  void set_supply_load(double amps);
  double supply_load_A_ = 0;        // the current the supply was last given
  double supply_rail_Vs_mark_ = 0;  // the supply's rail-voltage integral when it was given

  LoadListener load_listener_;
  LoadSegment load_segment_, next_load_segment_;  // the present load's, and the next one's
  void refund_unpowered_tail();
  void note_host_powered_time();
  power::IntervalActivity pending_wakeups_{};  // wake-up events counted before their stretch

  bool powered_ = false;
  ExitReason exit_reason_ = ExitReason::kNone;
  bool restart_requested_ = false;
  sc_core::sc_event power_event_;
  sc_core::sc_event finished_event_;
  tlm_utils::tlm_quantumkeeper qk_;
  // Cycle ↔ time mapping: MCLK ran at epoch_hz_ since epoch_cycles_ / epoch_time_.
  uint64_t epoch_cycles_ = 0;
  uint32_t epoch_hz_ = 1;
  sc_core::sc_time epoch_time_ = sc_core::SC_ZERO_TIME;
};

}  // namespace ehsim::mcu

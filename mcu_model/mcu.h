// The MSP430FR5994 as a SystemC module: bus, CPU, peripherals and the loaded image. The CPU runs
// ahead of SystemC time in an SC_THREAD (TLM-2.0 loosely-timed style with a quantum keeper); it
// hands control back at the quantum, at the next peripheral event, when a peripheral asks for a
// sync, on sleep, reset, fault, breakpoint or host exit — never per instruction.
#pragma once

// clang-format off
#include <systemc>  // must precede the TLM utilities, which do not include it themselves
#include <tlm_utils/tlm_quantumkeeper.h>
// clang-format on

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mcu_model/cpu/cpu.h"
#include "mcu_model/elf/elf_image.h"
#include "mcu_model/mcu_context.h"
#include "mcu_model/mem/bus.h"
#include "mcu_model/periph/cs.h"
#include "mcu_model/periph/frctl.h"
#include "mcu_model/periph/gpio.h"
#include "mcu_model/periph/host_io.h"
#include "mcu_model/periph/mpy32.h"
#include "mcu_model/periph/output_log.h"
#include "mcu_model/periph/pmm.h"
#include "mcu_model/periph/sfr.h"
#include "mcu_model/periph/sys.h"
#include "mcu_model/periph/uart.h"
#include "mcu_model/periph/wdt_a.h"

namespace ehsim::mcu {

// What the MCU does when the CPU latches a fault (illegal opcode, vacant access).
enum class FaultPolicy : uint8_t {
  kStop,  // end the run and report the fault (default: bugs surface instead of being masked)
  kPuc,   // behave like the device: fetch faults/illegal opcodes reset (SYSRSTIV 1Eh), vacant
          // data accesses are ignored (the bus already returned 3FFFh or dropped the write)
};

// Why a run ended.
enum class ExitReason : uint8_t { kNone, kHostExit, kMaxCycles, kUntil, kFault, kSleep };
const char* to_string(ExitReason reason);

struct McuConfig {
  MemoryMap map = MemoryMap::msp430fr5994();
  uint32_t initial_mclk_hz = 0;  // 0: the device's reset clock (1 MHz); else preset in CS
  FaultPolicy fault_policy = FaultPolicy::kStop;
  sc_core::sc_time quantum = sc_core::sc_time(100, sc_core::SC_US);
  uint64_t max_cycles = kNeverCycle;  // end the run once ctx.cycles reaches this
  bool powered_at_start = true;
  bool stop_simulation_when_done = true;  // sc_stop() when the run ends
};

class Mcu : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Mcu);
  Mcu(sc_core::sc_module_name name, const McuConfig& config);
  ~Mcu() override;

  // Program FRAM (like a flash programmer) before or between runs.
  bool load(const ElfImage& image, std::string* error);
  void add_breakpoint(uint16_t addr) { cpu_.add_breakpoint(addr); }

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
  const std::vector<Peripheral*>& peripherals() const { return peripherals_; }

 private:
  void run_thread();
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
  std::vector<Peripheral*> peripherals_;

  bool powered_ = false;
  ExitReason exit_reason_ = ExitReason::kNone;
  sc_core::sc_event power_event_;
  sc_core::sc_event finished_event_;
  tlm_utils::tlm_quantumkeeper qk_;
  // Cycle ↔ time mapping: MCLK ran at epoch_hz_ since epoch_cycles_ / epoch_time_.
  uint64_t epoch_cycles_ = 0;
  uint32_t epoch_hz_ = 1;
  sc_core::sc_time epoch_time_ = sc_core::SC_ZERO_TIME;
};

}  // namespace ehsim::mcu

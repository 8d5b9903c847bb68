// `--profile` (docs/profile.md): per-function calls, instructions, cycles, energy, FRAM cache
// misses and cycles lost to re-execution, and folded call stacks for flame graphs.
//
// It watches the CPU through an InstructionObserver, the MCU's events (boot, power loss, reset)
// and, on a supply, every energy booking of the MCU (Mcu::set_load_listener), which it splits
// between the functions that ran in the booked stretch, "[sleep]" and "[boot]" so that the
// functions' energy adds up to summary.json's energy.mcu_consumed_J.
//
// Cost: the observer's span is the function the CPU is in, so the interpreter's fast loop runs a
// function's straight-line code and loops with one extra compare per instruction and reports
// them in bulk (on_run): one function and one call-stack node per report. The call stack changes
// only where the CPU stops the loop for it (CALL/CALLA/RET/RETA/RETI) or at the first
// instruction in another function, which it shows alone (on_instruction). Progress points (host_io
// markers) and MCLK changes are peripheral writes, which end the loop too, so every count the
// profiler keeps per progress point, stretch or MCLK period is exact at its boundary.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mcu_model/elf/firmware_image.h"
#include "mcu_model/mcu.h"
#include "sim/run/dwarf_lines.h"

namespace ehsim {

class Profiler : public mcu::InstructionObserver {
 public:
  struct Options {
    // The marker that makes work durable (the scenario's progress.commit_marker); none: every
    // host_io marker does.
    std::optional<uint16_t> commit_marker;
    // On continuous power (`exec`) the MCU books no energy: the profiler charges each function's
    // active cycles through the same current model at this supply voltage.
    double continuous_vcc_V = 3.0;
    bool on_supply = false;  // the MCU has a supply (`run`), else continuous power (`exec`)
  };
  // Reads the function table from image's symbols and source lines from `lines`; installs itself
  // as mcu's instruction observer and (on a supply) load listener. The caller forwards the MCU's
  // events to on_event(). `lines` must outlive the profiler.
  Profiler(mcu::Mcu& mcu, const mcu::FirmwareImage& image, const DwarfLines& lines,
           const Options& options);
  ~Profiler() override;
  Profiler(const Profiler&) = delete;
  Profiler& operator=(const Profiler&) = delete;

  Span on_instruction(uint32_t pc, uint16_t op, uint32_t next_pc, uint64_t before,
                      uint64_t after) override;
  void on_run(const Run& run) override;
  void on_interrupt(uint32_t pc, uint32_t isr, uint64_t before, uint64_t after) override;
  void on_event(const mcu::McuEvent& event);
  void on_load(double joules, const mcu::LoadSegment& ended, const mcu::LoadSegment& next);

  // After the run: profile.json's document (schema ehsim-profile-1) and the folded stacks.
  nlohmann::ordered_json json(const std::string& firmware);
  std::string folded() const;
  // Writes DIR/profile.json and DIR/profile.folded.
  void write(const std::string& dir, const std::string& firmware);

  // Deepest call stack kept in the folded output: deeper calls are folded into the frame at the
  // limit (runaway recursion must not grow memory).
  static constexpr size_t kMaxDepth = 64;

 private:
  struct Function {
    std::string name;
    uint32_t address = 0;
    uint64_t calls = 0, instructions = 0, cycles = 0;
    uint64_t fram_reads = 0, fram_misses = 0, fram_writes = 0;
    uint64_t reexecuted = 0;
    double energy_J = 0;
    // Cycles at the last progress point / stretch / continuous-power flush, valid when the
    // matching epoch is the present one (lazy: nothing is walked per progress point).
    uint64_t commit_epoch = 0, cycles_at_commit = 0;
    uint64_t segment_epoch = 0, cycles_at_segment = 0;
    uint64_t reads_at_segment = 0, misses_at_segment = 0, writes_at_segment = 0;
  };
  struct Node {  // one call path: its parent's path plus `function`
    int parent = -1;
    int function = -1;
    uint64_t cycles = 0;
    std::vector<std::pair<int, int>> children;  // (function, node)
  };
  struct Frame {
    int node;
    bool interrupt;
  };
  // A maximal range of addresses with one function (a symbol, or a gap: "[unknown]").
  struct Region {
    uint32_t start, end;
    int function;
  };
  const Region& region_at(uint32_t pc) const {
    return regions_[size_t(region_of_[pc & (mcu::kAddressSpaceEnd - 1)])];
  }
  int function_at(uint32_t pc) const { return region_at(pc).function; }
  int child(int node, int function);
  // Instructions of `function` ran for `cycles`: its node (a jump into another function replaces
  // the leaf) and its counts.
  void run_in(int function, uint64_t instructions, uint64_t cycles);
  void account(int function, uint64_t cycles);
  void transfer(uint16_t op, uint32_t next_pc);  // the call stack after a control transfer
  void after_instructions();                     // progress points and MCLK changes
  void check_clock();                            // exec: flushes at an MCLK change
  // A booking from inside an instruction of the CPU's fast loop (the ADC's supply sample): the
  // cycles of the loop's instructions before it, which the CPU has not reported yet.
  void account_unreported_run();
  void add_fram_traffic(Function& fn);  // the bus statistics' change since the last call
  void enter(int function, bool interrupt);
  void leave(bool interrupt);
  void reset_stack();
  void commit();
  void power_lost();
  void charge_continuous();  // exec: the cycles since the last flush at the present MCLK
  void check_markers();

  mcu::Mcu& mcu_;
  const DwarfLines& lines_;
  Options options_;
  std::vector<Function> functions_;
  int sleep_ = -1, boot_ = -1, unknown_ = -1;  // pseudo-functions
  // The regions in address order, covering the 20-bit space, and the region of every address (the
  // 4 MB are filled once, in a few milliseconds).
  std::vector<Region> regions_;
  std::vector<int32_t> region_of_;
  int run_function_ = -1;      // the function of the span the CPU's fast loop runs in
  uint64_t accounted_to_ = 0;  // account_unreported_run() accounted the run up to this cycle

  std::vector<Node> nodes_;
  int current_ = 0;  // node of the function executing now
  std::vector<Frame> stack_;
  size_t dropped_frames_ = 0;  // calls beyond the stack's capacity, not pushed

  uint64_t commit_epoch_ = 1, segment_epoch_ = 1;
  std::vector<int> segment_touched_;  // functions that ran since the last stretch began
  std::vector<std::pair<int, uint64_t>> ended_cycles_;  // the booked stretch's cycles per function
  uint64_t markers_seen_ = 0;
  uint64_t last_reads_ = 0, last_misses_ = 0, last_writes_ = 0;  // bus statistics seen last
  // exec: MCLK of the cycles since the last flush. An instruction counts at the MCLK it started
  // with: the change is looked for after each report and at resets and boots.
  uint32_t mclk_hz_ = 0;
};

}  // namespace ehsim

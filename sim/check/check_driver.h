// `ehsim check`'s engine (docs/check.md): a DebugPort that steps the reference run (continuous
// power) one instruction at a time and, at every injection point, snapshots the whole simulator
// with fork() — CPU, memory, peripherals, SystemC kernel — so that the snapshot fails power there
// and runs on to the end in its own process instead of re-running from reset. A snapshot that
// boots with the memory the reference run booted with needs no run at all: its outcome is the
// reference run's. At most `jobs`
// snapshots run at once; each sends its outcome back through a pipe. The reference run also feeds
// the write-after-read detector (WarDetector) with every data access.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mcu_model/debug_port.h"
#include "mcu_model/mcu.h"
#include "mcu_model/mem/bus.h"
#include "sim/check/outcome.h"
#include "sim/check/war_detector.h"

namespace ehsim {

struct CheckPlan {
  uint64_t every = 1;        // inject before every Nth instruction (1: every instruction)
  bool fram_writes = false;  // instead: right after every instruction that wrote FRAM
  uint64_t points = 0;       // instead: at this many seeded random instructions
  uint64_t seed = 1;
  unsigned failures = 1;  // failures per injected run (see docs/check.md)
  unsigned jobs = 2;      // injected runs at once
  std::set<uint16_t> commit_markers;
  std::set<uint32_t> commit_functions;  // entry addresses
};

struct InjectedRun {
  uint64_t point = 0;                    // instruction index of the injection
  uint64_t cycle = 0;                    // cycle at which power failed
  uint32_t pc = 0;                       // the instruction that did not execute
  std::vector<uint64_t> failure_cycles;  // all failures of the run (more with failures > 1)
  std::vector<std::string> differences;  // empty: same outcome as the reference run
};

class CheckDriver : public mcu::DebugPort, public mcu::AccessObserver {
 public:
  CheckDriver(mcu::Mcu& mcu, const mcu::FirmwareImage& image, ObserveSet observe, CheckPlan plan);

  mcu::DebugAction halted(mcu::HaltReason reason) override;
  mcu::HaltReason poll() override { return mcu::HaltReason::kNone; }
  bool breaks_on(mcu::HaltReason) const override { return false; }
  void accessed(uint32_t addr, unsigned size, bool write) override;

  // After the run.
  const Outcome& expected() const { return expected_; }
  uint64_t instructions() const { return reference_instructions_; }
  uint64_t injections() const { return injections_; }
  uint64_t divergence_count() const { return divergence_count_; }
  // Every injected run whose outcome differed, by injection point.
  const std::vector<InjectedRun>& divergences() const { return divergences_; }
  std::vector<Hazard>& hazards() { return detector_.hazards(); }
  const std::string& error() const { return error_; }  // an injected run that broke

 private:
  enum class Role : uint8_t { kReference, kFreeRun, kInjected };
  void start();  // at attach: the free run, then the plan
  bool planned(uint64_t index) const;
  void spawn(uint64_t index);  // forks an injected run at this boundary
  void reap(bool block);       // collects finished injected runs
  // In a child: reports the outcome (the reference run's after this boot when `as_reference`)
  // and exits.
  [[noreturn]] void finish_child(bool as_reference);
  uint64_t memory_hash();  // of every FRAM and SRAM byte
  void flush_accesses();

  mcu::Mcu& mcu_;
  const mcu::FirmwareImage& image_;
  ObserveSet observe_;
  CheckPlan plan_;
  Role role_ = Role::kReference;
  int child_fd_ = -1;  // in a child: where its outcome goes
  InjectedRun child_run_;
  size_t host_mark_ = 0, uart_mark_ = 0;

  Outcome expected_;
  uint64_t reference_cycles_ = 0, reference_instructions_ = 0;
  uint64_t boot_hash_ = 0;               // memory_hash() at the reference run's first instruction
  std::vector<uint64_t> random_points_;  // sorted
  uint64_t index_ = 0;                   // instructions executed so far
  uint32_t last_pc_ = 0;
  bool last_wrote_fram_ = false;
  size_t markers_seen_ = 0;
  std::optional<uint32_t> commit_sp_;  // inside a commit function entered with this SP
  struct Access {
    uint32_t addr;
    unsigned size;
    bool write;
  };
  std::vector<Access> pending_;  // the data accesses of the instruction being stepped
  WarDetector detector_;
  std::vector<std::pair<uint32_t, uint32_t>> fram_ranges_;

  struct Child {
    pid_t pid;
    int fd;
    InjectedRun run;
    std::string received;  // its outcome so far
  };
  std::vector<Child> children_;
  uint64_t injections_ = 0, divergence_count_ = 0;
  std::vector<InjectedRun> divergences_;
  std::string error_;
};

}  // namespace ehsim

// `ehsim check`'s engine (docs/check.md): a DebugPort that steps the reference run (continuous
// power) one instruction at a time and, at every injection point, snapshots the whole simulator
// with fork() — CPU, memory, peripherals, SystemC kernel — so that the snapshot fails power there
// and runs on to the end in its own process instead of re-running from reset. A snapshot that
// boots with the memory the reference run booted with needs no run at all: its outcome is the
// reference run's. At most `jobs`
// snapshots run at once; each sends its outcome back through a pipe. The reference run also feeds
// the write-after-read detector (WarDetector) with every data access.
//
// Reuse (docs/check.md "Speed"): after a power failure the device starts from reset with only
// what survives it: FRAM, the host_io markers' last values (observables), the samples host_io
// has handed out (it hands out the next one after a reboot) and SRAM as
// sram_at_power_loss fills it, which is the same for every injection of a one-failure run. Two
// injection points with the same surviving state therefore have the same outcome, and one
// injected run answers for all of them. The surviving state is tracked as a 64-bit key updated
// by every FRAM write and marker of the reference run; `--no-reuse` runs every point instead.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
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
  // Instead: right after every instruction that writes this host_io marker (e.g. the marker a
  // program writes after each checkpoint: a failure at every checkpoint boundary).
  std::optional<uint16_t> at_marker;
  uint64_t seed = 1;
  // Inject only after the reference run first wrote this host_io marker (e.g. the point from
  // which an input survives a power failure).
  std::optional<uint16_t> after_marker;
  unsigned failures = 1;     // failures per injected run (see docs/check.md)
  unsigned jobs = 2;         // injected runs at once
  bool reuse = true;         // one injected run per surviving state (one-failure runs only)
  size_t max_listed = 1000;  // divergences kept in full (the first ones by injection point)
  std::set<uint16_t> commit_markers;
  std::set<uint32_t> commit_functions;  // entry addresses
};

struct InjectedRun {
  uint64_t point = 0;                    // instruction index of the injection
  uint64_t ordinal = 0;                  // its place among the planned points
  uint64_t cycle = 0;                    // cycle at which power failed
  uint32_t pc = 0;                       // the instruction that did not execute
  std::vector<uint64_t> failure_cycles;  // all failures of the run (more with failures > 1)
  std::vector<std::string> differences;  // empty: same outcome as the reference run
};

// Consecutive planned points (by ordinal) whose injected runs all diverged.
struct DivergentStretch {
  uint64_t first_ordinal, last_ordinal;
  uint64_t first_cycle, last_cycle;
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
  uint64_t simulated_runs() const { return simulated_runs_; }  // the rest reused an outcome
  uint64_t divergence_count() const { return divergence_count_; }
  // The first plan.max_listed injected runs whose outcome differed, by injection point.
  const std::vector<InjectedRun>& divergences() const { return divergences_; }
  // Every divergent run's count by the PC where power failed.
  const std::map<uint32_t, uint64_t>& divergences_by_pc() const { return divergences_by_pc_; }
  // Every divergent run, as stretches of consecutive planned points, by ordinal.
  const std::map<uint64_t, DivergentStretch>& divergent_stretches() const { return stretches_; }
  std::vector<Hazard>& hazards() { return detector_.hazards(); }
  const std::string& error() const { return error_; }  // an injected run that broke
  // The run on continuous power reached its cycle limit: there is no outcome to compare with.
  bool reference_never_ends() const { return never_ends_; }

 private:
  enum class Role : uint8_t { kReference, kFreeRun, kInjected };
  void start();  // at attach: the free run, then the plan
  bool planned(uint64_t index) const;
  void inject(uint64_t index);  // at this boundary: reuses an outcome or starts a run
  // Gives the injected run of this boundary to an idle worker, or forks a new worker here.
  void run_job(const InjectedRun& run, uint64_t key);
  void send_job(int fd);  // the present surviving state, to an idle worker
  void reap(bool block);  // collects the outcomes of finished injected runs
  void record(InjectedRun run, const std::vector<std::string>& differences);
  // The outcome of the job with this key: every point waiting for it is recorded.
  void resolve(uint64_t key, std::vector<std::string> differences, size_t extra_failures);
  // The free run: reports its outcome and exits.
  [[noreturn]] void finish_free_run();
  // In a worker: reports the outcome (the reference run's after this boot when `as_reference`),
  // then takes the next job, which restores a state of the reference run and fails power, or
  // exits when the parent has no more.
  void report_and_continue(bool as_reference);
  std::string outcome_message(bool as_reference);
  bool take_job();
  uint64_t memory_hash();     // of every FRAM and SRAM byte
  uint64_t fram_sum() const;  // the order-free FRAM hash that fram_sum_ keeps up to date
  uint64_t surviving_key() const;
  void rehash_markers();  // marker_hash_ from marker_last_
  // In an injected run: power fails now (and again at later_failures), text marks and the cycle
  // limit count from this boot.
  void fail_power(std::vector<uint64_t> later_failures);
  bool boots_like_reference();  // after fail_power: see the .cpp
  void flush_accesses();

  mcu::Mcu& mcu_;
  const mcu::FirmwareImage& image_;
  ObserveSet observe_;
  CheckPlan plan_;
  Role role_ = Role::kReference;
  int child_fd_ = -1;  // in a child: where its outcome goes
  int job_fd_ = -1;    // in a worker: where its next job comes from
  size_t host_mark_ = 0, uart_mark_ = 0;
  uint64_t losses_mark_ = 0;  // in a worker: power losses before the present job

  Outcome expected_;
  uint64_t reference_cycles_ = 0, reference_instructions_ = 0;
  uint64_t boot_hash_ = 0;               // memory_hash() at the reference run's first instruction
  std::vector<uint64_t> random_points_;  // sorted
  uint64_t index_ = 0;                   // instructions executed so far
  uint32_t last_pc_ = 0;
  bool last_wrote_fram_ = false;
  size_t markers_seen_ = 0;
  bool after_marker_seen_ = false;
  bool wrote_at_marker_ = false;       // the last instruction wrote plan_.at_marker
  std::optional<uint32_t> commit_sp_;  // inside a commit function entered with this SP
  struct Access {
    uint32_t addr;
    unsigned size;
    bool write;
    uint8_t before[2];  // a write's bytes before it (FRAM writes update fram_sum_)
  };
  std::vector<Access> pending_;  // the data accesses of the instruction being stepped
  WarDetector detector_;
  std::vector<std::pair<uint32_t, uint32_t>> fram_ranges_;

  // The surviving state: sum over FRAM bytes of a hash of (address, value), and a hash of the
  // markers' last values.
  uint64_t fram_sum_ = 0, marker_hash_ = 0;
  uint64_t boot_fram_sum_ = 0;      // fram_sum_ at the reference run's first instruction
  bool job_has_boot_fram_ = false;  // in a worker: the present state's FRAM is the boot's
  std::map<uint16_t, uint16_t> marker_last_;
  struct Verdict {
    bool known = false;
    std::vector<std::string> differences;
    std::vector<InjectedRun> waiting;  // points with this state while its run is simulated
  };
  std::unordered_map<uint64_t, Verdict> verdicts_;
  uint64_t unique_key_ = 0;  // without reuse every point gets its own key
  size_t waiting_ = 0;       // points waiting over all verdicts
  uint64_t ordinal_ = 0;

  // A forked injected run. With reuse it stays alive after its outcome and takes further jobs:
  // a job sends the surviving state of another point (FRAM, markers, samples handed out), which
  // the worker restores before it fails power, instead of a new fork per point.
  bool workers_take_jobs_ = false;
  struct Worker {
    pid_t pid;
    int from_fd;  // its outcomes, one JSON document per line (non-blocking)
    int to_fd;    // its jobs (-1 when it takes none)
    bool busy;
    uint64_t key;          // of the job it runs
    std::string received;  // its output so far
  };
  std::vector<Worker> workers_;
  uint64_t injections_ = 0, simulated_runs_ = 0, divergence_count_ = 0;
  std::vector<InjectedRun> divergences_;  // a max-heap by point while running, then sorted
  std::map<uint32_t, uint64_t> divergences_by_pc_;
  std::map<uint64_t, DivergentStretch> stretches_;  // by first ordinal
  std::string error_;
  bool never_ends_ = false;
};

}  // namespace ehsim

#include "sim/check/check_driver.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <iostream>
#include <random>

namespace ehsim {

namespace {

// An injected run may take this much longer than the reference run before it counts as not
// finishing (a livelock after a failure is a divergence, not a hang).
constexpr uint64_t kExtraCycles = 1'000'000;

constexpr uint32_t kSpace = 0x100000;  // the 20-bit address space

// Points that may wait for one simulated run before the reference run stops to let it finish
// (bounds the memory an input can make this take).
constexpr size_t kMaxWaiting = 1'000'000;

// splitmix64's finaliser: a well-mixed 64-bit value of its input.
uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// One FRAM byte's share of the surviving-state key. A sum of such shares changes in O(1) per
// written byte and does not depend on the order of the writes.
uint64_t byte_hash(uint32_t addr, uint8_t value) {
  return mix((uint64_t(addr) << 8 | value) + 0x9E3779B97F4A7C15ull);
}

std::vector<std::pair<uint32_t, uint32_t>> ranges_of(const mcu::MemoryMap& map,
                                                     mcu::RegionKind kind) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  for (const mcu::Region& r : map.regions) {
    if (r.kind == kind) out.emplace_back(r.start, r.end());
  }
  return out;
}

// fork() with a pipe from the child to the parent: the child's write end in *child_fd, the
// parent's (non-blocking) read end in *parent_fd.
pid_t fork_with_pipe(int* parent_fd, int* child_fd) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return -1;
  std::cout.flush();
  std::cerr.flush();
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  if (pid == 0) {
    close(fds[0]);
    *child_fd = fds[1];
    *parent_fd = -1;
    return 0;
  }
  close(fds[1]);
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  *parent_fd = fds[0];
  *child_fd = -1;
  return pid;
}

// Reads what fd has; true at end of file.
bool drain(int fd, std::string* into) {
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      into->append(buf, size_t(n));
      continue;
    }
    if (n == 0) return true;
    if (errno == EINTR) continue;
    return false;  // EAGAIN: not yet
  }
}

void write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += size_t(n);
  }
}

}  // namespace

CheckDriver::CheckDriver(mcu::Mcu& mcu, const mcu::FirmwareImage& image, ObserveSet observe,
                         CheckPlan plan)
    : mcu_(mcu),
      image_(image),
      observe_(std::move(observe)),
      plan_(std::move(plan)),
      detector_(ranges_of(mcu.bus().map(), mcu::RegionKind::kFram),
                ranges_of(mcu.bus().map(), mcu::RegionKind::kSram)),
      fram_ranges_(ranges_of(mcu.bus().map(), mcu::RegionKind::kFram)) {
  plan_.every = std::max<uint64_t>(1, plan_.every);
  plan_.jobs = std::max(1u, plan_.jobs);
  plan_.failures = std::max(1u, plan_.failures);
}

void CheckDriver::accessed(uint32_t addr, unsigned size, bool write) {
  if (role_ != Role::kReference) return;
  Access a{addr, size, write, {0, 0}};
  // Called before the access takes place: a write's old bytes are still there.
  if (write) {
    const uint8_t* image = mcu_.bus().image();
    for (unsigned i = 0; i < size && i < 2; ++i) a.before[i] = image[(addr + i) % kSpace];
  }
  pending_.push_back(a);
}

void CheckDriver::flush_accesses() {
  last_wrote_fram_ = false;
  const uint64_t cycle = mcu_.ctx().cycles;
  const uint8_t* image = mcu_.bus().image();
  std::vector<std::pair<uint32_t, uint8_t>> before;  // FRAM bytes written: address, old value
  for (const Access& a : pending_) {
    if (!commit_sp_) detector_.access(last_pc_, a.addr, a.size, a.write, cycle);
    if (!a.write) continue;
    for (unsigned i = 0; i < a.size && i < 2; ++i) {
      const uint32_t byte = (a.addr + i) % kSpace;
      if (in_ranges(fram_ranges_, byte)) before.emplace_back(byte, a.before[i]);
    }
  }
  pending_.clear();
  last_wrote_fram_ = !before.empty();
  // A byte written twice by one instruction (a DMA block) changed from its first old value.
  std::stable_sort(before.begin(), before.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  for (size_t i = 0; i < before.size(); ++i) {
    if (i > 0 && before[i].first == before[i - 1].first) continue;
    const uint32_t byte = before[i].first;
    fram_sum_ += byte_hash(byte, image[byte]) - byte_hash(byte, before[i].second);
  }
}

uint64_t CheckDriver::fram_sum() const {
  uint64_t sum = 0;
  const uint8_t* image = mcu_.bus().image();
  for (const auto& [start, end] : fram_ranges_) {
    for (uint32_t a = start; a < end; ++a) sum += byte_hash(a, image[a]);
  }
  return sum;
}

bool CheckDriver::planned(uint64_t index) const {
  if (plan_.after_marker && !after_marker_seen_) return false;
  if (plan_.points > 0) {
    return std::binary_search(random_points_.begin(), random_points_.end(), index);
  }
  if (plan_.fram_writes) return last_wrote_fram_;
  if (plan_.at_marker) return wrote_at_marker_;
  return index % plan_.every == 0;
}

void CheckDriver::start() {
  // A worker that died leaves a pipe without a reader: the write fails (and reap reports the
  // worker's end) instead of SIGPIPE ending the check.
  std::signal(SIGPIPE, SIG_IGN);
  // The free run: the reference outcome, its length (the injected runs' limit) and the number
  // of instructions (the random points' range), at full speed in a snapshot of its own.
  int parent_fd = -1;
  const pid_t pid = fork_with_pipe(&parent_fd, &child_fd_);
  if (pid == 0) {
    role_ = Role::kFreeRun;
    return;
  }
  if (pid < 0) {
    error_ = "fork failed: cannot snapshot the simulator";
    return;
  }
  std::string text;
  for (;;) {
    pollfd p{parent_fd, POLLIN, -1};
    ::poll(&p, 1, -1);
    if (drain(parent_fd, &text)) break;
  }
  close(parent_fd);
  int status = 0;
  waitpid(pid, &status, 0);
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    expected_ = Outcome::from_json(j.at("outcome"));
    reference_cycles_ = expected_.cycles;
    reference_instructions_ = j.at("instructions").get<uint64_t>();
  } catch (const std::exception&) {
    error_ = "the reference run's snapshot ended without an outcome";
    return;
  }
  if (expected_.end == mcu::to_string(mcu::ExitReason::kMaxCycles)) {
    never_ends_ = true;  // nothing to compare with: the caller says so
    return;
  }
  if (plan_.points > 0) {
    std::mt19937_64 rng(plan_.seed);
    std::set<uint64_t> chosen;
    const uint64_t n = std::max<uint64_t>(1, reference_instructions_);
    for (uint64_t tries = 0; chosen.size() < std::min(plan_.points, n) && tries < 100 * n;
         ++tries) {
      chosen.insert(rng() % n);
    }
    random_points_.assign(chosen.begin(), chosen.end());
  }
  // Workers take further jobs when each job's state can be restored: one failure per run, and a
  // sample source (if any) that can be set back.
  mcu::SampleSource* source = mcu_.host_io().sample_source();
  workers_take_jobs_ = plan_.reuse && plan_.failures == 1 && (!source || source->seek(0));
  std::vector<std::pair<uint32_t, uint32_t>> observed = fram_ranges_;
  for (const auto& r : ranges_of(mcu_.bus().map(), mcu::RegionKind::kSram)) observed.push_back(r);
  mcu_.bus().set_access_observer(this, observed);
}

void CheckDriver::rehash_markers() {
  marker_hash_ = mix(0);
  for (const auto& [id, arg] : marker_last_) {
    marker_hash_ = mix(marker_hash_ ^ (uint64_t(id) << 16 | arg));
  }
}

uint64_t CheckDriver::surviving_key() const {
  // host_io hands out the next sample after a reboot, not the one in use before it.
  const uint64_t samples = mcu_.host_io().deliveries().size();
  return mix(fram_sum_ + mix(marker_hash_ ^ mix(samples + 0x5BD1E995u)));
}

void CheckDriver::inject(uint64_t index) {
  InjectedRun run;
  run.point = index;
  run.ordinal = ordinal_++;
  run.cycle = mcu_.ctx().cycles;
  run.pc = mcu_.cpu().pc();
  // Further failures come as long after each boot as the first came after the reference run's
  // (a supply that lasts the same time every charge).
  const uint64_t gap = std::max<uint64_t>(1, run.cycle);
  run.failure_cycles.push_back(run.cycle);
  for (unsigned k = 1; k < plan_.failures; ++k) {
    run.failure_cycles.push_back(run.cycle + k * gap);
  }
  ++injections_;
  detector_.injection_point(run.ordinal);
  // With more failures per run the later ones depend on the cycle of the first: no reuse.
  const uint64_t key =
      plan_.reuse && plan_.failures == 1 ? surviving_key() : (uint64_t(1) << 63 | unique_key_++);
  Verdict& verdict = verdicts_[key];
  if (verdict.known) {
    record(run, verdict.differences);
    return;
  }
  const bool simulating = !verdict.waiting.empty();
  verdict.waiting.push_back(run);
  ++waiting_;
  if (!simulating) run_job(run, key);
  if (role_ != Role::kReference) return;
  while (waiting_ > kMaxWaiting && !workers_.empty()) reap(true);
}

void CheckDriver::run_job(const InjectedRun& run, uint64_t key) {
  for (;;) {
    for (Worker& w : workers_) {
      if (!w.busy && w.to_fd >= 0) {
        send_job(w.to_fd);
        w.busy = true;
        w.key = key;
        ++simulated_runs_;
        return;
      }
    }
    if (workers_.size() < plan_.jobs) break;
    reap(true);
  }
  // A new worker, forked here: its first job is this very state.
  int parent_fd = -1, job_fds[2] = {-1, -1};
  if (workers_take_jobs_ && pipe2(job_fds, O_CLOEXEC) != 0) {
    error_ = "pipe failed: cannot start an injected run";
    return;
  }
  const pid_t pid = fork_with_pipe(&parent_fd, &child_fd_);
  if (pid == 0) {
    role_ = Role::kInjected;
    for (const Worker& w : workers_) {
      close(w.from_fd);
      if (w.to_fd >= 0) close(w.to_fd);
    }
    workers_.clear();
    if (job_fds[1] >= 0) close(job_fds[1]);
    job_fd_ = job_fds[0];
    mcu_.bus().set_access_observer(nullptr, {});
    job_has_boot_fram_ = fram_sum_ == boot_fram_sum_;
    fail_power(std::vector<uint64_t>(run.failure_cycles.begin() + 1, run.failure_cycles.end()));
    if (boots_like_reference()) report_and_continue(true);
    return;
  }
  if (job_fds[0] >= 0) close(job_fds[0]);
  if (pid < 0) {
    if (job_fds[1] >= 0) close(job_fds[1]);
    error_ = "fork failed: cannot snapshot the simulator";
    return;
  }
  ++simulated_runs_;
  workers_.push_back({pid, parent_fd, job_fds[1], true, key, {}});
}

// A job: the markers' last values (count, then id and argument pairs), the samples handed out,
// then every FRAM byte, region by region in memory-map order.
void CheckDriver::send_job(int fd) {
  std::string job;
  const auto put = [&job](uint64_t v, size_t bytes) {
    for (size_t i = 0; i < bytes; ++i) job.push_back(char(v >> (8 * i)));
  };
  put(marker_last_.size(), 4);
  for (const auto& [id, arg] : marker_last_) {
    put(id, 2);
    put(arg, 2);
  }
  put(mcu_.host_io().deliveries().size(), 8);
  // Only a state whose FRAM is the boot's can boot like the reference run (report_and_continue).
  put(fram_sum_ == boot_fram_sum_ ? 1 : 0, 1);
  const uint8_t* image = mcu_.bus().image();
  for (const auto& [start, end] : fram_ranges_) {
    job.append(reinterpret_cast<const char*>(image + start), end - start);
  }
  write_all(fd, job);
}

bool CheckDriver::take_job() {
  const auto read_exact = [this](void* into, size_t bytes) {
    auto* p = static_cast<char*>(into);
    while (bytes > 0) {
      const ssize_t n = read(job_fd_, p, bytes);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      p += n;
      bytes -= size_t(n);
    }
    return true;
  };
  const auto get = [&read_exact](size_t bytes, uint64_t* v) {
    uint8_t b[8] = {};
    if (!read_exact(b, bytes)) return false;
    *v = 0;
    for (size_t i = 0; i < bytes; ++i) *v |= uint64_t(b[i]) << (8 * i);
    return true;
  };
  if (job_fd_ < 0) return false;
  uint64_t count = 0, samples = 0;
  if (!get(4, &count) || count > 0x10000) return false;
  mcu::OutputLog& log = mcu_.mutable_log();
  log.markers.clear();
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t id = 0, arg = 0;
    if (!get(2, &id) || !get(2, &arg)) return false;
    log.markers.push_back({mcu_.ctx().cycles, uint16_t(id), uint16_t(arg)});
  }
  uint64_t boot_fram = 0;
  if (!get(8, &samples) || !get(1, &boot_fram)) return false;
  job_has_boot_fram_ = boot_fram != 0;
  uint8_t* image = mcu_.bus().image();
  for (const auto& [start, end] : fram_ranges_) {
    if (!read_exact(image + start, end - start)) return false;
  }
  if (mcu::SampleSource* source = mcu_.host_io().sample_source()) source->seek(samples);
  fail_power({});
  return true;
}

void CheckDriver::fail_power(std::vector<uint64_t> later_failures) {
  // The text observables count from the boot after the failure.
  host_mark_ = mcu_.log().host_text.size();
  uart_mark_ = mcu_.log().uart_text.size();
  losses_mark_ = mcu_.power_losses();
  // The limit counts from the boot after the last failure, so that runs from the same surviving
  // state end alike.
  const uint64_t last = later_failures.empty() ? mcu_.ctx().cycles : later_failures.back();
  mcu_.schedule_power_failures(std::move(later_failures));
  mcu_.set_max_cycles(last + 2 * reference_cycles_ + kExtraCycles);
  mcu_.inject_power_failure();
}

bool CheckDriver::boots_like_reference() {
  // The device boots with registers and peripherals reset: if FRAM and SRAM also hold what they
  // held at the reference run's boot, the rest of this run is the reference run (the simulation
  // is deterministic), so its outcome is known without running it. Only a one-failure run.
  return plan_.failures == 1 && job_has_boot_fram_ && memory_hash() == boot_hash_;
}

void CheckDriver::report_and_continue(bool as_reference) {
  for (;;) {
    write_all(child_fd_, outcome_message(as_reference) + "\n");
    if (!take_job()) {
      close(child_fd_);
      std::cout.flush();
      _exit(0);
    }
    if (!boots_like_reference()) return;
    as_reference = true;
  }
}

void CheckDriver::reap(bool block) {
  for (;;) {
    bool any = false;
    for (size_t i = 0; i < workers_.size();) {
      Worker& w = workers_[i];
      const bool ended = drain(w.from_fd, &w.received);
      // Every complete line is the outcome of the job it was running.
      for (size_t nl; w.busy && (nl = w.received.find('\n')) != std::string::npos;) {
        std::vector<std::string> diffs;
        size_t extra_failures = plan_.failures - 1;
        try {
          const nlohmann::json j = nlohmann::json::parse(w.received.substr(0, nl));
          diffs = differences(expected_, Outcome::from_json(j.at("outcome")), observe_);
          extra_failures = j.at("extra_failures").get<size_t>();
        } catch (const std::exception&) {
          diffs.push_back("the injected run sent an unreadable outcome");
        }
        w.received.erase(0, nl + 1);
        w.busy = false;
        resolve(w.key, std::move(diffs), extra_failures);
        any = true;
      }
      if (!ended) {
        ++i;
        continue;
      }
      close(w.from_fd);
      if (w.to_fd >= 0) close(w.to_fd);
      int status = 0;
      waitpid(w.pid, &status, 0);
      if (w.busy) {
        resolve(
            w.key,
            {"the injected run ended without an outcome (status " + std::to_string(status) + ")"},
            plan_.failures - 1);
      }
      workers_.erase(workers_.begin() + long(i));
      any = true;
    }
    const bool busy = std::any_of(workers_.begin(), workers_.end(),
                                  [](const Worker& w) { return w.busy || w.to_fd < 0; });
    if (!block || any || !busy) return;
    std::vector<pollfd> fds;
    for (const Worker& w : workers_) fds.push_back({w.from_fd, POLLIN, 0});
    ::poll(fds.data(), fds.size(), -1);
  }
}

void CheckDriver::resolve(uint64_t key, std::vector<std::string> diffs, size_t extra_failures) {
  Verdict& verdict = verdicts_[key];
  for (InjectedRun& run : verdict.waiting) {
    // The failures that happened (a run can end before its later ones).
    run.failure_cycles.resize(std::min(run.failure_cycles.size(), 1 + extra_failures));
    record(std::move(run), diffs);
  }
  waiting_ -= verdict.waiting.size();
  if (plan_.reuse && plan_.failures == 1) {
    verdict.known = true;
    verdict.differences = std::move(diffs);
    verdict.waiting = {};
  } else {
    verdicts_.erase(key);  // no other point has this key
  }
}

void CheckDriver::record(InjectedRun run, const std::vector<std::string>& diffs) {
  if (diffs.empty()) return;
  ++divergence_count_;
  ++divergences_by_pc_[run.pc];
  // Merge into the stretch of consecutive divergent points it extends.
  const uint64_t ord = run.ordinal;
  auto next = stretches_.upper_bound(ord);
  DivergentStretch* joined = nullptr;
  if (next != stretches_.begin()) {
    DivergentStretch& prev = std::prev(next)->second;
    if (prev.last_ordinal + 1 == ord) {
      prev.last_ordinal = ord;
      prev.last_cycle = run.cycle;
      joined = &prev;
    }
  }
  if (!joined) {
    joined =
        &stretches_.emplace(ord, DivergentStretch{ord, ord, run.cycle, run.cycle}).first->second;
  }
  if (next != stretches_.end() && next->second.first_ordinal == ord + 1) {
    joined->last_ordinal = next->second.last_ordinal;
    joined->last_cycle = next->second.last_cycle;
    stretches_.erase(next);
  }
  // Keep the first max_listed by point: a max-heap whose top is the latest kept.
  const auto later = [](const InjectedRun& a, const InjectedRun& b) { return a.point < b.point; };
  if (divergences_.size() >= plan_.max_listed) {
    if (plan_.max_listed == 0 || run.point > divergences_.front().point) return;
    std::pop_heap(divergences_.begin(), divergences_.end(), later);
    divergences_.pop_back();
  }
  run.differences = diffs;
  divergences_.push_back(std::move(run));
  std::push_heap(divergences_.begin(), divergences_.end(), later);
}

uint64_t CheckDriver::memory_hash() {
  // FNV-1a over the bytes of every FRAM and SRAM region.
  uint64_t h = 1469598103934665603ull;
  const uint8_t* image = mcu_.bus().image();
  for (const mcu::Region& r : mcu_.bus().map().regions) {
    if (r.kind != mcu::RegionKind::kFram && r.kind != mcu::RegionKind::kSram) continue;
    for (uint32_t a = r.start; a < r.end(); ++a) h = (h ^ image[a]) * 1099511628211ull;
  }
  return h;
}

std::string CheckDriver::outcome_message(bool as_reference) {
  Outcome outcome;
  if (as_reference) {
    // The reference run's outcome after this boot; the markers written before the failure stay
    // where the reference run does not write them again.
    outcome = expected_;
    outcome.marker_last.clear();
    for (const auto& m : mcu_.log().markers) outcome.marker_last[m.id] = m.arg;
    for (const auto& [id, arg] : expected_.marker_last) outcome.marker_last[id] = arg;
  } else {
    outcome = capture_outcome(mcu_, observe_, host_mark_, uart_mark_);
  }
  nlohmann::ordered_json j;
  j["outcome"] = outcome.to_json();
  j["instructions"] = mcu_.ctx().instructions;
  const uint64_t losses = mcu_.power_losses() - losses_mark_;
  j["extra_failures"] = losses > 0 ? losses - 1 : 0;
  return j.dump();
}

void CheckDriver::finish_free_run() {
  write_all(child_fd_, outcome_message(false));
  close(child_fd_);
  std::cout.flush();
  _exit(0);
}

mcu::DebugAction CheckDriver::halted(mcu::HaltReason reason) {
  if (role_ == Role::kFreeRun) {
    if (reason == mcu::HaltReason::kExited) finish_free_run();
    return mcu::DebugAction::kContinue;
  }
  if (role_ == Role::kInjected) {
    if (reason == mcu::HaltReason::kExited) {
      report_and_continue(false);  // returns with the next job's power failure done
      mcu_.restart_after_exit();
    }
    return mcu::DebugAction::kContinue;
  }
  if (reason == mcu::HaltReason::kAttach) {
    boot_hash_ = memory_hash();
    fram_sum_ = fram_sum();
    boot_fram_sum_ = fram_sum_;
    rehash_markers();
    start();
    if (role_ != Role::kReference) return mcu::DebugAction::kContinue;  // the free run
    if (!error_.empty() || never_ends_) return mcu::DebugAction::kKill;
  } else {
    flush_accesses();
    ++index_;
  }
  const uint64_t cycle = mcu_.ctx().cycles;
  if (reason == mcu::HaltReason::kExited) {
    detector_.finish(cycle);
    // Workers idle on their job pipes end when it closes.
    for (Worker& w : workers_) {
      if (w.to_fd >= 0) close(w.to_fd);
      w.to_fd = -2;  // closed: reap waits for its end
    }
    while (!workers_.empty()) reap(true);
    std::sort(divergences_.begin(), divergences_.end(),
              [](const InjectedRun& a, const InjectedRun& b) { return a.point < b.point; });
    // Stepping must not change what the firmware does: the stepped reference run ends as the
    // free one did, or the model has a bug that every injected result would inherit.
    const Outcome stepped = capture_outcome(mcu_, observe_, 0, 0);
    if (!differences(expected_, stepped, observe_).empty() || stepped.cycles != expected_.cycles) {
      error_ = "the stepped reference run ended differently from the free one (a model bug)";
    }
    // Every FRAM change went through the access observer, or reuse would join unlike states.
    if (fram_sum_ != fram_sum()) {
      error_ = "FRAM changed outside the observed accesses (a bug in check's reuse)";
    }
    return mcu::DebugAction::kContinue;
  }
  // Checkpoints: a commit marker written by the last instruction, entering or leaving a commit
  // function.
  const auto& markers = mcu_.log().markers;
  wrote_at_marker_ = false;
  if (markers_seen_ < markers.size()) {
    for (; markers_seen_ < markers.size(); ++markers_seen_) {
      const auto& m = markers[markers_seen_];
      wrote_at_marker_ = wrote_at_marker_ || m.id == plan_.at_marker;
      if (plan_.commit_markers.count(m.id)) detector_.checkpoint(cycle);
      marker_last_[m.id] = m.arg;
      after_marker_seen_ = after_marker_seen_ || m.id == plan_.after_marker;
    }
    rehash_markers();
  }
  const uint32_t pc = mcu_.cpu().pc(), sp = mcu_.cpu().reg(1);
  if (commit_sp_ && sp > *commit_sp_) {
    commit_sp_.reset();
    detector_.checkpoint(cycle);
  }
  if (!commit_sp_ && plan_.commit_functions.count(pc)) {
    commit_sp_ = sp;
    detector_.checkpoint(cycle);
  }
  if (planned(index_)) {
    inject(index_);
    if (role_ == Role::kInjected) return mcu::DebugAction::kContinue;  // power failed in run_job
    if (!error_.empty()) return mcu::DebugAction::kKill;
  }
  if (index_ % 64 == 0 && !workers_.empty()) reap(false);
  last_pc_ = pc;
  return mcu::DebugAction::kStep;
}

}  // namespace ehsim

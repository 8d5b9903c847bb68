#include "sim/check/check_driver.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <iostream>
#include <random>

namespace ehsim {

namespace {

// An injected run may take this much longer than the reference run before it counts as not
// finishing (a livelock after a failure is a divergence, not a hang).
constexpr uint64_t kExtraCycles = 1'000'000;

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
  if (role_ == Role::kReference) pending_.push_back({addr, size, write});
}

void CheckDriver::flush_accesses() {
  last_wrote_fram_ = false;
  const uint64_t cycle = mcu_.ctx().cycles;
  for (const Access& a : pending_) {
    if (!commit_sp_) detector_.access(last_pc_, a.addr, a.size, a.write, cycle);
    if (a.write) {
      for (const auto& [start, end] : fram_ranges_) {
        last_wrote_fram_ = last_wrote_fram_ || (a.addr < end && start < a.addr + a.size);
      }
    }
  }
  pending_.clear();
}

bool CheckDriver::planned(uint64_t index) const {
  if (plan_.points > 0) {
    return std::binary_search(random_points_.begin(), random_points_.end(), index);
  }
  if (plan_.fram_writes) return last_wrote_fram_;
  return index % plan_.every == 0;
}

void CheckDriver::start() {
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
  std::vector<std::pair<uint32_t, uint32_t>> observed = fram_ranges_;
  for (const auto& r : ranges_of(mcu_.bus().map(), mcu::RegionKind::kSram)) observed.push_back(r);
  mcu_.bus().set_access_observer(this, observed);
}

void CheckDriver::spawn(uint64_t index) {
  while (children_.size() >= plan_.jobs) reap(true);
  InjectedRun run;
  run.point = index;
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
  int parent_fd = -1;
  const pid_t pid = fork_with_pipe(&parent_fd, &child_fd_);
  if (pid == 0) {
    role_ = Role::kInjected;
    for (const Child& c : children_) close(c.fd);
    children_.clear();
    mcu_.bus().set_access_observer(nullptr, {});
    child_run_ = run;
    // The text observables count from the boot after the failure.
    host_mark_ = mcu_.log().host_text.size();
    uart_mark_ = mcu_.log().uart_text.size();
    mcu_.schedule_power_failures(
        std::vector<uint64_t>(run.failure_cycles.begin() + 1, run.failure_cycles.end()));
    mcu_.set_max_cycles(run.cycle + 2 * reference_cycles_ + kExtraCycles + plan_.failures * gap);
    mcu_.inject_power_failure();
    // The device boots with registers and peripherals reset: if FRAM and SRAM also hold what
    // they held at the reference run's boot, the rest of this run is the reference run (the
    // simulation is deterministic), so its outcome is known without running it.
    if (plan_.failures == 1 && memory_hash() == boot_hash_) finish_child(true);
    return;
  }
  if (pid < 0) {
    error_ = "fork failed: cannot snapshot the simulator";
    return;
  }
  children_.push_back({pid, parent_fd, run, {}});
}

void CheckDriver::reap(bool block) {
  for (;;) {
    bool any = false;
    for (size_t i = 0; i < children_.size();) {
      Child& c = children_[i];
      if (!drain(c.fd, &c.received)) {
        ++i;  // still running
        continue;
      }
      close(c.fd);
      int status = 0;
      waitpid(c.pid, &status, 0);
      InjectedRun run = c.run;
      try {
        const nlohmann::json j = nlohmann::json::parse(c.received);
        run.differences = differences(expected_, Outcome::from_json(j.at("outcome")), observe_);
        // The failures that happened (a run can end before its later ones).
        run.failure_cycles.resize(
            std::min<size_t>(run.failure_cycles.size(), 1 + j.at("extra_failures").get<size_t>()));
      } catch (const std::exception&) {
        run.differences.push_back("the injected run ended without an outcome (status " +
                                  std::to_string(status) + ")");
      }
      if (!run.differences.empty()) {
        ++divergence_count_;
        divergences_.push_back(run);  // all: hazards are confirmed against every one
      }
      children_.erase(children_.begin() + long(i));
      any = true;
    }
    if (!block || any || children_.empty()) return;
    std::vector<pollfd> fds;
    for (const Child& c : children_) fds.push_back({c.fd, POLLIN, 0});
    ::poll(fds.data(), fds.size(), -1);
  }
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

void CheckDriver::finish_child(bool as_reference) {
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
  j["extra_failures"] = mcu_.power_losses() > 0 ? mcu_.power_losses() - 1 : 0;
  write_all(child_fd_, j.dump());
  close(child_fd_);
  std::cout.flush();
  _exit(0);
}

mcu::DebugAction CheckDriver::halted(mcu::HaltReason reason) {
  if (role_ != Role::kReference) {
    if (reason == mcu::HaltReason::kExited) finish_child(false);
    return mcu::DebugAction::kContinue;
  }
  if (reason == mcu::HaltReason::kAttach) {
    boot_hash_ = memory_hash();
    start();
    if (role_ != Role::kReference) return mcu::DebugAction::kContinue;  // the free run
    if (!error_.empty()) return mcu::DebugAction::kKill;
  } else {
    flush_accesses();
    ++index_;
  }
  const uint64_t cycle = mcu_.ctx().cycles;
  if (reason == mcu::HaltReason::kExited) {
    detector_.finish(cycle);
    while (!children_.empty()) reap(true);
    std::sort(divergences_.begin(), divergences_.end(),
              [](const InjectedRun& a, const InjectedRun& b) { return a.point < b.point; });
    // Stepping must not change what the firmware does: the stepped reference run ends as the
    // free one did, or the model has a bug that every injected result would inherit.
    const Outcome stepped = capture_outcome(mcu_, observe_, 0, 0);
    if (!differences(expected_, stepped, observe_).empty() || stepped.cycles != expected_.cycles) {
      error_ = "the stepped reference run ended differently from the free one (a model bug)";
    }
    return mcu::DebugAction::kContinue;
  }
  // Checkpoints: a commit marker written by the last instruction, entering or leaving a commit
  // function.
  const auto& markers = mcu_.log().markers;
  for (; markers_seen_ < markers.size(); ++markers_seen_) {
    if (plan_.commit_markers.count(markers[markers_seen_].id)) detector_.checkpoint(cycle);
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
    spawn(index_);
    if (role_ == Role::kInjected) return mcu::DebugAction::kContinue;  // power failed in spawn
    if (!error_.empty()) return mcu::DebugAction::kKill;
  }
  if (index_ % 64 == 0) reap(false);
  last_pc_ = pc;
  return mcu::DebugAction::kStep;
}

}  // namespace ehsim

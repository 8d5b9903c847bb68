#include "sim/sweep/sweep_run.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "sim/cli/progress_line.h"
#include "sim/run/output_dir.h"
#include "sim/scenario/units.h"
#include "sim/sweep/sweep_collect.h"
#include "sim/sweep/sweep_points.h"

namespace ehsim {

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

volatile sig_atomic_t g_stop_signal = 0;

void on_stop_signal(int sig) {
  g_stop_signal = sig;
}

// The last lines of a child's stderr (at most 20 lines, 2000 bytes).
std::string stderr_tail(const fs::path& file) {
  std::string text = read_text_file(file);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.size() > 2000) text = text.substr(text.size() - 2000);
  size_t lines = 0, at = text.size();
  while (at > 0) {
    const size_t nl = text.rfind('\n', at - 1);
    if (nl == std::string::npos) break;
    if (++lines == 20) return text.substr(nl + 1);
    at = nl;
  }
  return text;
}

struct Child {
  pid_t pid = -1;
  size_t point = 0;
  std::chrono::steady_clock::time_point start;
  bool timed_out = false;
};

// Creates the point directory afresh with point.json and starts `ehsim run` in it.
Child start_point(const SweepPlan& plan, const std::string& sweep_dir, const SweepPoint& point,
                  const SweepRunOptions& options) {
  const fs::path dir = point_dir(sweep_dir, point);
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  if (ec) throw InputError(dir.string() + ": cannot create point directory: " + ec.message());
  const std::vector<std::string> args = point_run_args(plan, point, dir.string());
  ordered_json info = {{"schema", "ehsim-sweep-point"},
                       {"index", point.index},
                       {"name", point.name},
                       {"params", point_params(point)},
                       {"command", json::array()}};
  info["command"].push_back(options.executable);
  for (const std::string& a : args) info["command"].push_back(a);
  write_atomically(dir / "point.json", info.dump(2) + "\n");

  // Everything the child needs is prepared before fork(): after it only async-signal-safe calls.
  std::vector<std::string> argv_text = {options.executable};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string out_path = (dir / "stdout.txt").string();
  const std::string err_path = (dir / "stderr.txt").string();
  const int out_fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int err_fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out_fd < 0 || err_fd < 0) throw InputError(dir.string() + ": cannot create stdout/stderr");
  record_output_entries(dir, "sweep-point", {"point.json", "stdout.txt", "stderr.txt"});
  Child c;
  c.point = point.index;
  c.start = std::chrono::steady_clock::now();
  c.pid = fork();
  if (c.pid == 0) {
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    execv(argv[0], argv.data());
    const char msg[] = "ehsim sweep: cannot execute the ehsim binary\n";
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    _exit(127);
  }
  close(out_fd);
  close(err_fd);
  if (c.pid < 0) throw InputError(std::string("ehsim sweep: fork failed: ") + strerror(errno));
  return c;
}

// Writes the point's result marker from the child's wait status. Returns true when ok.
bool finish_point(const std::string& sweep_dir, const SweepPoint& point, int wait_status,
                  bool timed_out, double timeout_s) {
  const fs::path dir = point_dir(sweep_dir, point);
  ordered_json r = {{"schema", "ehsim-sweep-result"}, {"params", point_params(point)}};
  std::string exit_text, error;
  if (timed_out) {
    exit_text = "timeout";
    char buf[64];
    std::snprintf(buf, sizeof buf, "timed out after %g s", timeout_s);
    error = buf;
  } else if (WIFEXITED(wait_status)) {
    exit_text = std::to_string(WEXITSTATUS(wait_status));
    if (WEXITSTATUS(wait_status) != 0) error = "ehsim run exited with status " + exit_text;
  } else if (WIFSIGNALED(wait_status)) {
    const int sig = WTERMSIG(wait_status);
    exit_text = std::string("signal ") + std::to_string(sig);
    error = std::string("ehsim run killed by signal ") + std::to_string(sig) + " (" +
            strsignal(sig) + ")";
  } else {
    exit_text = "unknown";
    error = "ehsim run ended abnormally";
  }
  const bool summary_ok = read_json_file(dir / "summary.json").has_value();
  if (error.empty() && !summary_ok) error = "ehsim run wrote no readable summary.json";
  const bool ok = error.empty();
  r["status"] = ok ? "ok" : "failed";
  r["exit"] = exit_text;
  if (!ok) {
    const std::string tail = stderr_tail(dir / "stderr.txt");
    r["error"] = tail.empty() ? error : error + "\n" + tail;
  } else {
    r["error"] = nullptr;
  }
  // Written last, atomically: its presence with "ok" is what makes the point complete.
  write_atomically(dir / "result.json", r.dump(2) + "\n");
  record_output_entries(dir, "sweep-point", {"result.json"});
  return ok;
}

// The sweep's progress line: points done, failed and running, and the time left at the rate so far.
void show_progress(ProgressLine& line, size_t total, size_t skipped, size_t done_now, size_t failed,
                   size_t running, bool force) {
  if (!line.due(force)) return;
  const size_t done = skipped + done_now;
  const size_t remaining = total - done;
  const double eta = done_now ? line.elapsed_s() / double(done_now) * double(remaining) : -1;
  char text[200];
  std::snprintf(text, sizeof text, "%zu/%zu points | %zu failed | %zu running | ETA %s ", done,
                total, failed, running, remaining == 0 ? "0s" : format_duration(eta).c_str());
  line.draw(total ? double(done) / double(total) : 1.0, text);
}

bool failed_earlier(const std::string& sweep_dir, const SweepPoint& point) {
  const auto result = read_json_file(fs::path(point_dir(sweep_dir, point)) / "result.json");
  return result && result->is_object() && result->value("status", "") == "failed" &&
         result->contains("params") && json((*result)["params"]) == json(point_params(point));
}

void write_plan(const SweepPlan& plan, const std::string& sweep_dir) {
  claim_output_entries(sweep_dir, "sweep", {"points", "plan.json"}, "--out");
  std::error_code ec;
  fs::create_directories(fs::path(sweep_dir) / "points", ec);
  if (ec) throw InputError(sweep_dir + ": cannot create sweep directory: " + ec.message());
  const fs::path file = fs::path(sweep_dir) / "plan.json";
  if (const auto old = read_json_file(file)) {
    // A different sweep in the same directory would mix results under the same point names.
    const SweepPlan previous = SweepPlan::from_json(*old, file.string());
    bool same = previous.points.size() == plan.points.size();
    for (size_t i = 0; same && i < plan.points.size(); ++i) {
      same = previous.points[i].sets == plan.points[i].sets;
    }
    if (!same) {
      throw InputError(sweep_dir +
                       ": holds a different sweep (plan.json lists other points); "
                       "use another --out directory");
    }
  }
  const std::string text = plan.to_json().dump(2) + "\n";
  if (read_text_file(file) != text) write_atomically(file, text);
}

}  // namespace

int run_one_point(const SweepPlan& plan, const std::string& sweep_dir, const SweepPoint& point,
                  const SweepRunOptions& options) {
  write_plan(plan, sweep_dir);
  if (point_complete(sweep_dir, point)) {
    std::cout << "ehsim sweep: point " << point.name << " already complete\n";
    return 0;
  }
  Child c = start_point(plan, sweep_dir, point, options);
  int status = 0;
  for (;;) {
    const pid_t r = waitpid(c.pid, &status, WNOHANG);
    if (r == c.pid) break;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - c.start).count();
    if (options.timeout_s > 0 && elapsed > options.timeout_s) {
      kill(c.pid, SIGKILL);
      waitpid(c.pid, &status, 0);
      c.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const bool ok = finish_point(sweep_dir, point, status, c.timed_out, options.timeout_s);
  std::cout << "ehsim sweep: point " << point.name << (ok ? " ok" : " failed") << "\n";
  return ok ? 0 : 1;
}

int run_sweep(const SweepPlan& plan, const std::string& sweep_dir, const SweepRunOptions& options) {
  write_plan(plan, sweep_dir);
  std::vector<size_t> pending;
  size_t skipped = 0;
  for (const SweepPoint& p : plan.points) {
    if (point_complete(sweep_dir, p) || (!options.retry_failed && failed_earlier(sweep_dir, p))) {
      ++skipped;
    } else {
      pending.push_back(p.index);
    }
  }
  g_stop_signal = 0;
  struct sigaction sa = {}, old_int = {}, old_term = {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);

  ProgressLine bar(options.progress_bar);
  std::vector<Child> running;
  size_t next = 0, finished = 0, failed = 0;
  const size_t jobs = size_t(std::max(1, options.jobs));
  while ((next < pending.size() || !running.empty()) && !g_stop_signal) {
    while (next < pending.size() && running.size() < jobs) {
      running.push_back(start_point(plan, sweep_dir, plan.points[pending[next++]], options));
    }
    bool changed = false;
    for (size_t i = 0; i < running.size();) {
      Child& c = running[i];
      int status = 0;
      pid_t r = waitpid(c.pid, &status, WNOHANG);
      if (r == 0 && options.timeout_s > 0 &&
          std::chrono::duration<double>(std::chrono::steady_clock::now() - c.start).count() >
              options.timeout_s) {
        kill(c.pid, SIGKILL);
        r = waitpid(c.pid, &status, 0);
        c.timed_out = true;
      }
      if (r == c.pid) {
        if (!finish_point(sweep_dir, plan.points[c.point], status, c.timed_out,
                          options.timeout_s)) {
          ++failed;
        }
        ++finished;
        running.erase(running.begin() + long(i));
        changed = true;
      } else {
        ++i;
      }
    }
    show_progress(bar, plan.points.size(), skipped, finished, failed, running.size(), changed);
    if (!changed) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (g_stop_signal) {
    // Interrupted: stop the points still running; they stay incomplete and run next time.
    for (Child& c : running) kill(c.pid, SIGTERM);
    for (Child& c : running) {
      int status = 0;
      waitpid(c.pid, &status, 0);
    }
  }
  show_progress(bar, plan.points.size(), skipped, finished, failed, 0, true);
  bar.finish();
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  const size_t not_ok = collect_sweep(plan, sweep_dir);
  if (g_stop_signal) {
    std::cerr << "ehsim sweep: interrupted; run the same command again to resume\n";
    return 130;
  }
  std::cout << "ehsim sweep: " << plan.points.size() << " points (" << skipped
            << " already complete), " << not_ok << " failed; results in "
            << (fs::path(sweep_dir) / "sweep.csv").string() << "\n";
  return not_ok ? 1 : 0;
}

}  // namespace ehsim

#include "sim/sweep_runner.h"

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

#include "sim/output_dir.h"
#include "sim/report_sweep.h"
#include "sim/units.h"

namespace ehsim {

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

volatile sig_atomic_t g_stop_signal = 0;

void on_stop_signal(int sig) {
  g_stop_signal = sig;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::optional<json> read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  try {
    return json::parse(in);
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

void write_atomically(const fs::path& path, const std::string& text) {
  // A per-process temporary name: array tasks of one sweep may write plan.json at once.
  const fs::path tmp = path.string() + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out) throw InputError(tmp.string() + ": cannot write");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw InputError(path.string() + ": cannot write: " + ec.message());
}

// The point's identity in its markers: its parameters (not paths, so results gathered from
// another machine still match).
ordered_json point_params(const SweepPoint& point) {
  ordered_json j = ordered_json::object();
  for (const auto& [k, v] : point.sets) j[k] = v;
  return j;
}

// The last lines of a child's stderr (at most 20 lines, 2000 bytes).
std::string stderr_tail(const fs::path& file) {
  std::string text = read_text(file);
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
  const bool summary_ok = read_json(dir / "summary.json").has_value();
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

std::string format_duration(double s) {
  char buf[32];
  if (s < 0 || !std::isfinite(s)) return "?";
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%.0fs", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%dm%02ds", int(s / 60), int(s) % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%dh%02dm", int(s / 3600), int(s / 60) % 60);
  }
  return buf;
}

class ProgressBar {
 public:
  ProgressBar(bool enabled, size_t total, size_t skipped)
      : enabled_(enabled), total_(total), skipped_(skipped) {
    start_ = last_ = std::chrono::steady_clock::now();
  }
  void update(size_t done_now, size_t failed, size_t running, bool force) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const size_t done = skipped_ + done_now;
    const size_t remaining = total_ - done;
    const double eta = done_now ? elapsed / double(done_now) * double(remaining) : -1;
    constexpr int kWidth = 24;
    const int filled = total_ ? int(double(done) / double(total_) * kWidth) : kWidth;
    std::string bar(size_t(filled), '#');
    bar.resize(kWidth, ' ');
    char text[256];
    std::snprintf(text, sizeof text, "\r[%s] %zu/%zu points | %zu failed | %zu running | ETA %s ",
                  bar.c_str(), done, total_, failed, running,
                  remaining == 0 ? "0s" : format_duration(eta).c_str());
    std::cerr << text << std::flush;
    drew_ = true;
  }
  void finish() {
    if (drew_) std::cerr << '\n';
  }

 private:
  bool enabled_;
  size_t total_, skipped_;
  std::chrono::steady_clock::time_point start_, last_;
  bool drew_ = false;
};

}  // namespace

std::string point_dir(const std::string& sweep_dir, const SweepPoint& point) {
  return (fs::path(sweep_dir) / "points" / point.name).string();
}

bool point_complete(const std::string& sweep_dir, const SweepPoint& point) {
  const fs::path dir = point_dir(sweep_dir, point);
  const auto result = read_json(dir / "result.json");
  if (!result || !result->is_object()) return false;
  if (result->value("status", "") != "ok") return false;
  if (!result->contains("params") || json((*result)["params"]) != json(point_params(point))) {
    return false;
  }
  return read_json(dir / "summary.json").has_value();
}

namespace {

bool failed_earlier(const std::string& sweep_dir, const SweepPoint& point) {
  const auto result = read_json(fs::path(point_dir(sweep_dir, point)) / "result.json");
  return result && result->is_object() && result->value("status", "") == "failed" &&
         result->contains("params") && json((*result)["params"]) == json(point_params(point));
}

void write_plan(const SweepPlan& plan, const std::string& sweep_dir) {
  claim_output_entries(sweep_dir, "sweep", {"points", "plan.json"}, "--out");
  std::error_code ec;
  fs::create_directories(fs::path(sweep_dir) / "points", ec);
  if (ec) throw InputError(sweep_dir + ": cannot create sweep directory: " + ec.message());
  const fs::path file = fs::path(sweep_dir) / "plan.json";
  if (const auto old = read_json(file)) {
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
  if (read_text(file) != text) write_atomically(file, text);
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

  ProgressBar bar(options.progress_bar, plan.points.size(), skipped);
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
    bar.update(finished, failed, running.size(), changed);
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
  bar.update(finished, failed, 0, true);
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

// ---- collecting results ----

namespace {

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string cell_text(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

json lookup(const json& summary, const std::string& dotted) {
  std::string pointer;
  std::stringstream ss(dotted);
  for (std::string part; std::getline(ss, part, '.');) pointer += "/" + part;
  try {
    const json::json_pointer ptr(pointer);
    if (summary.contains(ptr)) return summary.at(ptr);
  } catch (const json::exception&) {
  }
  return nullptr;
}

std::string one_line(std::string s) {
  for (size_t at; (at = s.find('\n')) != std::string::npos;) s.replace(at, 1, " | ");
  return s;
}

}  // namespace

size_t collect_sweep(const SweepPlan& plan, const std::string& sweep_dir) {
  struct Row {
    const SweepPoint* point;
    std::string status, exit;
    json error;
    std::optional<json> summary;
  };
  std::vector<Row> rows;
  for (const SweepPoint& p : plan.points) {
    Row row{&p, "missing", "", nullptr, std::nullopt};
    const fs::path dir = point_dir(sweep_dir, p);
    const auto result = read_json(dir / "result.json");
    if (result && result->is_object() &&
        json((*result).value("params", json())) == json(point_params(p))) {
      row.status = result->value("status", "failed");
      row.exit = result->value("exit", "");
      row.error = result->value("error", json());
      row.summary = read_json(dir / "summary.json");
      if (row.status == "ok" && !row.summary) {
        row.status = "failed";
        row.error = "summary.json is missing or unreadable";
      }
    } else if (fs::exists(dir / "point.json")) {
      row.error = "no result (the point did not finish)";
    }
    rows.push_back(std::move(row));
  }
  std::vector<std::string> metrics = plan.metrics;
  if (metrics.empty()) {
    for (const std::string& m : default_sweep_metrics()) {
      for (const Row& r : rows) {
        if (r.summary && !lookup(*r.summary, m).is_null()) {
          metrics.push_back(m);
          break;
        }
      }
    }
  }

  std::ostringstream csv;
  csv << "index,point";
  for (const SweepParam& p : plan.params) csv << ',' << csv_cell(p.key);
  csv << ",status,exit";
  for (const std::string& m : metrics) csv << ',' << csv_cell(m);
  csv << ",error\n";
  ordered_json j;
  j["schema"] = "ehsim-sweep";
  j["schema_version"] = 1;
  j["scenario"] = plan.scenario;
  j["zip"] = plan.zip;
  j["params"] = ordered_json::array();
  for (const SweepParam& p : plan.params) {
    j["params"].push_back({{"key", p.key}, {"spec", p.spec}, {"values", p.values}});
  }
  j["metrics"] = metrics;
  j["points"] = ordered_json::array();
  size_t ok = 0, failed = 0, missing = 0;
  for (const Row& r : rows) {
    csv << r.point->index << ',' << csv_cell(r.point->name);
    ordered_json params = ordered_json::object();
    for (const auto& [k, v] : r.point->sets) {
      csv << ',' << csv_cell(v);
      params[k] = v;
    }
    csv << ',' << r.status << ',' << csv_cell(r.exit);
    ordered_json values = ordered_json::object();
    for (const std::string& m : metrics) {
      const json v = r.summary ? lookup(*r.summary, m) : json();
      csv << ',' << csv_cell(cell_text(v));
      values[m] = v;
    }
    csv << ',' << csv_cell(r.error.is_string() ? one_line(r.error.get<std::string>()) : "") << '\n';
    (r.status == "ok" ? ok : r.status == "failed" ? failed : missing)++;
    j["points"].push_back({{"index", r.point->index},
                           {"name", r.point->name},
                           {"dir", "points/" + r.point->name},
                           {"params", params},
                           {"status", r.status},
                           {"exit", r.exit},
                           {"metrics", values},
                           {"error", r.error}});
  }
  j["counts"] = {{"points", rows.size()}, {"ok", ok}, {"failed", failed}, {"missing", missing}};
  // Points gathered from other machines may sit in a directory ehsim did not make: its own
  // files may still not replace a file of the same name that ehsim did not write.
  for (const char* name : {"sweep.csv", "sweep.json", "report.html"}) {
    std::error_code ec;
    if (fs::exists(fs::path(sweep_dir) / name, ec) && !output_kinds(sweep_dir).count("sweep")) {
      throw InputError(sweep_dir + ": holds " + name +
                       ", which ehsim did not write; move it away before collecting");
    }
  }
  write_atomically(fs::path(sweep_dir) / "sweep.csv", csv.str());
  write_atomically(fs::path(sweep_dir) / "sweep.json", j.dump(2) + "\n");
  write_sweep_report(sweep_dir);
  record_output_entries(sweep_dir, "sweep", {"sweep.csv", "sweep.json", "report.html"});
  return failed + missing;
}

SweepPlan read_sweep_plan(const std::string& sweep_dir) {
  const fs::path file = fs::path(sweep_dir) / "plan.json";
  if (fs::exists(file)) {
    const auto j = read_json(file);
    if (!j) throw InputError(file.string() + ": not valid JSON");
    return SweepPlan::from_json(*j, file.string());
  }
  // No plan (points copied without it): rebuild from each point's point.json.
  SweepPlan plan;
  std::error_code ec;
  std::map<size_t, SweepPoint> points;
  std::vector<std::string> keys;
  for (const auto& entry : fs::directory_iterator(fs::path(sweep_dir) / "points", ec)) {
    // Ordered: the parameters keep the order of the command line.
    std::optional<ordered_json> info;
    try {
      std::ifstream in(entry.path() / "point.json");
      if (in) info = ordered_json::parse(in);
    } catch (const json::exception&) {
    }
    if (!info || !info->is_object() || !info->contains("params")) continue;
    SweepPoint p;
    p.index = info->value("index", size_t(0));
    p.name = info->value("name", entry.path().filename().string());
    for (const auto& [k, v] : (*info)["params"].items()) {
      p.sets.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    }
    if (plan.scenario.empty() && info->contains("command") && (*info)["command"].size() > 2) {
      plan.scenario = (*info)["command"][2].get<std::string>();
    }
    points[p.index] = p;
  }
  if (points.empty()) {
    throw InputError(sweep_dir +
                     ": no plan.json and no points/*/point.json (not a sweep directory)");
  }
  for (const std::string& k : keys) {
    SweepParam sp;
    sp.key = k;
    for (const auto& [i, p] : points) {
      for (const auto& [pk, v] : p.sets) {
        if (pk == k && std::find(sp.values.begin(), sp.values.end(), v) == sp.values.end()) {
          sp.values.push_back(v);
        }
      }
    }
    for (const std::string& v : sp.values) sp.spec += (sp.spec.empty() ? "" : ",") + v;
    plan.params.push_back(sp);
  }
  // Every point's sets in the same key order.
  for (auto& [i, p] : points) {
    std::vector<std::pair<std::string, std::string>> sets;
    for (const std::string& k : keys) {
      for (const auto& s : p.sets) {
        if (s.first == k) sets.push_back(s);
      }
    }
    p.sets = sets;
    plan.points.push_back(p);
  }
  return plan;
}

}  // namespace ehsim

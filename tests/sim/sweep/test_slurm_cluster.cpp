// `ehsim sweep --emit slurm` on a real Slurm cluster: a single-node cluster on localhost (Debian's
// slurmctld, slurmd, slurm-client and munge) started from a fresh temporary directory runs the
// emitted job array, `--collect` merges the points, and sweep.csv must equal a local `-j 2` run.
// Missing daemons are a failure naming the Debian package (scripts/install-deps installs them).
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "tests/sim/sweep/sweep_test_util.h"

extern char** environ;

using namespace sweeptest;

namespace {

using Clock = std::chrono::steady_clock;

// Polls `done` every 100 ms for at most `seconds`.
bool wait_until(double seconds, const std::function<bool()>& done) {
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  for (;;) {
    if (done()) return true;
    if (Clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// The executable `name` from PATH or the sbin directories (root's daemons), or "" when absent.
std::string find_program(const std::string& name) {
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/sbin:/usr/local/sbin";
  std::stringstream dirs(path);
  for (std::string d; std::getline(dirs, d, ':');) {
    if (d.empty()) continue;
    const fs::path p = fs::path(d) / name;
    if (access(p.c_str(), X_OK) == 0 && fs::is_regular_file(p)) return p.string();
  }
  return "";
}

// Two distinct TCP ports that are free right now (the kernel's choice for port 0).
std::pair<int, int> free_ports() {
  int fds[2];
  int ports[2];
  for (int i = 0; i < 2; ++i) {
    fds[i] = socket(AF_INET, SOCK_STREAM, 0);
    if (fds[i] < 0) throw std::runtime_error("socket() failed");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (bind(fds[i], reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        getsockname(fds[i], reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      throw std::runtime_error("cannot find a free port");
    }
    ports[i] = ntohs(a.sin_port);
  }
  close(fds[0]);
  close(fds[1]);
  return {ports[0], ports[1]};
}

std::string tail(const std::string& file, size_t max_lines) {
  const auto all = lines(read(file));
  std::string out;
  for (size_t i = all.size() > max_lines ? all.size() - max_lines : 0; i < all.size(); ++i) {
    out += all[i] + "\n";
  }
  return out;
}

constexpr const char* kMarker = "EHSIM_SLURM_TEST_CLUSTER";

// The parent of process `pid` (field 4 of /proc/PID/stat, after the parenthesised name), or -1.
pid_t parent_of(pid_t pid) {
  const std::string stat = read("/proc/" + std::to_string(pid) + "/stat");
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::stringstream rest(stat.substr(close + 1));
  std::string state;
  long ppid = -1;
  rest >> state >> ppid;
  return pid_t(ppid);
}

// The processes (other than this one) of the cluster in `dir`: those with the environment entry
// EHSIM_SLURM_TEST_CLUSTER=<dir> (the daemons and the jobs, which inherit it from sbatch) and those
// with a working directory or an open file in `dir` (slurmstepd, which overwrites its environment
// with its process title, keeps slurmd's log open). Zombies are not listed: they run nothing.
std::vector<pid_t> cluster_processes(const std::string& dir) {
  const std::string entry = std::string(kMarker) + "=" + dir, prefix = dir + "/";
  const auto inside = [&](const fs::path& link) {
    std::error_code ec;
    const std::string target = fs::read_symlink(link, ec).string();
    return !ec && (target == dir || target.rfind(prefix, 0) == 0);
  };
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = pid_t(std::stol(name));
    if (pid == getpid()) continue;
    bool ours = inside(e.path() / "cwd");
    std::stringstream entries(read(e.path().string() + "/environ"));
    for (std::string s; !ours && std::getline(entries, s, '\0');) ours = s == entry;
    for (const auto& fd : fs::directory_iterator(e.path() / "fd", ec)) {
      if (ours) break;
      ours = inside(fd.path());
    }
    if (ours) out.push_back(pid);
  }
  return out;
}

// A single-node Slurm cluster (munged, slurmctld, slurmd) in a fresh temporary directory. stop()
// (also run by the destructor, so on failures too) cancels the submitted jobs, stops the daemons
// by pid, kills by pid whatever of the cluster is left (cluster_processes), and removes the
// directory.
class SlurmCluster {
 public:
  // The programs the cluster needs that are missing, with their Debian packages ("" if none).
  static std::string missing_programs() {
    const std::vector<std::pair<std::string, std::vector<std::string>>> needed = {
        {"munge", {"mungekey", "munged"}},
        {"slurmctld", {"slurmctld"}},
        {"slurmd", {"slurmd"}},
        {"slurm-client", {"sbatch", "squeue", "sinfo", "scontrol", "scancel"}}};
    std::string missing;
    for (const auto& [package, programs] : needed) {
      std::string names;
      for (const std::string& p : programs) {
        if (find_program(p).empty()) names += (names.empty() ? "" : ", ") + p;
      }
      if (!names.empty()) {
        missing += (missing.empty() ? "" : "; ") + names + " (Debian package " + package + ")";
      }
    }
    return missing;
  }

  SlurmCluster() {
    std::string tmpl = (fs::temp_directory_path() / "ehsim-slurm-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp " + tmpl + " failed");
    dir_ = tmpl;
    // munged wants execute permission for all on every directory above its socket.
    fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec);
    marker_ = std::string(kMarker) + "=" + dir_;
  }

  SlurmCluster(const SlurmCluster&) = delete;
  SlurmCluster& operator=(const SlurmCluster&) = delete;

  ~SlurmCluster() {
    try {
      stop();
    } catch (...) {
    }
  }

  const std::string& dir() const { return dir_; }

  // Starts the daemons and waits (at most `seconds`) until sinfo shows the node idle. Throws
  // std::runtime_error with the daemons' log tails when it does not come up.
  void start(double seconds = 30) {
    const std::string munge = dir_ + "/munge", log = dir_ + "/log";
    for (const std::string& d : {munge, log, dir_ + "/state", dir_ + "/spool"}) {
      fs::create_directories(d);
    }
    fs::permissions(munge, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                               fs::perms::others_read | fs::perms::others_exec);
    socket_ = munge + "/munge.socket";
    if (socket_.size() >= sizeof(sockaddr_un::sun_path)) {
      throw std::runtime_error(socket_ + ": too long for a Unix socket (set TMPDIR shorter)");
    }
    const Result key =
        sh(q(find_program("mungekey")) + " --create --keyfile=" + q(munge + "/munge.key"));
    if (key.status != 0) throw std::runtime_error("mungekey failed: " + key.output);
    spawn({find_program("munged"), "-F", "--socket=" + socket_,
           "--key-file=" + munge + "/munge.key", "--pid-file=" + munge + "/munged.pid",
           "--seed-file=" + munge + "/munged.seed", "--log-file=" + log + "/munged.log"},
          log + "/munged.out");
    wait_until(10, [&] { return fs::exists(socket_) || !daemons_alive(); });
    if (!fs::exists(socket_)) {
      throw std::runtime_error("munged did not create its socket\n" + log_tails());
    }

    const auto [ctld_port, slurmd_port] = free_ports();
    std::ofstream(conf()) << "ClusterName=ehsimtest\n"
                          << "SlurmctldHost=localhost\n"
                          << "SlurmctldPort=" << ctld_port << "\n"
                          << "SlurmdPort=" << slurmd_port << "\n"
                          << "AuthInfo=socket=" << socket_ << "\n"
                          << "SlurmUser=root\n"
                          << "SlurmdUser=root\n"
                          << "ProctrackType=proctrack/linuxproc\n"
                          << "TaskPlugin=task/none\n"
                          << "SelectType=select/cons_tres\n"
                          << "SelectTypeParameters=CR_Core\n"
                          << "SlurmdParameters=config_overrides\n"
                          << "StateSaveLocation=" << dir_ << "/state\n"
                          << "SlurmdSpoolDir=" << dir_ << "/spool\n"
                          << "SlurmctldPidFile=" << dir_ << "/slurmctld.pid\n"
                          << "SlurmdPidFile=" << dir_ << "/slurmd.pid\n"
                          << "SlurmctldLogFile=" << log << "/slurmctld.log\n"
                          << "SlurmdLogFile=" << log << "/slurmd.log\n"
                          << "AccountingStorageType=accounting_storage/none\n"
                          << "JobAcctGatherType=jobacct_gather/none\n"
                          << "JobCompType=jobcomp/none\n"
                          << "MpiDefault=none\n"
                          << "MailProg=/bin/true\n"
                          << "ReturnToService=2\n"
                          << "NodeName=localhost CPUs=2 State=UNKNOWN\n"
                          << "PartitionName=ehsim Nodes=localhost Default=YES MaxTime=INFINITE "
                             "State=UP\n";
    spawn({find_program("slurmctld"), "-D", "-f", conf()}, log + "/slurmctld.out");
    spawn({find_program("slurmd"), "-D", "-N", "localhost", "-f", conf()}, log + "/slurmd.out");
    const bool idle = wait_until(seconds, [&] {
      return !daemons_alive() || sh(client("sinfo") + " -h -N -o %T").output == "idle\n";
    });
    if (!idle || !daemons_alive()) {
      throw std::runtime_error(std::string(idle ? "a daemon exited" : "the node is not idle") +
                               " (sinfo: " + sh(client("sinfo") + " -h -N -o %T").output + ")\n" +
                               log_tails());
    }
  }

  // A shell command prefix running the Slurm client `program` against this cluster, with the
  // marker in its environment (what sbatch submits carries it too).
  std::string client(const std::string& program) const {
    return "SLURM_CONF=" + q(conf()) + " " + kMarker + "=" + q(dir_) + " timeout 20 " +
           q(find_program(program));
  }

  // Submits `script` from `cwd` with the environment assignments `env` (sbatch exports its
  // environment to the job); returns the job id.
  std::string sbatch(const std::string& script, const std::string& cwd, const std::string& env) {
    const Result r =
        sh("cd " + q(cwd) + " && " + env + " " + client("sbatch") + " --parsable " + q(script));
    if (r.status != 0) throw std::runtime_error("sbatch failed: " + r.output + log_tails());
    std::string id = r.output.substr(0, r.output.find_first_of(";\n"));
    jobs_.push_back(id);
    return id;
  }

  // Waits at most `seconds` until job `id` (all its array tasks) has left the queue.
  bool wait_for_job(const std::string& id, double seconds) {
    return wait_until(seconds, [&] {
      const Result r = sh(client("squeue") + " -h -o %i -j " + id);
      return r.status == 0 && r.output.empty();
    });
  }

  std::string log_tails() const {
    std::string out;
    for (const std::string f : {"munged.log", "slurmctld.log", "slurmd.log", "munged.out",
                                "slurmctld.out", "slurmd.out"}) {
      const std::string path = dir_ + "/log/" + f;
      if (fs::exists(path)) out += "--- " + path + "\n" + tail(path, 15);
    }
    return out;
  }

  // Stops everything; returns the pids of the cluster's processes that were left after the
  // daemons stopped (killed then; none when the cluster shut down cleanly).
  std::vector<pid_t> stop() {
    if (stopped_) return {};
    stopped_ = true;
    if (!jobs_.empty() && daemons_alive()) {
      for (const std::string& id : jobs_) sh(client("scancel") + " " + id);
      wait_until(15, [&] {
        const Result r = sh(client("squeue") + " -h -o %i");
        return r.status != 0 || r.output.empty();
      });
    }
    // The job steps end on their own once their jobs have (bounded: they are killed below). What
    // remains are the daemons and their children (slurmctld's slurmscriptd).
    wait_until(10, [&] {
      for (pid_t p : cluster_processes(dir_)) {
        const auto is_daemon = [&](pid_t d) {
          return std::find(daemons_.begin(), daemons_.end(), d) != daemons_.end();
        };
        if (!is_daemon(p) && !is_daemon(parent_of(p))) return false;
      }
      return true;
    });
    // slurmd first (it runs the jobs), then the controller, then munged.
    for (auto it = daemons_.rbegin(); it != daemons_.rend(); ++it) terminate(*it);
    daemons_.clear();
    std::vector<pid_t> strays = cluster_processes(dir_);
    for (pid_t p : strays) kill(p, SIGKILL);
    wait_until(5, [&] { return cluster_processes(dir_).empty(); });
    std::error_code ec;
    fs::remove_all(dir_, ec);
    return strays;
  }

 private:
  std::string conf() const { return dir_ + "/slurm.conf"; }

  void spawn(const std::vector<std::string>& argv, const std::string& log) {
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) {
      const std::string s(*e);
      if (s.rfind("SLURM_CONF=", 0) != 0) env_strings.push_back(s);
    }
    env_strings.push_back("SLURM_CONF=" + conf());
    env_strings.push_back(marker_);
    std::vector<char*> envp, args;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> argv_copy = argv;
    for (auto& s : argv_copy) args.push_back(s.data());
    args.push_back(nullptr);
    // Prepared before fork(): the child only makes async-signal-safe calls. The daemons get
    // SIGKILL when this process dies (say, killed by a CTest timeout) before stop() runs.
    const pid_t parent = getpid();
    const int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (in < 0 || out < 0) throw std::runtime_error("cannot open " + log);
    const pid_t pid = fork();
    if (pid == 0) {
      if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(127);
      dup2(in, 0);
      dup2(out, 1);
      dup2(out, 2);
      execve(args[0], args.data(), envp.data());
      _exit(127);
    }
    close(in);
    close(out);
    if (pid < 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(errno));
    daemons_.push_back(pid);
  }

  bool daemons_alive() {
    for (pid_t p : daemons_) {
      int st = 0;
      if (waitpid(p, &st, WNOHANG) == p) {
        daemons_.erase(std::find(daemons_.begin(), daemons_.end(), p));
        exited_ = true;
        return false;
      }
    }
    return !exited_;
  }

  // SIGTERM, then SIGKILL when it has not exited within 10 s.
  static void terminate(pid_t pid) {
    int st = 0;
    kill(pid, SIGTERM);
    if (wait_until(10, [&] { return waitpid(pid, &st, WNOHANG) != 0; })) return;
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
  }

  std::string dir_, marker_, socket_;
  std::vector<pid_t> daemons_;
  std::vector<std::string> jobs_;
  bool stopped_ = false, exited_ = false;
};

// Fails (never skips) when the cluster cannot run here.
void require_slurm() {
  const std::string missing = SlurmCluster::missing_programs();
  if (!missing.empty()) {
    FAIL("the Slurm cluster tests need " << missing << ": run scripts/install-deps");
  }
  if (geteuid() != 0) FAIL("the Slurm cluster tests run slurmd, which needs root");
}

}  // namespace

TEST_CASE("a real Slurm cluster runs the --emit slurm job array and --collect equals -j 2",
          "[sweep][slurm][cluster]") {
  require_slurm();

  const auto t0 = Clock::now();
  std::vector<pid_t> strays;
  std::string dir;
  {
    SlurmCluster cluster;
    dir = cluster.dir();
    try {
      cluster.start();
    } catch (const std::exception& e) {
      FAIL("the Slurm cluster did not start: " << e.what());
    }
    const auto t_up = Clock::now();

    // A small real sweep of a committed scenario: 3 capacitances x 2 seeds, each point running
    // the checkpointing CRC to its end (8 to 11 s simulated, well under a second of host time).
    const std::string scenario = std::string(EHSIM_SOURCE_DIR) + "/scenarios/checksum-rf-cart.json";
    const std::string params =
        "--param supply.capacitance=22uF..470uF:log:3 --param seed=1,2 --timeout 5min";
    const std::string env = "EHSIM_TRACE_DIR=" + q(EHSIM_TRACE_DIR) + " ";
    // The cluster's sweep directory has characters that #SBATCH lines and Slurm's file name
    // patterns treat specially.
    const std::string local = cluster.dir() + "/local";
    const std::string remote = cluster.dir() + "/cluster's \"sweep\" #1 (100%)";
    const std::string sweep = env + ehsim_bin() + " sweep " + q(scenario) + " " + params;

    const Result emit = sh("cd " + q(cluster.dir()) + " && " + sweep +
                           " --emit slurm --slurm-option=--partition=ehsim --out " + q(remote));
    INFO(emit.output);
    REQUIRE(emit.status == 0);
    REQUIRE(fs::exists(remote + "/sweep.slurm"));

    // The local reference runs while the cluster works on the array.
    std::string job;
    try {
      job = cluster.sbatch(remote + "/sweep.slurm", cluster.dir(), env);
    } catch (const std::exception& e) {
      FAIL(e.what());
    }
    const Result ref = sh(sweep + " -j 2 --no-progress --out " + q(local));
    INFO(ref.output);
    REQUIRE(ref.status == 0);

    const bool finished = cluster.wait_for_job(job, 120);
    const Result state = sh(cluster.client("scontrol") + " -o show job " + job);
    INFO("scontrol show job " << job << ":\n" << state.output << cluster.log_tails());
    REQUIRE(finished);
    // Every array task completed with exit 0, with the script's partition and time limit (the
    // timeout plus a minute).
    const auto tasks = lines(state.output);
    CHECK(tasks.size() == 6);
    for (const std::string& t : tasks) {
      CHECK(t.find("JobState=COMPLETED") != std::string::npos);
      CHECK(t.find(" ExitCode=0:0") != std::string::npos);
      CHECK(t.find(" Partition=ehsim") != std::string::npos);
      CHECK(t.find(" TimeLimit=00:06:00") != std::string::npos);
    }
    const auto t_done = Clock::now();

    const Result collect = sh(env + ehsim_bin() + " sweep --collect " + q(remote));
    INFO(collect.output);
    REQUIRE(collect.status == 0);

    const std::string csv = read(remote + "/sweep.csv");
    CHECK(lines(csv).size() == 7);
    CHECK(csv == read(local + "/sweep.csv"));
    CHECK(read(remote + "/sweep.json") == read(local + "/sweep.json"));
    // Each point's figures, too, are the local run's.
    for (const auto& e : fs::directory_iterator(local + "/points")) {
      const std::string point = e.path().filename().string();
      INFO("point " << point);
      CHECK(read(remote + "/points/" + point + "/summary.json") ==
            read(e.path().string() + "/summary.json"));
    }
    // The array tasks' Slurm logs are where the script says, one per task.
    size_t logs = 0;
    for (const auto& e : fs::directory_iterator(remote + "/slurm")) logs += e.is_regular_file();
    CHECK(logs == 6);
    for (int i = 0; i < 6; ++i) {
      CHECK(fs::is_regular_file(remote + "/slurm/" + job + "_" + std::to_string(i) + ".out"));
    }

    strays = cluster.stop();
    const auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
    WARN("Slurm cluster test: up in " << secs(t0, t_up) << " s, array done " << secs(t_up, t_done)
                                      << " s after, total " << secs(t0, Clock::now()) << " s");
  }
  // Nothing of the cluster is left: no process, no directory.
  CHECK(strays.empty());
  CHECK(cluster_processes(dir).empty());
  CHECK_FALSE(fs::exists(dir));
}

TEST_CASE("a failure while array tasks run still stops the Slurm cluster and leaves nothing",
          "[sweep][slurm][cluster]") {
  require_slurm();
  std::string dir;
  size_t running = 0;
  try {
    SlurmCluster cluster;
    dir = cluster.dir();
    cluster.start();
    const std::string script = dir + "/sleep.slurm";
    std::ofstream(script) << "#!/bin/bash\n#SBATCH --array=0-1\n#SBATCH --output=" << dir
                          << "/%A_%a.out\nsleep 300\n";
    const std::string job = cluster.sbatch(script, dir, "");
    // Both tasks running, then the test "fails" with them still running.
    wait_until(30, [&] {
      return lines(sh(cluster.client("squeue") + " -h -t R -o %i -j " + job).output).size() == 2;
    });
    running = lines(sh(cluster.client("squeue") + " -h -t R -o %i -j " + job).output).size();
    throw std::runtime_error("a failure");
  } catch (const std::runtime_error& e) {
    INFO(e.what());
    REQUIRE(std::string(e.what()) == "a failure");
  }
  CHECK(running == 2);
  CHECK(cluster_processes(dir).empty());
  CHECK_FALSE(fs::exists(dir));
}

TEST_CASE(
    "a sweep directory with a backslash is refused by --emit slurm before anything is written",
    "[sweep][slurm]") {
  // Slurm drops the '\\' from --output and then stops expanding %A_%a: every task would fail to
  // open its log.
  const std::string dir = scratch("slurm_backslash");
  const std::string out = dir + "/a\\b";
  const Result r = sh(ehsim_bin() + " sweep " + q(write_scenario(dir, square_scenario("1s"))) +
                      " --param seed=1,2 --emit slurm --out " + q(out));
  INFO(r.output);
  CHECK(r.status == 2);
  CHECK(r.output.find("Slurm cannot take a '\\'") != std::string::npos);
  CHECK_FALSE(fs::exists(out));
}

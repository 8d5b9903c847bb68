#include "sim/run/output_dir.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "sim/scenario/units.h"

namespace ehsim {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kManifest = ".ehsim-output.json";
constexpr const char* kStagingPrefix = ".ehsim-staging-";

struct Manifest {
  std::map<std::string, std::string> owner;  // entry name -> kind
  bool complete = true;
};

Manifest read_manifest(const fs::path& dir) {
  Manifest m;
  std::ifstream in(dir / kManifest);
  if (!in) return m;
  try {
    const json j = json::parse(in);
    if (j.value("written_by", "") != "ehsim" || !j.contains("entries") ||
        !j.at("entries").is_object()) {
      return m;
    }
    for (const auto& [name, kind] : j.at("entries").items()) {
      if (kind.is_string()) m.owner[name] = kind.get<std::string>();
    }
    m.complete = j.value("complete", true);
  } catch (const json::exception&) {
    m.owner.clear();
  }
  return m;
}

void write_manifest(const fs::path& dir, const Manifest& m) {
  json j = {{"written_by", "ehsim"}, {"complete", m.complete}, {"entries", json::object()}};
  for (const auto& [name, kind] : m.owner) j["entries"][name] = kind;
  // Per process: the array tasks of one sweep update their directory's manifest at once.
  const fs::path tmp = dir / (std::string(kManifest) + ".tmp." + std::to_string(getpid()));
  {
    std::ofstream out(tmp);
    out << j.dump(2) << '\n';
    if (!out) throw std::runtime_error((dir / kManifest).string() + ": cannot write");
  }
  fs::rename(tmp, dir / kManifest);
}

// Whether process `pid` is a running (not zombie) ehsim: a staging directory is in use only
// while its writer runs, and a reused pid belongs to some other program.
bool ehsim_process_running(long pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return false;
  // "pid (comm) S ...": the state follows the last ')', the name sits between the brackets.
  const auto open = text.find('('), close = text.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close + 2 >= text.size()) {
    return false;
  }
  const char state = text[close + 2];
  return state != 'Z' && state != 'X' && text.substr(open + 1, close - open - 1) == "ehsim";
}

// A manifest being replaced by another ehsim process (sim/run/output_dir.cpp's write_manifest).
bool is_manifest_temporary(const std::string& name) {
  return name.rfind(std::string(kManifest) + ".tmp.", 0) == 0;
}

// "NAME.tmp.<pid>": a file that another ehsim process is writing before it renames it to NAME
// (the manifest, or an entry recorded before it was written, like a sweep's plan.json).
bool is_temporary_of(const std::string& name, const std::map<std::string, std::string>& owner) {
  const auto at = name.rfind(".tmp.");
  if (at == std::string::npos || at + 5 == name.size()) return false;
  if (name.find_first_not_of("0123456789", at + 5) != std::string::npos) return false;
  const std::string base = name.substr(0, at);
  return base == kManifest || owner.count(base) > 0;
}

bool is_stale_staging(const fs::directory_entry& e) {
  const std::string name = e.path().filename().string();
  if (name.rfind(kStagingPrefix, 0) != 0 || !e.is_directory()) return false;
  const long pid = std::strtol(name.c_str() + std::strlen(kStagingPrefix), nullptr, 10);
  return pid <= 0 || !ehsim_process_running(pid);
}

// Holds an exclusive lock on a directory while its manifest is read, changed and written, so
// that processes writing into one directory (a sweep's array tasks) do not lose each other's
// entries.
class DirectoryLock {
 public:
  explicit DirectoryLock(const fs::path& dir) : fd_(open(dir.c_str(), O_RDONLY | O_DIRECTORY)) {
    if (fd_ >= 0) flock(fd_, LOCK_EX);
  }
  ~DirectoryLock() {
    if (fd_ >= 0) close(fd_);  // releases the lock
  }
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int fd_;
};

// The staging directory that a signal handler removes; one OutputDir is active at a time.
char g_staging[PATH_MAX];
char g_created_dir[PATH_MAX];

void remove_staging_on_signal(int sig) {
  if (g_staging[0]) {
    // fork/exec/waitpid and rmdir are async-signal-safe; a recursive removal in-process is not.
    const pid_t pid = fork();
    if (pid == 0) {
      execl("/bin/rm", "rm", "-rf", "--", g_staging, static_cast<char*>(nullptr));
      _exit(127);
    }
    if (pid > 0) waitpid(pid, nullptr, 0);
    if (g_created_dir[0]) rmdir(g_created_dir);
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

void copy_path(char* to, const fs::path& from) {
  const std::string s = from.string();
  if (s.size() >= PATH_MAX) {
    to[0] = '\0';
    return;
  }
  std::memcpy(to, s.c_str(), s.size() + 1);
}

}  // namespace

void require_own_output(const fs::path& dir, const std::set<std::string>& accepted,
                        const std::string& option) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  if (!fs::is_directory(dir, ec)) {
    throw InputError(option + " " + dir.string() + ": exists and is not a directory");
  }
  const Manifest m = read_manifest(dir);
  std::set<std::string> foreign;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name == kManifest || is_temporary_of(name, m.owner) || is_stale_staging(e) ||
        m.owner.count(name)) {
      continue;
    }
    foreign.insert(name);
  }
  if (!foreign.empty()) {
    std::string names;
    size_t shown = 0;
    for (const std::string& name : foreign) {
      if (shown++ == 5) {
        names += ", ... (" + std::to_string(foreign.size()) + " in all)";
        break;
      }
      names += (names.empty() ? "\"" : ", \"") + name + "\"";
    }
    throw InputError(option + " " + dir.string() + ": holds " + names +
                     ", which ehsim did not write; ehsim never deletes or overwrites such files: "
                     "choose an empty or new directory");
  }
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    const auto it = m.owner.find(name);
    if (it == m.owner.end()) continue;
    if (!accepted.empty() && !accepted.count(it->second)) {
      throw InputError(option + " " + dir.string() + ": holds the output of `ehsim " + it->second +
                       "`; choose another directory or add --force to replace it");
    }
  }
}

OutputDir::OutputDir(const std::string& dir, std::string kind, bool force,
                     std::set<std::string> compatible)
    : dir_(dir), kind_(std::move(kind)), force_(force) {
  if (dir.empty()) throw InputError("--out: expected a directory name");
  compatible.insert(kind_);
  require_own_output(dir_, force_ ? std::set<std::string>{} : compatible, "--out");
  std::error_code ec;
  if (!fs::exists(dir_, ec)) {
    fs::create_directories(dir_, ec);
    if (ec) throw InputError("--out " + dir + ": cannot create the directory: " + ec.message());
    created_dir_ = true;
  }
  for (const auto& e : fs::directory_iterator(dir_)) {
    // Left by a killed ehsim: its staging directory, or a manifest it was replacing.
    const std::string name = e.path().filename().string();
    const bool stale_manifest =
        is_manifest_temporary(name) &&
        !ehsim_process_running(std::strtol(name.c_str() + std::strlen(kManifest) + 5, nullptr, 10));
    if (is_stale_staging(e) || stale_manifest) fs::remove_all(e.path(), ec);
  }
  staging_ = dir_ / (kStagingPrefix + std::to_string(getpid()));
  fs::create_directory(staging_, ec);
  if (ec) {
    if (created_dir_) fs::remove(dir_, ec);
    throw InputError("--out " + dir + ": cannot write into the directory: " + ec.message());
  }
  copy_path(g_staging, fs::absolute(staging_));
  copy_path(g_created_dir, created_dir_ ? fs::absolute(dir_) : fs::path());
  struct sigaction sa {};
  sa.sa_handler = remove_staging_on_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
}

OutputDir::~OutputDir() {
  g_staging[0] = '\0';
  g_created_dir[0] = '\0';
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);
  if (created_dir_) fs::remove(dir_, ec);  // only succeeds while empty
}

void OutputDir::commit(const std::string& last) {
  DirectoryLock lock(dir_);
  Manifest m = read_manifest(dir_);
  std::vector<std::string> staged;
  for (const auto& e : fs::directory_iterator(staging_)) {
    staged.push_back(e.path().filename().string());
  }
  std::sort(staged.begin(), staged.end());
  const auto at_last = std::find(staged.begin(), staged.end(), last);
  if (at_last != staged.end()) std::rotate(at_last, at_last + 1, staged.end());
  // While incomplete, the manifest lists the old and the new entries, so that whatever a kill
  // leaves behind is still recognised as ehsim's.
  for (const std::string& name : staged) m.owner[name] = kind_;
  m.complete = false;
  write_manifest(dir_, m);
  // The old completion file goes first and the new one comes last: in between there is none.
  std::vector<std::string> stale;
  for (const auto& [name, kind] : m.owner) {
    const bool ours = kind == kind_ || force_;
    const bool restaged = std::find(staged.begin(), staged.end(), name) != staged.end();
    if ((ours && !restaged) || name == last) stale.push_back(name);
  }
  std::error_code ec;
  for (const std::string& name : stale) {
    fs::remove_all(dir_ / name, ec);
    if (std::find(staged.begin(), staged.end(), name) == staged.end()) m.owner.erase(name);
  }
  for (const std::string& name : staged) {
    // rename() replaces a file but not a directory (compare's a/ and b/ run directories): an
    // earlier entry of that name, recorded in the manifest as ours, goes first.
    if (fs::is_directory(staging_ / name, ec) || fs::is_directory(dir_ / name, ec)) {
      fs::remove_all(dir_ / name, ec);
    }
    fs::rename(staging_ / name, dir_ / name, ec);
    if (ec)
      throw std::runtime_error((dir_ / name).string() +
                               ": cannot move into place: " + ec.message());
  }
  m.complete = true;
  write_manifest(dir_, m);
  committed_ = true;
  fs::remove(staging_, ec);
  g_staging[0] = '\0';
  g_created_dir[0] = '\0';
}

void record_output_entries(const fs::path& dir, const std::string& kind,
                           const std::vector<std::string>& names) {
  DirectoryLock lock(dir);
  Manifest m = read_manifest(dir);
  for (const std::string& n : names) m.owner[n] = kind;
  write_manifest(dir, m);
}

void claim_output_entries(const fs::path& dir, const std::string& kind,
                          const std::vector<std::string>& names, const std::string& option) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir, ec)) {
    throw InputError(option + " " + dir.string() + ": cannot create the directory" +
                     (ec ? ": " + ec.message() : std::string()));
  }
  DirectoryLock lock(dir);
  require_own_output(dir, {kind}, option);
  Manifest m = read_manifest(dir);
  for (const std::string& n : names) m.owner[n] = kind;
  write_manifest(dir, m);
}

std::set<std::string> output_kinds(const fs::path& dir) {
  std::set<std::string> kinds;
  for (const auto& [name, kind] : read_manifest(dir).owner) kinds.insert(kind);
  return kinds;
}

}  // namespace ehsim

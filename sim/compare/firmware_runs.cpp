#include "sim/compare/firmware_runs.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "sim/scenario/units.h"

namespace ehsim::compare {

namespace fs = std::filesystem;

ChildRun run_child(const std::string& executable, const std::vector<std::string>& args) {
  // Everything the child needs is prepared before fork(): after it only async-signal-safe calls.
  std::vector<std::string> argv_text = {executable};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  int pipe_fd[2];
  if (pipe2(pipe_fd, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe failed: ") + std::strerror(errno));
  }
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(pipe_fd[1], STDOUT_FILENO);  // dup2 clears O_CLOEXEC on the copy
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    execv(argv[0], argv.data());
    const char msg[] = "ehsim compare: cannot execute the ehsim binary\n";
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    _exit(127);
  }
  close(pipe_fd[1]);
  if (pid < 0) {
    close(pipe_fd[0]);
    throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  }
  ChildRun r;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(pipe_fd[0], buf, sizeof buf);
    if (n > 0) {
      r.stdout_text.append(buf, size_t(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(pipe_fd[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::vector<std::string> run_arguments(const std::string& scenario, const std::string& firmware,
                                       const std::vector<std::string>& sets,
                                       const std::string& out_dir, bool profile) {
  std::vector<std::string> args = {"run",   scenario, "--out",
                                   out_dir, "--set",  "firmware=" + firmware};
  for (const std::string& s : sets) {
    args.push_back("--set");
    args.push_back(s);
  }
  if (profile) args.push_back("--profile");
  return args;
}

std::string firmware_argument(const std::string& given) {
  std::error_code ec;
  if (fs::is_regular_file(given, ec)) return fs::absolute(given).lexically_normal().string();
  return given;
}

std::string self_executable() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot find the ehsim executable (/proc/self/exe)");
  return exe.string();
}

}  // namespace ehsim::compare

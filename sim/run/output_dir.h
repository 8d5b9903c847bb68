// Where a subcommand writes its result files, so that ehsim never deletes or overwrites a file it
// did not write and a killed run never leaves old and new files mixed.
//
// Every output directory carries a manifest, `.ehsim-output.json`, that lists each top-level
// entry ehsim wrote there and which subcommand ("kind") wrote it. The rules:
// - A missing or empty directory receives the output.
// - A directory whose entries are all listed in its manifest as written by the same kind is an
//   earlier output: its files are replaced (files of that kind that the new run does not write
//   are removed, so nothing stale survives).
// - Files written by another kind of ehsim output are replaced only with --force (`compatible`
//   names kinds that may share the directory, like the sweep's point files and `ehsim run`).
// - Any entry not in the manifest (a file the user put there, or an output of an ehsim version
//   without manifests) makes the directory unusable: InputError naming the entry.
//
// Files are first written into a staging directory inside the output directory
// (`.ehsim-staging-<pid>`); commit() moves them into place, the completion file (e.g.
// summary.json) last, and marks the manifest complete. Without commit() (an error, SIGINT,
// SIGTERM) the staging directory is removed; one left by a killed process is removed by the next
// run into the same directory.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace ehsim {

class OutputDir {
 public:
  // Checks `dir` against the rules above (throws InputError) and creates the staging directory.
  OutputDir(const std::string& dir, std::string kind, bool force,
            std::set<std::string> compatible = {});
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  // The output directory as given, and the staging directory to write every file into.
  const std::filesystem::path& path() const { return dir_; }
  const std::filesystem::path& staging() const { return staging_; }

  // Moves every staged entry into the output directory, `last` (if staged) after all others,
  // and records them in the manifest. Throws std::runtime_error if a move fails.
  void commit(const std::string& last);

 private:
  std::filesystem::path dir_, staging_;
  std::string kind_;
  bool force_;
  bool created_dir_ = false;
  bool committed_ = false;
};

// Adds `names` (entries directly inside `dir`) to the manifest of `dir` as written by `kind`,
// creating the manifest if needed. For outputs written in place (a sweep and its point
// directories) rather than through OutputDir.
void record_output_entries(const std::filesystem::path& dir, const std::string& kind,
                           const std::vector<std::string>& names);

// For outputs written in place by several processes at once (a sweep's array tasks): creates
// `dir` if needed and, under a lock, checks it as require_own_output(dir, {kind}) does and
// records `names` before they are written, so that no process sees another's new entry as
// foreign.
void claim_output_entries(const std::filesystem::path& dir, const std::string& kind,
                          const std::vector<std::string>& names, const std::string& option);

// The kinds recorded in the manifest of `dir` (empty if it has none).
std::set<std::string> output_kinds(const std::filesystem::path& dir);

// Throws InputError unless `dir` is missing, empty, or holds only entries recorded in its
// manifest (of any kind listed in `accepted`; every kind if `accepted` is empty).
void require_own_output(const std::filesystem::path& dir, const std::set<std::string>& accepted,
                        const std::string& option);

}  // namespace ehsim

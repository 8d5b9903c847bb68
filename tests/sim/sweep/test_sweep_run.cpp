// `ehsim sweep` end to end on the square-wave trace: failed points, resuming, -j 2 == -j 1,
// timeouts, the Slurm script and --collect.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/sim/sweep/sweep_test_util.h"

using nlohmann::json;
using namespace sweeptest;

namespace {

std::string sweep_cmd(const std::string& scenario, const std::string& args,
                      const std::string& out) {
  return ehsim_bin() + " sweep " + q(scenario) + " " + args + " --no-progress --out " + q(out);
}

json read_json(const std::string& path) {
  return json::parse(read(path));
}

fs::file_time_type mtime(const std::string& path) {
  return fs::last_write_time(path);
}

}  // namespace

TEST_CASE("a failing point is a failed row with its stderr tail, and the other rows are there",
          "[sweep][run]") {
  const std::string dir = scratch("failing_point");
  const std::string sc = write_scenario(dir, square_scenario("1s"));
  // A trace whose content is broken: the scenario is valid (the sweep checks every point's keys
  // and values before it starts), so the point fails only when it runs and reads the trace.
  std::ofstream(dir + "/broken.csv") << "time_s,power_mW\n0,1\nzero,one\n";
  const auto r =
      sh(sweep_cmd(sc,
                   "--param supply.capacitance=22uF,100uF --param harvester.trace.file=" +
                       q(square_trace() + ",broken.csv") + " -j 2",
                   dir + "/out"));
  INFO(r.output);
  CHECK(r.status == 1);  // some point failed
  const auto rows = lines(read(dir + "/out/sweep.csv"));
  REQUIRE(rows.size() == 5);
  CHECK(rows[0].rfind("index,point,supply.capacitance,harvester.trace.file,status,exit,", 0) == 0);
  const json j = read_json(dir + "/out/sweep.json");
  REQUIRE(j["points"].size() == 4);
  CHECK(j["counts"]["ok"] == 2);
  CHECK(j["counts"]["failed"] == 2);
  for (const json& p : j["points"]) {
    const bool bad = p["params"]["harvester.trace.file"] == "broken.csv";
    INFO(p.dump());
    CHECK(p["status"] == (bad ? "failed" : "ok"));
    if (bad) {
      CHECK(p["exit"] == "2");
      CHECK(p["error"].get<std::string>().find("broken.csv") != std::string::npos);
      CHECK(p["metrics"]["power.boots"].is_null());
    } else {
      // The row's figures are the point's own summary.json.
      const json s = read_json(dir + "/out/" + p["dir"].get<std::string>() + "/summary.json");
      CHECK(p["metrics"]["power.boots"] == s["power"]["boots"]);
      CHECK(p["metrics"]["energy.harvested_J"] == s["energy"]["harvested_J"]);
      CHECK(fs::exists(dir + "/out/" + p["dir"].get<std::string>() + "/report.html"));
    }
  }
  CHECK(rows[2].find(",failed,2,") != std::string::npos);
  CHECK(rows[2].find("broken.csv") != std::string::npos);
  CHECK(fs::exists(dir + "/out/report.html"));
}

TEST_CASE("a sweep with -j 2 writes the same sweep.csv and sweep.json as with -j 1",
          "[sweep][run]") {
  const std::string dir = scratch("jobs");
  const std::string sc = write_scenario(dir, square_scenario("1s"));
  const std::string params = "--param supply.capacitance=10uF..470uF:log:3 --param seed=1,2";
  const auto a = sh(sweep_cmd(sc, params + " -j 1", dir + "/j1"));
  const auto b = sh(sweep_cmd(sc, params + " -j 2", dir + "/j2"));
  INFO(a.output << b.output);
  REQUIRE(a.status == 0);
  REQUIRE(b.status == 0);
  CHECK(lines(read(dir + "/j1/sweep.csv")).size() == 7);
  CHECK(read(dir + "/j1/sweep.csv") == read(dir + "/j2/sweep.csv"));
  CHECK(read(dir + "/j1/sweep.json") == read(dir + "/j2/sweep.json"));
}

TEST_CASE("a re-run skips completed points and re-runs incomplete ones", "[sweep][run]") {
  const std::string dir = scratch("resume");
  const std::string sc = write_scenario(dir, square_scenario("1s"));
  const std::string cmd =
      sweep_cmd(sc, "--param supply.capacitance=10uF,22uF,47uF,100uF -j 2", dir + "/out");
  REQUIRE(sh(cmd).status == 0);
  const std::string csv = read(dir + "/out/sweep.csv");
  const std::string p = dir + "/out/points/";
  const auto t0 = mtime(p + "0000/summary.json"), t1 = mtime(p + "0001/summary.json");
  // An interrupted sweep: point 2 ran but has no completion marker, point 3 left half a file.
  fs::remove(p + "0002/result.json");
  fs::remove_all(p + "0003");
  fs::create_directories(p + "0003");
  std::ofstream(p + "0003/summary.json") << "{\"trunc";
  const auto t2 = mtime(p + "0002/summary.json");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto r = sh(cmd);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(r.output.find("2 already complete") != std::string::npos);
  CHECK(mtime(p + "0000/summary.json") == t0);
  CHECK(mtime(p + "0001/summary.json") == t1);
  CHECK(mtime(p + "0002/summary.json") != t2);
  CHECK(read_json(p + "0003/summary.json")["schema"] == "ehsim-summary");
  CHECK(read(dir + "/out/sweep.csv") == csv);
  // A third run has nothing to do.
  const auto again = sh(cmd);
  CHECK(again.output.find("4 already complete") != std::string::npos);
}

TEST_CASE("an interrupted sweep (SIGTERM) resumes without re-running finished points",
          "[sweep][run]") {
  const std::string dir = scratch("interrupt");
  const std::string sc = write_scenario(dir, square_scenario("1s"));
  const std::string out = dir + "/out";
  // Point 2 reads its trace from a FIFO that nobody writes: it cannot finish, however fast the
  // host, so with -j 1 exactly points 0 and 1 are done when the test stops the sweep. Before the
  // re-run the test puts the trace there. (A --param list takes each value once: every point
  // has its own copy of the square trace.)
  const std::string gate = dir + "/trace2.csv";
  REQUIRE(mkfifo(gate.c_str(), 0644) == 0);
  std::string traces;
  for (int i = 0; i < 8; ++i) {
    const std::string file = dir + "/trace" + std::to_string(i) + ".csv";
    if (i != 2) fs::copy_file(square_trace(), file);
    traces += (i ? "," : "") + file;
  }
  const std::string cmd = sweep_cmd(sc,
                                    "--param supply.capacitance=10uF,15uF,22uF,33uF,47uF,68uF,"
                                    "100uF,150uF --param harvester.trace.file=" +
                                        q(traces) + " --zip -j 1",
                                    out);
  const std::string pid_file = dir + "/pid", log = dir + "/log";
  REQUIRE(sh(cmd + " > " + q(log) + " 2>&1 & echo $! > " + q(pid_file)).status == 0);
  const pid_t pid = pid_t(std::stol(read(pid_file)));
  const auto done = [&] {
    int n = 0;
    for (int i = 0; i < 8; ++i) {
      char name[8];
      std::snprintf(name, sizeof name, "%04d", i);
      n += fs::exists(out + "/points/" + name + "/result.json");
    }
    return n;
  };
  // Wait until point 2 has started (its point.json is written before its process starts); the
  // deadlines only keep a broken sweep from hanging the test, they decide nothing.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (!fs::exists(out + "/points/0002/point.json") && kill(pid, 0) == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  INFO(read(dir + "/log"));
  REQUIRE(fs::exists(out + "/points/0002/point.json"));
  REQUIRE(kill(pid, SIGTERM) == 0);
  // The sweep says so on its way out, after it has stopped point 2 and collected the results.
  while (read(log).find("interrupted") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  INFO(read(log));
  REQUIRE(read(log).find("ehsim sweep: interrupted") != std::string::npos);
  REQUIRE(done() == 2);
  std::map<std::string, fs::file_time_type> before;
  for (const char* p : {"0000", "0001"}) {
    before[out + "/points/" + p] = fs::last_write_time(out + "/points/" + p + "/summary.json");
  }
  REQUIRE(fs::remove(gate));
  fs::copy_file(square_trace(), gate);
  const auto r = sh(cmd);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(r.output.find("2 already complete") != std::string::npos);
  for (const auto& [d, t] : before) CHECK(fs::last_write_time(d + "/summary.json") == t);
  CHECK(read_json(out + "/sweep.json")["counts"]["ok"] == 8);
}

TEST_CASE("a point over the timeout is killed and recorded as failed", "[sweep][run]") {
  const std::string dir = scratch("timeout");
  // Point 1 reads its trace from a FIFO that nobody writes, so it never finishes on any host:
  // the timeout must stop it. Point 0 (1 s simulated, well under a second of host time) must
  // not be stopped.
  const std::string gate = dir + "/gate.csv";
  REQUIRE(mkfifo(gate.c_str(), 0644) == 0);
  const std::string sc = write_scenario(dir, square_scenario("1s"));
  const auto r =
      sh(sweep_cmd(sc,
                   "--param supply.capacitance=47uF,100uF --param harvester.trace.file=" +
                       q(square_trace() + "," + gate) + " --zip --timeout 5s -j 2",
                   dir + "/out"));
  INFO(r.output);
  CHECK(r.status == 1);
  const json j = read_json(dir + "/out/sweep.json");
  CHECK(j["points"][0]["status"] == "ok");
  CHECK(j["points"][1]["status"] == "failed");
  CHECK(j["points"][1]["exit"] == "timeout");
  CHECK(j["points"][1]["error"].get<std::string>().find("timed out after 5 s") !=
        std::string::npos);
}

TEST_CASE("the Slurm job array of --emit slurm runs the points and --collect merges them",
          "[sweep][slurm]") {
  const std::string dir = scratch("slurm");
  const std::string sc = write_scenario(dir, square_scenario("1s"));
  const std::string params = "--param supply.capacitance=10uF..100uF:log:3 --param seed=1,2";
  const std::string out = dir + "/cluster";
  const auto e = sh(sweep_cmd(sc,
                              params + " --emit slurm --timeout 10min "
                                       "--slurm-option=--partition=short",
                              out));
  INFO(e.output);
  REQUIRE(e.status == 0);
  const std::string script = read(out + "/sweep.slurm");
  INFO(script);
  CHECK(script.rfind("#!/bin/bash\n", 0) == 0);
  CHECK(script.find("#SBATCH --array=0-5\n") != std::string::npos);
  CHECK(script.find("#SBATCH --time=0:11:00\n") != std::string::npos);
  CHECK(script.find("#SBATCH --partition=short\n") != std::string::npos);
  CHECK(script.find("#SBATCH --output=" + out + "/slurm/%A_%a.out") != std::string::npos);
  CHECK(script.find(" sweep " + q(sc)) != std::string::npos);
  CHECK(script.find("--param 'supply.capacitance=10uF..100uF:log:3' --param 'seed=1,2'") !=
        std::string::npos);
  CHECK(script.find("--out " + q(out) + " --point \"$SLURM_ARRAY_TASK_ID\"") != std::string::npos);
  CHECK(fs::exists(out + "/plan.json"));
  CHECK_FALSE(fs::exists(out + "/sweep.csv"));  // nothing ran

  // Two "machines" run the array tasks into their own copies; the results are gathered into one
  // directory and collected. Each task runs the script itself with its task id.
  const std::string other = dir + "/machine-b";
  {
    // Machine B: the same command line with its own output directory.
    std::string s = script;
    for (size_t at; (at = s.find(out)) != std::string::npos;) s.replace(at, out.size(), other);
    // Beside its output directory: ehsim refuses to write into a directory holding files it did
    // not write.
    std::ofstream(other + ".slurm") << s;
  }
  // Array tasks run at the same time: machine A runs tasks 0-2 at once, machine B tasks 3-5.
  for (const auto& [first, file] : {std::pair{0, out + "/sweep.slurm"}, {3, other + ".slurm"}}) {
    std::string cmd;
    for (int k = 0; k < 3; ++k) {
      cmd += "SLURM_ARRAY_TASK_ID=" + std::to_string(first + k) + " bash " + q(file) + " & p" +
             std::to_string(k) + "=$!; ";
    }
    cmd += "wait $p0 && wait $p1 && wait $p2";
    const auto t = sh(cmd);
    INFO(t.output);
    REQUIRE(t.status == 0);
  }
  for (const auto& entry : fs::directory_iterator(other + "/points")) {
    fs::copy(entry.path(), out + "/points/" + entry.path().filename().string(),
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  }
  const auto c = sh(ehsim_bin() + " sweep --collect " + q(out));
  INFO(c.output);
  REQUIRE(c.status == 0);
  const json j = read_json(out + "/sweep.json");
  CHECK(j["counts"]["ok"] == 6);
  // The same table as running the sweep directly.
  REQUIRE(sh(sweep_cmd(sc, params + " -j 2", dir + "/direct")).status == 0);
  CHECK(read(out + "/sweep.csv") == read(dir + "/direct/sweep.csv"));

  // A task whose point is missing shows as a missing row.
  fs::remove_all(out + "/points/0004");
  REQUIRE(sh(ehsim_bin() + " sweep --collect " + q(out)).status == 1);
  const json partial = read_json(out + "/sweep.json");
  CHECK(partial["counts"]["ok"] == 5);
  CHECK(partial["counts"]["missing"] == 1);
  CHECK(partial["points"][4]["status"] == "missing");

  // Without plan.json (only point directories gathered), --collect rebuilds the table from them.
  fs::remove(out + "/plan.json");
  fs::remove(out + "/sweep.csv");
  REQUIRE(sh(ehsim_bin() + " sweep --collect " + q(out)).status == 0);
  const auto rows = lines(read(out + "/sweep.csv"));
  REQUIRE(rows.size() == 6);
  CHECK(rows[0].rfind("index,point,supply.capacitance,seed,status,exit,", 0) == 0);
  CHECK(rows[1].find(",ok,0,") != std::string::npos);
}

TEST_CASE("sweep --profile profiles every point, and the profiles add up to each point's cycles",
          "[sweep][run]") {
  const std::string dir = scratch("profile");
  const std::string sc = write_scenario(dir, square_scenario("1s"));
  const auto r =
      sh(sweep_cmd(sc, "--param supply.capacitance=47uF,220uF --profile -j 2", dir + "/out"));
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(read_json(dir + "/out/plan.json")["profile"] == true);  // a resumed sweep profiles too
  int points = 0;
  for (const auto& e : fs::directory_iterator(dir + "/out/points")) {
    ++points;
    const json summary = read_json(e.path().string() + "/summary.json");
    const json profile = read_json(e.path().string() + "/profile.json");
    uint64_t cycles = 0;
    for (const json& f : profile["functions"]) cycles += f["cycles"].get<uint64_t>();
    INFO(e.path());
    CHECK(cycles > 0);
    CHECK(cycles == summary["mcu"]["active_cycles"].get<uint64_t>());
    CHECK(fs::exists(e.path() / "profile.folded"));
    CHECK(read_json(e.path().string() + "/point.json")["command"].back() == "--profile");
  }
  CHECK(points == 2);
}

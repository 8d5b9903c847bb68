// `ehsim check` on the intermittence-bug corpus (tests/firmware/intermittence/README.md). Each
// program's comment says, written before the tool ran on it, which options it needs, in which
// functions a power failure must change the result and which hazard the detector must find; the
// fixed twins must pass. Independent truths: those notes, the sum 1+...+12 = 78 worked out by
// hand, and `ehsim exec --power-fail-at-cycle` reproducing a reported divergence.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "tests/test_support.h"

namespace fs = std::filesystem;

namespace {

struct Note {
  std::string check_options;
  std::set<std::string> divergence_in;
  std::string first_function;
  std::string hazard;  // "kind data function"
  bool pass = false;
};

Note read_note(const fs::path& source) {
  const std::string text = ehsim_test::read_text(source);
  Note note;
  std::smatch m;
  if (std::regex_search(text, m, std::regex(R"(\* check:([^\n]*)\n)"))) note.check_options = m[1];
  if (std::regex_search(text, m, std::regex(R"(\* expect-divergence-in: ([^\n]*)\n)"))) {
    std::istringstream words(m[1].str());
    for (std::string w; words >> w;) {
      if (note.first_function.empty()) note.first_function = w;
      note.divergence_in.insert(w);
    }
  }
  if (std::regex_search(text, m, std::regex(R"(\* expect-hazard: ([^\n]*)\n)"))) note.hazard = m[1];
  note.pass = text.find("* expect: pass") != std::string::npos;
  return note;
}

struct CheckResult {
  int status;
  std::string output;
  nlohmann::json report;
};

CheckResult run_check(const std::string& elf, const std::string& options, const std::string& out) {
  const std::string log = out + ".log";
  const int raw = std::system(("'" + std::string(EHSIM_EXECUTABLE) + "' check '" + elf + "' " +
                               options + " -j 2 --out '" + out + "' > '" + log + "' 2>&1")
                                  .c_str());
  CheckResult r{WEXITSTATUS(raw), ehsim_test::read_text(log), nlohmann::json()};
  if (fs::exists(out + "/check.json")) {
    r.report = nlohmann::json::parse(ehsim_test::read_text(out + "/check.json"));
  }
  return r;
}

// "name" of "name+0xOFF (file:line)", "name (file:line)" or "name".
std::string function_of(const std::string& where) {
  return where.substr(0, where.find_first_of("+ "));
}

}  // namespace

TEST_CASE("ehsim check flags every buggy corpus program where its note says, and no fixed one",
          "[check][integration]") {
  const fs::path sources = fs::path(EHSIM_SOURCE_DIR) / "tests/firmware/intermittence";
  const fs::path elves = fs::path(EHSIM_FIRMWARE_DIR) / "intermittence";
  const std::string dir = ehsim_test::scratch_dir("check-corpus");
  int programs = 0, bugs = 0;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(sources)) {
    if (e.path().extension() == ".c") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& source : files) {
    const std::string name = source.stem().string();
    const Note note = read_note(source);
    const CheckResult r =
        run_check((elves / (name + ".elf")).string(), note.check_options, dir + "/" + name);
    INFO(name << ":\n" << r.output);
    ++programs;
    REQUIRE(r.report.is_object());
    // Every program computes 78 (or 156 for the doubling ones) on continuous power.
    const int result = r.report["expected"]["markers"]["80"];
    CHECK((result == 78 || result == 156));
    CHECK(r.report["expected"]["end"] == "host_exit");
    if (note.pass) {
      CHECK(r.status == 0);
      CHECK(r.report["result"] == "pass");
      CHECK(r.report["divergent_runs"] == 0);
      CHECK(r.report["injections"].get<uint64_t>() == r.report["instructions"].get<uint64_t>());
      continue;
    }
    ++bugs;
    CHECK(r.status == 1);
    CHECK(r.report["result"] == "fail");
    REQUIRE(r.report["divergent_runs"].get<uint64_t>() > 0);
    std::set<std::string> functions;
    for (const auto& [f, n] : r.report["divergences_by_function"].items()) functions.insert(f);
    // The corpus is built with -g: where power failed reads function+0xOFF (file:line) where
    // the line table has the address (not every instruction has a line).
    size_t with_line = 0;
    for (const auto& d : r.report["divergences"]) {
      const std::string where = d["where"];
      with_line +=
          std::regex_search(where, std::regex(R"(^\w+(\+0x[0-9A-F]+)? \(\w+\.[ch]:\d+\)$)"));
    }
    CHECK(with_line > 0);
    CHECK(functions.count(note.first_function) == 1);
    for (const std::string& f : functions) {
      INFO("divergence in " << f);
      CHECK(note.divergence_in.count(f) == 1);
    }
    if (!note.hazard.empty()) {
      std::istringstream words(note.hazard);
      std::string kind, data, function;
      words >> kind >> data >> function;
      bool found = false;
      for (const auto& h : r.report["hazards"]) {
        const std::string where = kind == "write_after_read" ? h["write_where"].get<std::string>()
                                                             : h["read_where"].get<std::string>();
        found = found || (h["kind"] == kind && h["data"].get<std::string>().rfind(data, 0) == 0 &&
                          function_of(where) == function &&
                          (kind != "write_after_read" || h["confirmed"].get<bool>()));
      }
      CHECK(found);
    }
  }
  CHECK(programs == 16);
  CHECK(bugs == 8);
}

TEST_CASE(
    "reusing outcomes by surviving state reports exactly what simulating every injection does",
    "[check][integration]") {
  // The independent path: --no-reuse forks and simulates every injection point. Both reports
  // must be equal but for the count of simulated runs, which reuse must make smaller.
  const fs::path sources = fs::path(EHSIM_SOURCE_DIR) / "tests/firmware/intermittence";
  const std::string dir = ehsim_test::scratch_dir("check-reuse");
  for (const std::string name :
       {"war_sum_bug", "torn_checkpoint_fixed", "sram_pointer_bug", "peripheral_once_bug"}) {
    const std::string elf = std::string(EHSIM_FIRMWARE_DIR) + "/intermittence/" + name + ".elf";
    const std::string options = read_note(sources / (name + ".c")).check_options;
    CheckResult reused = run_check(elf, options, dir + "/" + name + "-reuse");
    CheckResult every = run_check(elf, options + " --no-reuse", dir + "/" + name + "-every");
    INFO(name << "\n" << reused.output << "\n" << every.output);
    REQUIRE(reused.report.is_object());
    REQUIRE(every.report.is_object());
    CHECK(reused.status == every.status);
    CHECK(every.report["simulated_runs"] == every.report["injections"]);
    CHECK(reused.report["simulated_runs"].get<uint64_t>() <
          reused.report["injections"].get<uint64_t>());
    reused.report.erase("simulated_runs");
    every.report.erase("simulated_runs");
    CHECK(reused.report.dump(1) == every.report.dump(1));
  }
}

TEST_CASE("a divergence's reproduce command replays it with ehsim exec --power-fail-at-cycle",
          "[check][integration]") {
  const std::string dir = ehsim_test::scratch_dir("check-reproduce");
  const std::string elf = std::string(EHSIM_FIRMWARE_DIR) + "/intermittence/war_sum_bug.elf";
  const CheckResult r = run_check(elf, "--commit-function commit_done", dir + "/out");
  INFO(r.output);
  REQUIRE(r.status == 1);
  const auto& first = r.report["divergences"][0];
  std::string command = first["reproduce"];
  REQUIRE(command.rfind("ehsim exec ", 0) == 0);
  command = "'" + std::string(EHSIM_EXECUTABLE) + "'" + command.substr(5);
  const std::string log = dir + "/replay.log";
  std::system((command + " > '" + log + "' 2>&1").c_str());
  const std::string replay = ehsim_test::read_text(log);
  INFO(command << "\n" << replay);
  // The replay reports the same wrong sum the check saw (marker 80 = 0x50).
  std::smatch m;
  REQUIRE(std::regex_search(replay, m, std::regex("marker 80 arg ([0-9]+)")));
  const std::string diff = first["differences"][0];
  CHECK(diff.find("got " + m[1].str()) != std::string::npos);
  CHECK(m[1].str() != "78");
  // The same file, continuous power: 78.
  std::system(
      ("'" + std::string(EHSIM_EXECUTABLE) + "' exec '" + elf + "' > '" + log + "' 2>&1").c_str());
  CHECK(ehsim_test::read_text(log).find("marker 80 arg 78") != std::string::npos);
}

TEST_CASE("injected runs of every fixed twin keep the hand-computed result",
          "[check][integration]") {
  // A sample of power failures (one or two per run), replayed by exec from reset independently
  // of the check: each fixed program still ends with 1+2+...+12 = 78 (156 where its source says
  // it doubles the values).
  const fs::path sources = fs::path(EHSIM_SOURCE_DIR) / "tests/firmware/intermittence";
  const std::string dir = ehsim_test::scratch_dir("check-fixed-sample");
  int twins = 0;
  for (const auto& e : fs::directory_iterator(sources)) {
    const std::string name = e.path().stem().string();
    if (e.path().extension() != ".c" || name.find("_fixed") == std::string::npos) continue;
    ++twins;
    const int expected =
        ehsim_test::read_text(e.path()).find("/* 156 */") != std::string::npos ? 156 : 78;
    const std::string elf = std::string(EHSIM_FIRMWARE_DIR) + "/intermittence/" + name + ".elf";
    for (int cycle : {5, 40, 120, 300, 500, 777}) {
      for (bool twice : {false, true}) {
        const std::string log = dir + "/exec.log";
        std::string failures = " --power-fail-at-cycle " + std::to_string(cycle);
        if (twice) failures += " --power-fail-at-cycle " + std::to_string(2 * cycle + 3);
        std::system(("'" + std::string(EHSIM_EXECUTABLE) + "' exec '" + elf + "'" + failures +
                     " > '" + log + "' 2>&1")
                        .c_str());
        const std::string out = ehsim_test::read_text(log);
        INFO(name << " with failures at" << failures << ":\n" << out);
        static const std::regex marker("marker 80 arg ([0-9]+)");
        std::string last;
        for (auto it = std::sregex_iterator(out.begin(), out.end(), marker);
             it != std::sregex_iterator(); ++it) {
          last = (*it)[1];
        }
        CHECK(last == std::to_string(expected));
        CHECK(out.find("exit: host_exit (code 0)") != std::string::npos);
      }
    }
  }
  CHECK(twins == 8);
}

TEST_CASE("ehsim check refuses bad input with exit 2", "[check][integration]") {
  const std::string dir = ehsim_test::scratch_dir("check-bad");
  const std::string elf = std::string(EHSIM_FIRMWARE_DIR) + "/intermittence/war_sum_fixed.elf";
  CHECK(run_check(dir + "/missing.elf", "", dir + "/a").status == 2);
  const CheckResult observe = run_check(elf, "--observe no_such_symbol", dir + "/b");
  CHECK(observe.status == 2);
  CHECK(observe.output.find("--observe 'no_such_symbol'") != std::string::npos);
  CHECK(run_check(elf, "--every 0", dir + "/c").status == 2);
  CHECK(run_check(elf, "--commit-function nope", dir + "/d").status == 2);
  CHECK(run_check(elf, "--every 3 --points 5", dir + "/e").status == 2);
  const CheckResult zero = run_check(elf, "--points 0", dir + "/f");
  CHECK(zero.status == 2);
  CHECK(zero.output.find("--points: '0'") != std::string::npos);
  // A program that never ends on continuous power: bounded by --max-cycles, and said so.
  const CheckResult endless = run_check(std::string(EHSIM_FIRMWARE_DIR) + "/unmodelled_gpio_in.elf",
                                        "--max-cycles 20000", dir + "/g");
  CHECK(endless.status == 2);
  CHECK(endless.output.find("does not end within 20000 cycles") != std::string::npos);
  CHECK_FALSE(fs::exists(dir + "/g/check.json"));
  // --load, --samples and --after-marker refuse what exec refuses, naming the file or option.
  const CheckResult load = run_check(elf, "--load '" + dir + "/none.bin@values'", dir + "/i");
  CHECK(load.status == 2);
  CHECK(load.output.find("--load: cannot read '" + dir + "/none.bin'") != std::string::npos);
  const CheckResult samples = run_check(elf, "--samples '" + dir + "/none.fmls'", dir + "/j");
  CHECK(samples.status == 2);
  CHECK(samples.output.find("--samples: ") != std::string::npos);
  CHECK(samples.output.find("none.fmls") != std::string::npos);
  const CheckResult marker = run_check(elf, "--after-marker 70000", dir + "/k");
  CHECK(marker.status == 2);
  CHECK(marker.output.find("--after-marker: '70000'") != std::string::npos);
  // A scenario that is not one.
  std::ofstream(dir + "/bad.json") << "{\"device\": {\"mclk\": \"fast\"}}";
  const CheckResult scenario = run_check(elf, "--scenario '" + dir + "/bad.json'", dir + "/h");
  CHECK(scenario.status == 2);
  CHECK(scenario.output.find("bad.json") != std::string::npos);
  CHECK_FALSE(fs::exists(dir + "/b"));  // bad input leaves no output directory
}

TEST_CASE("the checkpointing CRC demo passes an exhaustive check with its commit marker",
          "[check][integration]") {
  // checksum_ckpt (freeml/firmware/apps) commits {round, chunk, crc} double-buffered and marks
  // each commit with marker 0x11; its result is the CRC in markers 0x13/0x14. A power failure
  // before any of its 14.3 M instructions must end with the continuous-power CRC, which the
  // checksum tests compare with the host's CRC-32 of the same buffer.
  const std::string dir = ehsim_test::scratch_dir("check-crc");
  const std::string elf = std::string(EHSIM_FIRMWARE_DIR) + "/checksum_ckpt.elf";
  const CheckResult r =
      run_check(elf, "--commit-marker 17 --observe marker:19 --observe marker:20", dir + "/o");
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK(r.report["injections"].get<uint64_t>() == r.report["instructions"].get<uint64_t>());
  CHECK(r.report["instructions"].get<uint64_t>() > 14'000'000);
  CHECK(r.report["divergent_runs"] == 0);
  // A sample of the same injections replayed from reset by exec: each still ends with the CRC.
  for (uint64_t cycle : {1'000ull, 4'000'321ull, 9'999'999ull, 16'000'000ull}) {
    const std::string log = dir + "/replay.log";
    std::system(("'" + std::string(EHSIM_EXECUTABLE) + "' exec '" + elf +
                 "' --power-fail-at-cycle " + std::to_string(cycle) + " > '" + log + "' 2>&1")
                    .c_str());
    INFO("failure at " << cycle << ": " << ehsim_test::read_text(log));
    CHECK(ehsim_test::read_text(log).find(
              "marker 19 arg " +
              std::to_string(r.report["expected"]["markers"]["19"].get<unsigned>())) !=
          std::string::npos);
  }
  const unsigned crc = r.report["expected"]["markers"]["20"].get<unsigned>() << 16 |
                       r.report["expected"]["markers"]["19"].get<unsigned>();
  char text[32];
  std::snprintf(text, sizeof text, "crc32=%08x", crc);
  CHECK(r.report["expected"]["host_text"].get<std::string>().find(text) != std::string::npos);
}

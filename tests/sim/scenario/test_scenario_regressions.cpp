// Regression tests for the scenario parsers found by fuzz/fuzz_scenario (issue 17). Each input
// is also kept in fuzz/corpus/scenario/.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "sim/scenario/run_scenario.h"
#include "sim/scenario/supply_scenario.h"
#include "sim/scenario/units.h"

using nlohmann::json;

TEST_CASE("scenario regression: --set on a document that is not an object",
          "[scenario][regression]") {
  // '"abc"' plus --set seed=1 read parts[i - 1] with i = 0 (SIGSEGV; corpus not-an-object.json).
  for (const char* text : {"\"abc\"", "[1,2]", "5", "true"}) {
    json doc = json::parse(text);
    INFO(text);
    CHECK_THROWS_WITH(ehsim::apply_override(doc, "seed=1"),
                      "--set seed=1: the scenario is not an object");
  }
  json doc = json::parse(R"({"supply": 5})");
  CHECK_THROWS_WITH(ehsim::apply_override(doc, "supply.capacitance=1uF"),
                    "--set supply.capacitance=1uF: \"supply\" is not an object");
}

TEST_CASE("scenario regression: a number that overflows a double is an input error",
          "[scenario][regression]") {
  // nlohmann's out_of_range.406 escaped load_run_scenario, which caught only parse_error (the
  // fuzzer's input 7777000063047630183164722e1831647, corpus number-overflow*.json).
  const std::string file = (std::filesystem::temp_directory_path() /
                            ("ehsim-regr-overflow-" + std::to_string(getpid()) + ".json"))
                               .string();
  std::ofstream(file) << R"({"firmware": "fw.elf", "seed": 1e400})";
  try {
    ehsim::load_run_scenario(file, {}, "");
    FAIL("accepted");
  } catch (const ehsim::InputError& e) {
    const std::string m = e.what();
    INFO(m);
    CHECK(m.rfind(file + ": invalid JSON: ", 0) == 0);
    CHECK(m.find("number overflow") != std::string::npos);
  }
  std::filesystem::remove(file);
}

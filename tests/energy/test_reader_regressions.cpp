// Regression tests for the trace readers (issue 17; the fuzz/ harnesses fuzz_trace_*): NREL date
// and time fields used to be cast from doubles unchecked (UB for 1e300, month 13 or 99:99
// accepted), and an endless input (/dev/zero) or a directory was read forever or threw a stream
// exception. Each is now a TraceError naming the file, the line and what was expected.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <streambuf>
#include <vector>

#include "energy/trace.h"
#include "energy/trace_readers.h"

using namespace ehsim::energy;

namespace {

const char* kNrelHead =
    "724666,\"GOLDEN\",CO,-7.0,39.742,-105.179,1829\n"
    "Date (MM/DD/YYYY),Time (HH:MM),GHI (W/m^2)\n";

// The error of reading `rows` after the NREL header (FAIL if accepted).
std::string nrel_error(const std::string& rows) {
  std::istringstream in(kNrelHead + rows);
  try {
    read_nrel_srrl(in, "n.csv");
  } catch (const TraceError& e) {
    return e.what();
  }
  FAIL("accepted: " << rows);
  return "";
}

std::string file_error(const std::string& path, const std::string& format) {
  try {
    read_trace_file(path, format);
  } catch (const TraceError& e) {
    return e.what();
  }
  FAIL("accepted: " << path);
  return "";
}

// An endless stream of 65535-byte comment lines (generic CSV): only the byte limit stops it.
class EndlessComments : public std::streambuf {
 public:
  EndlessComments() : buf_(65536, 'x') {
    buf_.front() = '#';
    buf_.back() = '\n';
  }

 protected:
  int_type underflow() override {
    setg(buf_.data(), buf_.data(), buf_.data() + buf_.size());
    return traits_type::to_int_type(buf_.front());
  }

 private:
  std::vector<char> buf_;
};

}  // namespace

TEST_CASE("NREL regression: date fields are validated integers", "[trace][regression]") {
  CHECK(nrel_error("13/01/2012,12:00,5\n") ==
        "n.csv:3: column 'Date (MM/DD/YYYY)': month '13' is not an integer in 1..12");
  CHECK(nrel_error("05/45/2012,12:00,5\n") ==
        "n.csv:3: column 'Date (MM/DD/YYYY)': day '45' is not an integer in 1..31");
  CHECK(nrel_error("02/30/2012,12:00,5\n") ==
        "n.csv:3: column 'Date (MM/DD/YYYY)': day '30' is not an integer in 1..29");
  CHECK(nrel_error("02/29/2013,12:00,5\n") ==
        "n.csv:3: column 'Date (MM/DD/YYYY)': day '29' is not an integer in 1..28");
  CHECK(nrel_error("04/31/2012,12:00,5\n").find("day '31' is not an integer in 1..30") !=
        std::string::npos);
  // Values that used to reach static_cast<long> of a huge double (UB) or of a fraction.
  CHECK(nrel_error("05/17/1e300,12:00,5\n") ==
        "n.csv:3: column 'Date (MM/DD/YYYY)': year '1e300' is not an integer in 1..9999");
  CHECK(nrel_error("5.5/17/2012,12:00,5\n").find("month '5.5'") != std::string::npos);
  CHECK(nrel_error("05/-1/2012,12:00,5\n").find("day '-1'") != std::string::npos);
  CHECK(nrel_error("05/17/2012,12:00,5\n05/17/,12:01,5\n").rfind("n.csv:4: ", 0) == 0);
}

TEST_CASE("NREL regression: times are HH:MM with 24:00 as the only hour 24",
          "[trace][regression]") {
  CHECK(nrel_error("05/17/2012,99:99,5\n") ==
        "n.csv:3: column 'Time (HH:MM)': hour '99' is not an integer in 0..24");
  CHECK(nrel_error("05/17/2012,12:60,5\n") ==
        "n.csv:3: column 'Time (HH:MM)': minute '60' is not an integer in 0..59");
  CHECK(nrel_error("05/17/2012,24:01,5\n") ==
        "n.csv:3: time '24:01': hour 24 is only allowed as 24:00 (the end of a day)");
  CHECK(nrel_error("05/17/2012,1e9:00,5\n").find("hour '1e9'") != std::string::npos);
  // Leap day, month and year ends still read.
  std::istringstream in(std::string(kNrelHead) +
                        "02/28/2012,23:59,1\n02/28/2012,24:00,2\n02/29/2012,00:01,3\n"
                        "12/31/2012,23:59,4\n01/01/2013,00:00,5\n");
  const TraceData d = read_nrel_srrl(in, "n.csv");
  REQUIRE(d.time_s.size() == 5);
  CHECK(d.time_s[1] == 86400.0);
  CHECK(d.time_s[2] == 86460.0);
  CHECK(d.time_s[4] == 307.0 * 86400.0 + 86400.0);  // 2012-02-28 .. 2013-01-01 is 308 days
}

TEST_CASE("trace regression: endless input stops at the documented limits", "[trace][regression]") {
  // /dev/zero has no line end: the line limit stops it, for every format and for "auto".
  for (const char* format : {"react_rf", "nrel_srrl", "enhants", "csv", "auto"}) {
    INFO(format);
    CHECK(file_error("/dev/zero", format) ==
          "/dev/zero:1: line longer than the limit of 65536 bytes (kMaxTraceLineBytes, "
          "traces/FORMATS.md); is this a trace file?");
  }
  // Endless comment lines: the byte limit.
  EndlessComments comments;
  std::istream in(&comments);
  try {
    read_generic_csv(in, "pipe.csv");
    FAIL("accepted endless input");
  } catch (const TraceError& e) {
    CHECK(std::string(e.what()) == "pipe.csv:4097: the trace is longer than the limit of " +
                                       std::to_string(kMaxTraceFileBytes) +
                                       " bytes (kMaxTraceFileBytes, traces/FORMATS.md)");
  }
}

TEST_CASE("trace regression: oversized files and directories", "[trace][regression]") {
  CHECK(file_error("/", "auto") == "/: is a directory, expected a trace file");
  const std::string big =
      (std::filesystem::temp_directory_path() / "ehsim-regr-big-trace.csv").string();
  std::ofstream(big) << "time_s,power_W\n0,1\n";
  std::filesystem::resize_file(big, kMaxTraceFileBytes + 1);  // sparse: nothing is written
  CHECK(file_error(big, "auto") ==
        big +
            ": 268435457 bytes is longer than the limit of 268435456 bytes for a trace "
            "(kMaxTraceFileBytes, traces/FORMATS.md)");
  std::filesystem::remove(big);
}

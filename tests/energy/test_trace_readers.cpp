#include <catch2/catch.hpp>
#include <sstream>

#include "energy/trace.h"

using namespace ehsim::energy;

namespace {

// Expects a TraceError whose message names file:line and contains `needle`.
void expect_error(TraceData (*reader)(std::istream&, const std::string&), const std::string& text,
                  const std::string& where, const std::string& needle) {
  std::istringstream in(text);
  try {
    reader(in, "t.csv");
    FAIL("no error for: " << text);
  } catch (const TraceError& e) {
    const std::string m = e.what();
    INFO(m);
    CHECK(m.find("t.csv:" + where) != std::string::npos);
    CHECK(m.find(needle) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("generic csv: parses units into SI", "[trace]") {
  std::istringstream in("# comment\ntime_s,power_mW\n0,1.5\n0.5,2\n");
  const TraceData d = read_generic_csv(in, "p.csv");
  CHECK(d.quantity == Quantity::power_W);
  REQUIRE(d.time_s.size() == 2);
  CHECK(d.value[0] == Approx(1.5e-3));
  std::istringstream in2("time_s,irradiance_uW_per_cm2\n0,100\n");
  CHECK(read_generic_csv(in2, "i.csv").value[0] == Approx(1.0));  // 100 uW/cm^2 = 1 W/m^2
}

TEST_CASE("generic csv: bad input names file and line", "[trace]") {
  expect_error(read_generic_csv, "time_s,power_mW\n0,1\n0,2\n", "3", "increase");
  expect_error(read_generic_csv, "time_s,power_mW\n0,1\n1,nan\n", "3", "nan");
  expect_error(read_generic_csv, "time_s,power_mW\n0,-1\n", "2", "negative power");
  expect_error(read_generic_csv, "time_s,power_mW\n0\n", "2", "missing column");
  expect_error(read_generic_csv, "", "1", "empty");
  expect_error(read_generic_csv, "time_s,power_furlongs\n0,1\n", "1", "unknown quantity/unit");
  expect_error(read_generic_csv, "time_s,power_mW\n", "1", "empty trace");
  // A negative voltage is legal (it only blocks the source diode).
  std::istringstream in("time_s,voltage_V\n0,-1\n");
  CHECK(read_generic_csv(in, "v.csv").value[0] == -1.0);
}

TEST_CASE("REACT, NREL and EnHANTs readers: formats and errors", "[trace]") {
  std::istringstream rf("sec RSSI,mW\n0.00\t0.50\n0.02\t1.00\n");
  const TraceData r = read_react_rf(rf, "x.trace");
  CHECK(r.value[1] == Approx(1e-3));
  expect_error(read_react_rf, "sec RSSI,mW\n0.00\n", "2", "missing column");
  expect_error(read_react_rf, "sec RSSI,mW\n0.02\t1\n0.01\t1\n", "3", "increase");

  std::istringstream nrel(
      "724666,\"GOLDEN\",CO,-7.0,39.742,-105.179,1829\n"
      "Date (MM/DD/YYYY),Time (HH:MM),ETR (W/m^2),GHI (W/m^2)\n"
      "05/17/2012,23:59,0,10\n05/17/2012,24:00,0,20\n05/18/2012,00:01,0,30\n");
  const TraceData n = read_nrel_srrl(nrel, "n.csv");
  REQUIRE(n.time_s.size() == 3);
  CHECK(n.time_s[1] == 86400.0);
  CHECK(n.time_s[2] == 86460.0);
  CHECK(n.quantity == Quantity::irradiance_W_per_m2);
  expect_error(read_nrel_srrl, "meta\nDate (MM/DD/YYYY),Time (HH:MM),DNI (W/m^2)\n", "2",
               "missing column 'GHI");

  std::istringstream en("     0\t    6006.98\t 2010\t 7\t 16\n 30\t 100\t 2010\n");
  const TraceData e = read_enhants(en, "e.txt");
  CHECK(e.value[0] == Approx(60.0698));  // uW/cm^2 * 0.01 = W/m^2
  expect_error(read_enhants, "0 1\n0 2\n", "2", "increase");
}

TEST_CASE("trace replay: offset, time and value scaling, looping, interpolation", "[trace]") {
  TraceData d;
  d.quantity = Quantity::power_W;
  d.time_s = {10.0, 11.0, 13.0};
  d.value = {1.0, 2.0, 4.0};
  d.source = "mem";
  TraceOptions o;
  o.start_offset_s = 10.0;
  o.time_scale = 2.0;
  o.value_scale = 0.5;
  Trace hold(d, o);
  CHECK(hold.value_at(0.0) == 0.5);
  CHECK(hold.value_at(1.99) == 0.5);
  CHECK(hold.value_at(2.0) == 1.0);  // trace second 11 plays at simulated second 2
  CHECK(hold.value_at(100.0) == 2.0);
  CHECK(std::isinf(hold.segment_at(100.0).t1_s));

  o.interpolation = Interpolation::linear;
  Trace lin(d, o);
  CHECK(lin.value_at(3.0) == Approx(0.5 * 2.5));  // halfway between trace 11 s (2) and 13 s (4)

  TraceOptions lo;
  lo.loop = true;
  Trace loop(d, lo);
  // Period = span 3 s + mean spacing 1.5 s; the trace starts at trace time 10.
  CHECK(loop.value_at(10.0 + 4.5 + 1.2) == 2.0);
  CHECK(loop.value_at(10.0 + 9.0 + 0.1) == 1.0);
  const TraceSegment s = loop.segment_at(10.0 + 4.5 + 3.2);
  CHECK(s.t0_s == Approx(10.0 + 4.5 + 3.0));
  CHECK(s.t1_s == Approx(10.0 + 9.0));
}

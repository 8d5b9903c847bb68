// Intermittent units sized to one charge (freeml/FORMAT.md "Intermittent units"):
//  - the cycle bound of every step (freeml/reference/unit_cost.h) holds for the engine as built,
//    measured on freeml_infer_units.elf (a marker at every commit) under `ehsim exec`, for models
//    the calibration (scripts/calibrate-unit-costs) did not see: other seeds, planned budgets;
//  - the charge of one capacitor worked out by hand, and the budget the tools derive from it;
//  - plan_units gives the largest units that fit, and validate fails a blob whose steps do not.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include "fml_harness.h"
#include "freeml/firmware/include/freeml/model_format.h"
#include "freeml/reference/blob_io.h"
#include "freeml/reference/charge_budget.h"
#include "freeml/reference/generator.h"
#include "freeml/reference/unit_cost.h"

using namespace freeml::ref;

namespace {

std::string units_elf() {
  return std::string(EHSIM_FIRMWARE_DIR) + "/freeml_infer_units.elf";
}

double check_steps(const std::string& name, const Model& model, const SampleSet& samples) {
  return fmltest::check_step_bounds(units_elf(), name, model, samples);
}

Model committed(const std::string& name) {
  return read_blob_file(std::string(EHSIM_SOURCE_DIR) + "/freeml/models/" + name + ".fmlb");
}

}  // namespace

TEST_CASE("the engine never takes longer for a step than its cycle bound", "[freeml][units]") {
  // The committed blobs as emitted (units for 10 uF), with the energy policy's supply reading
  // after every tap, on three test images each.
  for (const std::string name : {"mnist-lenet", "fashion-cnn3"}) {
    Model m = committed(name);
    m.policy = Policy::kEnergy;
    m.energy_mv = 0;  // read the supply after every tap, never exit
    const double tight = check_steps(name, m, fmltest::random_samples(m, 2, 11));
    INFO(name << ": measured / bound " << tight);
    CHECK(tight > 0.6);  // a bound this close is worth planning with
  }
  // Generated models of every kind with seeds the calibration did not use, planned at budgets
  // that split layers inside rows and channels and taps into parts.
  for (const auto& [kind, budget] :
       std::vector<std::pair<std::string, uint64_t>>{{"mixed", 9000},
                                                     {"mixed", 20000},
                                                     {"conv2d", 7000},
                                                     {"dwconv2d", 6000},
                                                     {"pointwise", 5000},
                                                     {"dense", 5000},
                                                     {"maxpool", 6000},
                                                     {"avgpool", 9000},
                                                     {"gap", 9000}}) {
    for (const bool csr : {false, true}) {
      if (csr && kind != "mixed" && kind != "conv2d" && kind != "dwconv2d" && kind != "pointwise" &&
          kind != "dense")
        continue;
      Model m = generate_model(fmltest::spec_named(kind, csr), 31 + uint32_t(budget));
      m.policy = Policy::kEnergy;
      m.energy_mv = 0;
      const uint64_t fitted = fmltest::plan_at_least(&m, budget);
      const std::string name = kind + (csr ? "-csr-" : "-") + std::to_string(fitted);
      check_steps(name, m, fmltest::random_samples(m, 1, 5));
    }
  }
}

TEST_CASE("one charge of 10 uF between 2.4 V and 1.8 V, worked out by hand", "[freeml][units]") {
  ChargeSupply s;
  s.capacitance_F = 10e-6;
  s.v_on_V = 2.4;
  s.v_off_V = 1.8;
  s.mclk_Hz = 8e6;
  s.safety_factor = 1.0;
  const ChargeBudget b = charge_budget(s);
  // E = 1/2 C (v_on^2 - v_off^2) = 0.5 * 10e-6 * (5.76 - 3.24) = 12.6 uJ: with no converter the
  // MCU draws its current straight from the capacitor, so this is all it receives.
  CHECK(b.energy_J == Approx(12.6e-6).epsilon(1e-12));
  // Q = C (v_on - v_off) = 6 uC; at the mean voltage 2.1 V that is the same 12.6 uJ.
  CHECK(b.charge_C == Approx(6e-6).epsilon(1e-12));
  CHECK(b.charge_C * (s.v_on_V + s.v_off_V) / 2 == Approx(b.energy_J).epsilon(1e-12));
  // Boot: 1.04 uC during the 1.66 ms boot delay (facts §3.7) + 102 nC Q_WAKE-UP-RESET.
  CHECK(b.boot_charge_C == Approx(1.142e-6).epsilon(1e-12));
  // Worst active current at 8 MHz: I_AM,FRAM at 0 % cache hits 2510 uA + MPY 25 uA/MHz x 8.
  CHECK(b.current_A == Approx(2.71e-3).epsilon(1e-12));
  // (6 - 1.142) uC / (2.71 mA / 8 MHz) = 4.858e-6 / 3.3875e-10 = 14,340.96 cycles.
  CHECK(b.cycles == 14340);
  CHECK(b.budget_cycles == 14340);
  s.safety_factor = 0.8;
  CHECK(charge_budget(s).budget_cycles == 11472);  // floor(14340 * 0.8)
  // The budget grows with the capacitance (more than linearly: the boot is paid once).
  s.capacitance_F = 100e-6;
  CHECK(charge_budget(s).budget_cycles == 139000);  // floor(173,750.55) * 0.8
  s.v_on_V = 1.8;
  CHECK_THROWS_AS(charge_budget(s), std::invalid_argument);
  s.v_on_V = 2.4;
  s.mclk_Hz = 16e6;  // FRAM wait states: the cost model does not hold
  CHECK_THROWS_AS(charge_budget(s), std::invalid_argument);
  s.mclk_Hz = 8e6;
  s.capacitance_F = 1e-6;  // 0.6 uC cannot even pay for the boot
  CHECK_THROWS_AS(charge_budget(s), std::invalid_argument);
}

TEST_CASE("plan_units sizes the largest units that fit, and says when nothing does",
          "[freeml][units]") {
  Model m = committed("mnist-lenet");
  for (const uint64_t budget : {11000u, 28000u, 139000u}) {
    plan_units(&m, budget);
    CHECK(m.unit_budget_kcycles == int(budget / 1000));
    CHECK(steps_over_budget(m, budget).empty());
    // One more element per unit (or channel per tap part) would not fit: the units are maximal.
    for (size_t i = 0; i < m.layers.size(); ++i) {
      Layer& l = m.layers[i];
      if (l.unit_elements == 0) continue;
      ++l.unit_elements;
      CHECK_FALSE(steps_over_budget(m, budget).empty());
      --l.unit_elements;
    }
    for (Tap& t : m.taps) {
      if (t.unit_channels == 0) continue;
      ++t.unit_channels;
      CHECK_FALSE(steps_over_budget(m, budget).empty());
      --t.unit_channels;
    }
  }
  // Too small for one channel of the first tap: the error names it and the cycles it needs.
  try {
    plan_units(&m, 6000);
    FAIL("plan_units accepted 6000 cycles");
  } catch (const UnitBudgetError& e) {
    CHECK_THAT(e.what(), Catch::Contains("layer") && Catch::Contains("cycles"));
  }
}

TEST_CASE("freeml-ref validate fails a blob with a step one charge cannot finish",
          "[freeml][units]") {
  const std::string ref = std::string(EHSIM_BINARY_DIR) + "/freeml/freeml-ref";
  const std::string dir = fmltest::scratch_dir("units-validate");
  const std::string blobs = std::string(EHSIM_SOURCE_DIR) + "/freeml/models/";
  const auto status = [](const std::string& cmd) {
    const int s = std::system((cmd + " >/dev/null 2>&1").c_str());
    return WIFEXITED(s) ? WEXITSTATUS(s) : -1;
  };
  // The committed blobs keep their promise, and make progress at 10 uF.
  for (const std::string name : {"mnist-lenet", "fashion-cnn3"}) {
    CHECK(committed(name).unit_budget_kcycles == 11);
    CHECK(status(ref + " validate " + blobs + name + ".fmlb") == 0);
    CHECK(status(ref + " validate " + blobs + name + ".fmlb --capacitor 10uF") == 0);
  }
  // Whole layers promise 11 kilocycles they do not keep: exit 1; and fail 10 uF when asked.
  Model whole = committed("mnist-lenet");
  for (Layer& l : whole.layers) l.unit_elements = 0;
  for (Tap& t : whole.taps) t.unit_channels = 0;
  write_file(dir + "/whole.fmlb", write_blob(whole));
  CHECK(status(ref + " validate " + dir + "/whole.fmlb") == 1);
  whole.unit_budget_kcycles = 0;  // no promise recorded: valid, unless a supply is given
  write_file(dir + "/none.fmlb", write_blob(whole));
  CHECK(status(ref + " validate " + dir + "/none.fmlb") == 0);
  CHECK(status(ref + " validate " + dir + "/none.fmlb --capacitor 10uF") == 1);
  CHECK(status(ref + " validate " + dir + "/none.fmlb --capacitor 100uF") == 1);  // 824k > 139k
  CHECK(status(ref + " validate " + dir + "/none.fmlb --capacitor 1mF") == 0);    // < 1.41M
  // plan writes the model with units for a supply, and only a new file.
  std::remove((dir + "/planned.fmlb").c_str());
  CHECK(status(ref + " plan " + dir + "/none.fmlb " + dir + "/planned.fmlb --capacitor 22uF") == 0);
  CHECK(read_blob_file(dir + "/planned.fmlb").unit_budget_kcycles == 28);
  CHECK(status(ref + " validate " + dir + "/planned.fmlb --capacitor 22uF") == 0);
  CHECK(status(ref + " plan " + dir + "/none.fmlb " + dir + "/planned.fmlb --capacitor 22uF") == 2);
  // Bad options: exit 2.
  CHECK(status(ref + " validate " + dir + "/none.fmlb --capacitor ten") == 2);
  CHECK(status(ref + " validate " + dir + "/none.fmlb --capacitor 10uF --mclk 16MHz") == 2);
  CHECK(status(ref + " validate " + dir + "/none.fmlb --unit-budget-cycles 5") == 2);
  CHECK(status(ref + " validate " + dir + "/none.fmlb --bogus 1") == 2);
}

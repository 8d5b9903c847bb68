// The Mcu module's power interface inside a SystemC simulation: FRAM survives a power cycle,
// SRAM does not, and power-up is a BOR that restarts at the reset vector.
#include <catch2/catch.hpp>
#include <systemc>

#include "mcu_model/elf/elf_image.h"
#include "mcu_model/mcu.h"
#include "mcu_model/periph/reset_codes.h"
#include "tests/elf/elf_builder.h"

using namespace ehsim::mcu;

namespace {

struct PowerCycler : sc_core::sc_module {
  SC_HAS_PROCESS(PowerCycler);
  PowerCycler(sc_core::sc_module_name name, Mcu& mcu) : sc_core::sc_module(name), mcu_(mcu) {
    SC_THREAD(run);
  }
  void run() {
    sc_core::wait(1, sc_core::SC_MS);
    mcu_.power_off(0xAA);
    off_at_cycles = mcu_.ctx().cycles;
    sc_core::wait(1, sc_core::SC_MS);
    mcu_.power_on();
  }
  Mcu& mcu_;
  uint64_t off_at_cycles = 0;
};

}  // namespace

// One SystemC elaboration per process: this must stay the only test that starts the kernel.
TEST_CASE("Mcu power_off keeps FRAM, loses SRAM, power_on boots through the reset vector",
          "[mcu]") {
  // add #1,&0x5000 (FRAM boot counter); mov #0x5A80,&WDTCTL; jmp $
  const auto bytes =
      elftest::program_elf({0x5392, 0x5000, 0x40B2, 0x5A80, 0x015C, 0x3FFF}, {{"main", 0x4000}});
  ElfImage image;
  std::string error;
  REQUIRE(parse_elf("power.elf", bytes, &image, &error));
  McuConfig config;
  config.max_cycles = 5000;  // 5 ms at 1 MHz
  Mcu mcu("mcu", config);
  PowerCycler cycler("cycler", mcu);
  REQUIRE(mcu.load(image, &error));
  mcu.bus().poke_byte(0x1C00, 0x11);
  sc_core::sc_start();

  CHECK(mcu.exit_reason() == ExitReason::kMaxCycles);
  CHECK(mcu.bus().peek_word(0x5000) == 2);     // two boots counted in FRAM
  CHECK(mcu.bus().peek_byte(0x1C00) == 0xAA);  // SRAM refilled with the power-loss pattern
  CHECK(mcu.sys().peek_word(Sys::kSysRstIv) == kRstBor);
  CHECK(cycler.off_at_cycles >= 1000);  // the CPU ran (at least) up to the power-off time
  // 1 ms unpowered: the second boot starts at 2 ms of simulated time.
  CHECK(mcu.local_time() >= sc_core::sc_time(5, sc_core::SC_MS));
}

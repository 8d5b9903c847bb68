// FRCTL_A password and NWAITS forwarding (SLAU367P FRCTL0; facts §2.3).
#include <catch2/catch.hpp>

#include "mcu_model/mem/bus.h"
#include "mcu_model/periph/frctl.h"
#include "mcu_model/periph/reset_codes.h"

using namespace ehsim::mcu;

TEST_CASE("FRCTL0 needs FRCTLPW and sets the bus wait states", "[frctl]") {
  McuContext ctx;
  Bus bus(MemoryMap::msp430fr5994(), ctx);
  FrctlA fr(ctx, bus);
  bus.attach(fr);
  fr.reset_power_up();
  REQUIRE(fr.read_word(0) == 0x9600);
  REQUIRE(bus.fram_wait_states() == 0);
  fr.write_word(0, 0xA500 | 0x0010);  // FRCTLPW | NWAITS_1
  REQUIRE(bus.fram_wait_states() == 1);
  REQUIRE(fr.read_word(0) == 0x9610);
  REQUIRE(ctx.reset_request == McuContext::ResetLevel::kNone);
  fr.write_word(0, 0x9600 | 0x0020);  // wrong password
  REQUIRE(ctx.reset_request == McuContext::ResetLevel::kPuc);
  REQUIRE(ctx.reset_sysrstiv == kRstFrctlPassword);
  REQUIRE(bus.fram_wait_states() == 1);
  fr.reset_puc();
  REQUIRE(bus.fram_wait_states() == 0);
}

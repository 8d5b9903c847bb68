// GPIO inputs from a schedule, PxIES edge selection, PxIFG/PxIE interrupts and PxIV
// (SLAU367P "Digital I/O"; offsets, PxIV values from TI msp430fr5994.h; vectors facts §2.1).
#include <catch2/catch.hpp>

#include "mcu_model/mcu.h"
#include "mcu_model/periph/gpio.h"

using namespace ehsim::mcu;

namespace {
// Offsets in a port pair's block (TI header OFS_PxIN ...): the low port in the low byte.
constexpr uint16_t kIn = 0x00, kOut = 0x02, kDir = 0x04, kRen = 0x06, kIv1 = 0x0E, kIes = 0x18,
                   kIe = 0x1A, kIfg = 0x1C, kIv2 = 0x1E;
constexpr int kPort1Vector = 39, kPort2Vector = 36;  // PORT1_VECTOR, PORT2_VECTOR (facts §2.1)

PinInput at_cycle(uint64_t cycle, const char* port, unsigned pin, bool level) {
  PinInput in;
  in.cycle = cycle;
  in.port = port;
  in.pin = pin;
  in.level = level;
  return in;
}

struct PortA {
  McuContext ctx;
  OutputLog log;
  GpioPorts pa{ctx, 0x0200, "P1", "P2", log, kPort1Vector, kPort2Vector};
  void run_to(uint64_t cycle) {
    ctx.cycles = cycle;
    pa.advance_to(cycle);
  }
};
}  // namespace

TEST_CASE("P1.3 rising edge sets P1IFG.3, requests PORT1, P1IV = 08h clears it", "[gpio]") {
  PortA p;
  p.pa.set_inputs({at_cycle(100, "P1", 3, true)}, nullptr);
  p.pa.write_word(kIe, 0x0008);  // P1IE.3; P1IES.3 = 0: low-to-high
  REQUIRE(p.pa.next_event_cycle() == 100);
  p.run_to(99);
  REQUIRE(p.pa.read_word(kIn) == 0x0000);
  REQUIRE_FALSE(p.ctx.irq.is_pending(kPort1Vector));
  p.run_to(100);
  REQUIRE(p.pa.read_word(kIn) == 0x0008);
  REQUIRE(p.pa.read_word(kIfg) == 0x0008);
  REQUIRE(p.ctx.irq.is_pending(kPort1Vector));
  REQUIRE(p.pa.next_event_cycle() == kNeverCycle);
  REQUIRE(p.pa.read_word(kIv1) == 0x0008);  // P1IV_P1IFG3
  REQUIRE(p.pa.read_word(kIfg) == 0x0000);
  REQUIRE_FALSE(p.ctx.irq.is_pending(kPort1Vector));
  REQUIRE(p.pa.read_word(kIv1) == 0x0000);  // P1IV_NONE
}

TEST_CASE("P2IES selects the falling edge, P2IV reports P2.0 as 02h", "[gpio]") {
  PortA p;
  p.pa.set_inputs({at_cycle(10, "P2", 0, true), at_cycle(20, "P2", 0, false)}, nullptr);
  p.pa.write_word(kIes, 0x0100);  // P2IES.0 = 1: high-to-low
  p.pa.write_word(kIe, 0x0100);   // P2IE.0
  p.run_to(10);
  REQUIRE(p.pa.read_word(kIn) == 0x0100);
  REQUIRE(p.pa.read_word(kIfg) == 0x0000);  // the rising edge is not selected
  REQUIRE(p.pa.next_event_cycle() == 20);
  p.run_to(20);
  REQUIRE(p.pa.read_word(kIn) == 0x0000);
  REQUIRE(p.pa.read_word(kIfg) == 0x0100);
  REQUIRE(p.ctx.irq.is_pending(kPort2Vector));
  REQUIRE_FALSE(p.ctx.irq.is_pending(kPort1Vector));
  REQUIRE(p.pa.read_word(kIv2) == 0x0002);  // P2IV_P2IFG0
  REQUIRE_FALSE(p.ctx.irq.is_pending(kPort2Vector));
}

TEST_CASE("PxIV reports the lowest pending enabled pin first, flags need PxIE to interrupt",
          "[gpio]") {
  PortA p;
  p.pa.set_inputs({at_cycle(5, "P1", 5, true), at_cycle(5, "P1", 1, true)}, nullptr);
  p.run_to(5);
  // Flags are set whatever PxIE says, but request nothing until enabled.
  REQUIRE(p.pa.read_word(kIfg) == 0x0022);
  REQUIRE_FALSE(p.ctx.irq.is_pending(kPort1Vector));
  REQUIRE(p.pa.read_word(kIv1) == 0x0000);
  p.pa.write_word(kIe, 0x0022);
  REQUIRE(p.ctx.irq.is_pending(kPort1Vector));
  REQUIRE(p.pa.read_word(kIv1) == 0x0004);  // P1IV_P1IFG1
  REQUIRE(p.pa.read_word(kIv1) == 0x000C);  // P1IV_P1IFG5
  REQUIRE(p.pa.read_word(kIv1) == 0x0000);
  // Software may set a flag itself (SLAU367P "PxIFG"): the request follows.
  p.pa.write_word(kIfg, 0x0002);
  REQUIRE(p.ctx.irq.is_pending(kPort1Vector));
}

TEST_CASE("PxIN: outputs read back PxOUT, undriven inputs their pull, driven inputs the level",
          "[gpio]") {
  PortA p;
  p.pa.set_inputs({at_cycle(1, "P1", 0, false), at_cycle(1, "P1", 2, true)}, nullptr);
  p.pa.write_word(kDir, 0x0004);  // P1.2 output: the outside cannot override it
  p.pa.write_word(kOut, 0x0003);  // P1.0 and P1.1 pulled up (with PxREN), P1.2 driven low
  p.pa.write_word(kRen, 0x0003);
  REQUIRE(p.pa.read_word(kIn) == 0x0003);
  p.run_to(1);
  // P1.0 is now driven low from outside, P1.1 keeps its pull-up, P1.2 reads its output 0.
  REQUIRE(p.pa.read_word(kIn) == 0x0002);
  p.pa.write_word(kDir, 0x0000);  // P1.2 an input again: reads the external high
  REQUIRE(p.pa.read_word(kIn) == 0x0006);
}

TEST_CASE("Timed inputs use the MCU's clock mapping, PUC keeps external levels", "[gpio]") {
  PortA p;
  PinInput in;
  in.time_s = 0.5e-3;
  in.port = "P2";
  in.pin = 7;
  in.level = true;
  // 1 MHz MCLK: 0.5 ms is cycle 500.
  p.pa.set_inputs({in}, [](double t) { return uint64_t(t * 1e6 + 0.5); });
  p.pa.write_word(kIe, 0x8000);
  REQUIRE(p.pa.next_event_cycle() == 500);
  p.run_to(500);
  REQUIRE(p.pa.read_word(kIfg) == 0x8000);
  REQUIRE(p.pa.read_word(kIv2) == 0x0010);  // P2IV_P2IFG7
  p.pa.write_word(kIfg, 0x8000);
  p.pa.reset_puc();
  REQUIRE(p.pa.read_word(kIfg) == 0x0000);  // PxIFG resets to 0
  REQUIRE(p.pa.read_word(kIe) == 0x0000);
  REQUIRE(p.pa.read_word(kIn) == 0x8000);  // the outside still drives P2.7 high
  REQUIRE_FALSE(p.ctx.irq.is_pending(kPort2Vector));
}

TEST_CASE("Port J reads inputs but has no interrupt", "[gpio]") {
  McuContext ctx;
  OutputLog log;
  GpioPorts pj(ctx, 0x0320, "PJ", "", log);
  pj.set_inputs({at_cycle(3, "PJ", 4, true)}, nullptr);
  pj.write_word(kIe, 0x0010);
  ctx.cycles = 3;
  pj.advance_to(3);
  REQUIRE(pj.read_word(kIn) == 0x0010);
  REQUIRE(pj.read_word(kIfg) == 0x0000);
  REQUIRE_FALSE(ctx.irq.any_pending());
}

TEST_CASE("Mcu: gpio_inputs reach P3 and request PORT3", "[gpio]") {
  McuConfig config;
  config.gpio_inputs.push_back(at_cycle(7, "P3", 6, true));
  Mcu mcu("gpio_mcu", config);
  Bus& bus = mcu.bus();
  bus.write_byte(0x023A, 0x40);  // P3IE (PB base 0220h + 1Ah), pin 6
  mcu.ctx().cycles = 7;
  REQUIRE(bus.read_byte(0x0220) == 0x40);    // P3IN
  REQUIRE(mcu.ctx().irq.is_pending(33));     // PORT3_VECTOR
  REQUIRE(bus.read_word(0x022E) == 0x000E);  // P3IV_P3IFG6
  REQUIRE(mcu.unmodelled_accesses() == 0);
}

// Unmodelled peripheral accesses (UnmodelledAccess, mcu_context.h) and the clock-change
// notification of every peripheral (Peripheral::clocks_changed). Addresses from TI
// msp430fr5994.h and facts §2.1 (the peripheral area 0x0000-0x0FFF and its module bases).
#include <catch2/catch.hpp>
#include <vector>

#include "mcu_model/cpu/cpu.h"
#include "mcu_model/mcu.h"
#include "mcu_model/mem/bus.h"
#include "mcu_model/periph/cs.h"

using namespace ehsim::mcu;

namespace {
struct BareBus {
  McuContext ctx;
  Bus bus{MemoryMap::msp430fr5994(), ctx};
  std::vector<UnmodelledAccess> seen;
  BareBus() {
    ctx.on_unmodelled = [this](UnmodelledAccess& a) { seen.push_back(a); };
  }
};
}  // namespace

TEST_CASE("Unattached peripheral-area accesses are reported, not faulted", "[unmodelled]") {
  BareBus b;
  // 0x0500 is the DMA controller's base (facts §2.1); nothing is attached in this bus.
  REQUIRE(b.bus.read_word(0x0500) == 0);
  b.ctx.cycles = 42;
  b.bus.write_byte(0x0FF1, 0x5A);
  REQUIRE(b.bus.read_byte(0x0003) == 0);
  REQUIRE(b.ctx.fault.kind == FaultKind::kNone);
  REQUIRE(b.ctx.unmodelled_accesses == 3);
  REQUIRE(b.seen.size() == 3);
  REQUIRE(b.seen[0].address == 0x0500);
  REQUIRE_FALSE(b.seen[0].write);
  REQUIRE(b.seen[0].size == 2);
  REQUIRE(b.seen[0].peripheral == nullptr);
  REQUIRE(b.seen[1].address == 0x0FF1);
  REQUIRE(b.seen[1].write);
  REQUIRE(b.seen[1].size == 1);
  REQUIRE(b.seen[1].value == 0x5A);
  REQUIRE(b.seen[1].cycle == 42);
  REQUIRE(b.seen[2].address == 0x0003);
  // A word access reports the even address.
  b.bus.write_word(0x05A1, 0xA500);
  REQUIRE(b.seen.back().address == 0x05A0);
  REQUIRE(b.seen.back().value == 0xA500);
}

TEST_CASE("Vacant memory outside the peripheral area and peripheral fetches still fault",
          "[unmodelled]") {
  {
    BareBus b;
    REQUIRE(b.bus.read_word(0x3C00) == 0x3FFF);  // gap above SRAM (facts §2.1)
    REQUIRE(b.ctx.fault.kind == FaultKind::kVacantRead);
    REQUIRE(b.ctx.unmodelled_accesses == 0);
  }
  {
    BareBus b;
    b.bus.write_word(0x1B00, 1);  // gap between TLV and SRAM
    REQUIRE(b.ctx.fault.kind == FaultKind::kVacantWrite);
    REQUIRE(b.ctx.unmodelled_accesses == 0);
  }
  {
    BareBus b;
    REQUIRE(b.bus.fetch_word(0x0200) == 0x3FFF);
    REQUIRE(b.ctx.fault.kind == FaultKind::kVacantFetch);
    REQUIRE(b.ctx.unmodelled_accesses == 0);
  }
}

TEST_CASE("strict_peripherals turns an unmodelled access into a fault", "[unmodelled]") {
  BareBus b;
  b.ctx.strict_peripherals = true;
  b.bus.read_word(0x0640);  // eUSCI_B0 (facts §2.1), not modelled
  REQUIRE(b.ctx.fault.kind == FaultKind::kUnmodelledPeripheral);
  REQUIRE(b.ctx.fault.address == 0x0640);
  REQUIRE(b.ctx.stop_requested);
  REQUIRE(b.ctx.unmodelled_accesses == 1);
  REQUIRE(std::string(to_string(FaultKind::kUnmodelledPeripheral)) == "unmodelled_peripheral");
}

TEST_CASE("Unmodelled registers inside an attached peripheral are reported", "[unmodelled]") {
  BareBus b;
  Cs cs(b.ctx);
  b.bus.attach(cs);
  // CSCTL0..CSCTL6 are 0160h..016Ch; 016Eh is past CSCTL6 inside the 10h-byte block.
  REQUIRE(b.bus.read_word(0x0160) == 0x9600);
  REQUIRE(b.bus.read_word(0x016C) == 0x0007);
  REQUIRE(b.ctx.unmodelled_accesses == 0);
  b.bus.read_byte(0x016F);
  REQUIRE(b.ctx.unmodelled_accesses == 1);
  REQUIRE(b.seen.back().address == 0x016F);
  REQUIRE(std::string(b.seen.back().peripheral) == "CS");
  REQUIRE(b.ctx.fault.kind == FaultKind::kNone);
}

TEST_CASE("The report carries the PC of the accessing instruction", "[unmodelled]") {
  McuContext ctx;
  Bus bus(MemoryMap::msp430fr5994(), ctx);
  Cpu cpu(bus, ctx);
  std::vector<UnmodelledAccess> seen;
  ctx.on_unmodelled = [&](UnmodelledAccess& a) {
    a.pc = cpu.instruction_pc();
    seen.push_back(a);
  };
  // 4400h: MOV #1234h,R5 (4035 1234); 4404h: MOV R5,&0500h (4582 0500); 4408h: JMP $ (3FFF).
  const uint8_t code[] = {0x35, 0x40, 0x34, 0x12, 0x82, 0x45, 0x00, 0x05, 0xFF, 0x3F};
  REQUIRE(bus.load(0x4400, code, sizeof code, nullptr));
  const uint8_t vec[] = {0x00, 0x44};
  REQUIRE(bus.load(0xFFFE, vec, 2, nullptr));
  cpu.power_on_reset();
  cpu.run(20);
  REQUIRE(seen.size() == 1);
  REQUIRE(seen[0].pc == 0x4404);
  REQUIRE(seen[0].address == 0x0500);
  REQUIRE(seen[0].write);
  REQUIRE(seen[0].value == 0x1234);
}

TEST_CASE("Mcu: unmodelled-access listener, count, strict faults and clocks_changed to all",
          "[unmodelled][clocks]") {
  McuConfig lenient_config;
  Mcu lenient("lenient", lenient_config);
  std::vector<UnmodelledAccess> seen;
  lenient.set_unmodelled_access_listener([&](const UnmodelledAccess& a) { seen.push_back(a); });
  lenient.bus().write_word(0x0980, 0xFFFF);  // CRC32 (facts §2.1), not modelled
  REQUIRE(lenient.unmodelled_accesses() == 1);
  REQUIRE(seen.size() == 1);
  REQUIRE(seen[0].address == 0x0980);
  REQUIRE(lenient.ctx().fault.kind == FaultKind::kNone);

  McuConfig strict_config;
  strict_config.strict_peripherals = true;
  Mcu strict("strict", strict_config);
  strict.bus().read_byte(0x04A0);  // RTC_C (facts §2.1), not modelled
  REQUIRE(strict.ctx().fault.kind == FaultKind::kUnmodelledPeripheral);
  REQUIRE(strict.unmodelled_accesses() == 1);

  // Clock changes reach Timer_A0 without a hand-written list: TA0 counts SMCLK (TASSEL_2) in
  // continuous mode (MC_2) towards TA0CCR0 = 1000 with CCIE; SMCLK = MCLK = 1 MHz after reset.
  Bus& bus = lenient.bus();
  Peripheral* ta0 = nullptr;
  for (Peripheral* p : lenient.peripherals()) {
    if (p->name() == "TA0") ta0 = p;
  }
  REQUIRE(ta0 != nullptr);
  bus.write_word(0x0352, 1000);    // TA0CCR0
  bus.write_word(0x0342, 0x0010);  // TA0CCTL0 = CCIE
  bus.write_word(0x0340, 0x0224);  // TA0CTL = TASSEL_2 | MC_2 | TACLR
  REQUIRE(ta0->next_event_cycle() == 1000);
  lenient.ctx().cycles = 200;  // TA0R = 200
  // A locked CS (no CSKEY yet) ignores the write: nobody is notified, nothing moves.
  lenient.ctx().sync_requested = false;
  bus.write_word(0x0166, 0x0003);
  REQUIRE_FALSE(lenient.ctx().sync_requested);
  REQUIRE(ta0->next_event_cycle() == 1000);
  bus.write_word(0x0160, 0xA500);  // CSCTL0 = CSKEY
  // CSCTL3 = DIVS_0 | DIVM_3: SMCLK = DCO 8 MHz / 1, MCLK stays 8 MHz / 8 = 1 MHz. The 800
  // remaining ticks take 800 / 8 = 100 MCLK cycles.
  bus.write_word(0x0166, 0x0003);
  REQUIRE(lenient.ctx().sync_requested);
  REQUIRE(ta0->next_event_cycle() == 300);
}

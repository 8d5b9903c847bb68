// MPU as TI's example code programs it (SLAU367P chapter "Memory Protection Unit"; MPU @05A0h
// facts §2.1; offsets, bits and SYSRSTIV codes from TI msp430fr5994.h; SYSNMI vector 54 facts
// §2.1).
#include <catch2/catch.hpp>
#include <vector>

#include "mcu_model/cpu/cpu.h"
#include "mcu_model/periph/mpu.h"

using namespace ehsim::mcu;

namespace {
constexpr uint16_t kMpuCtl0 = 0x05A0, kMpuCtl1 = 0x05A2, kMpuSegB2 = 0x05A4, kMpuSegB1 = 0x05A6,
                   kMpuSam = 0x05A8;
constexpr uint16_t kMpuPw = 0xA500, kMpuEna = 0x0001, kMpuSegIe = 0x0010;
constexpr uint16_t kSeg2We = 0x0020, kSeg2Vs = 0x0080, kSeg3Re = 0x0100, kSeg3Xe = 0x0400;
constexpr uint16_t kSeg2Ifg = 0x0002, kSeg3Ifg = 0x0004;

struct Rig {
  McuContext ctx;
  Bus bus{MemoryMap::msp430fr5994(), ctx};
  Mpu mpu{ctx, bus};
  std::vector<MpuViolation> seen;
  Rig() {
    bus.attach(mpu);
    mpu.set_violation_listener([this](MpuViolation& v) { seen.push_back(v); });
  }
  // TI's sequence: open, borders 6000h and 8000h, MPUSAM, enable, lock with MPUCTL0_H = 0.
  void program(uint16_t sam, uint16_t ctl0_low) {
    bus.write_word(kMpuCtl0, kMpuPw);
    bus.write_word(kMpuSegB1, 0x0600);
    bus.write_word(kMpuSegB2, 0x0800);
    bus.write_word(kMpuSam, sam);
    bus.write_word(kMpuCtl0, kMpuPw | ctl0_low);
    bus.write_byte(kMpuCtl0 + 1, 0x00);
  }
};
}  // namespace

TEST_CASE("MPU reset state lets everything through", "[mpu]") {
  Rig r;
  REQUIRE(r.bus.read_word(kMpuCtl0) == 0x9600);
  REQUIRE(r.bus.read_word(kMpuSam) == 0x7777);
  r.bus.write_word(0x7000, 0x1234);
  REQUIRE(r.bus.peek_word(0x7000) == 0x1234);
  REQUIRE(r.bus.is_fram_page(0x70));
  REQUIRE(r.seen.empty());
}

TEST_CASE("MPU write-protected segment 2 with MPUSEG2VS: write dropped, flag, PUC", "[mpu]") {
  Rig r;
  r.program(uint16_t((0x7777 & ~kSeg2We) | kSeg2Vs), kMpuEna);
  REQUIRE_FALSE(r.bus.is_fram_page(0x70));  // guarded pages leave the fast path
  r.bus.write_word(0x5000, 0x1111);         // segment 1: below border 1 (6000h)
  r.bus.write_word(0x9000, 0x3333);         // segment 3: above border 2 (8000h)
  REQUIRE(r.seen.empty());
  REQUIRE(r.ctx.reset_request == McuContext::ResetLevel::kNone);
  r.bus.write_word(0x7000, 0x2222);  // segment 2
  REQUIRE(r.bus.peek_word(0x5000) == 0x1111);
  REQUIRE(r.bus.peek_word(0x9000) == 0x3333);
  REQUIRE(r.bus.peek_word(0x7000) == 0x0000);  // not written
  REQUIRE(r.seen.size() == 1);
  REQUIRE(r.seen[0].address == 0x7000);
  REQUIRE(r.seen[0].segment == 2);
  REQUIRE(r.seen[0].access == FramGuard::Access::kWrite);
  REQUIRE(r.seen[0].puc);
  REQUIRE((r.bus.read_word(kMpuCtl1) & kSeg2Ifg) != 0);
  REQUIRE(r.ctx.reset_request == McuContext::ResetLevel::kPuc);
  REQUIRE(r.ctx.reset_sysrstiv == 0x2C);       // SYSRSTIV__MPUSEG2IFG
  REQUIRE(r.bus.read_word(0x7000) == 0x0000);  // reading segment 2 is still allowed
  // The registers are locked again (MPUCTL0_H = 0): MPUSAM cannot be changed.
  r.bus.write_word(kMpuSam, 0x7777);
  REQUIRE(r.bus.read_word(kMpuSam) == uint16_t((0x7777 & ~kSeg2We) | kSeg2Vs));
}

TEST_CASE("MPU read violation without MPUSEGxVS raises SYSNMI when MPUSEGIE is set", "[mpu]") {
  Rig r;
  r.program(uint16_t(0x7777 & ~kSeg3Re), kMpuEna | kMpuSegIe);
  r.bus.poke_byte(0x9000, 0x55);
  REQUIRE(r.bus.read_word(0x9000) == 0x3FFF);
  REQUIRE(r.ctx.irq.is_pending(54));
  REQUIRE(r.ctx.reset_request == McuContext::ResetLevel::kNone);
  REQUIRE((r.bus.read_word(kMpuCtl1) & kSeg3Ifg) != 0);
  REQUIRE_FALSE(r.seen.at(0).puc);
  // Clearing the flag (registers opened with the password) withdraws the request.
  r.bus.write_word(kMpuCtl0, kMpuPw | kMpuEna | kMpuSegIe);
  r.bus.write_word(kMpuCtl1, 0);
  REQUIRE_FALSE(r.ctx.irq.is_pending(54));
  // MPUENA cleared: FRAM pages are fast and unchecked again.
  r.bus.write_word(kMpuCtl0, kMpuPw);
  REQUIRE(r.bus.is_fram_page(0x90));
  REQUIRE(r.bus.read_byte(0x9000) == 0x55);
}

TEST_CASE("MPU execute violation: the fetch gets 3FFFh, JMP to itself", "[mpu]") {
  Rig r;
  Cpu cpu(r.bus, r.ctx);
  // 4400h: MOV #9000h,PC (4030 9000); 9000h: MOV #1,R5 (4315) never runs.
  const uint8_t code[] = {0x30, 0x40, 0x00, 0x90};
  REQUIRE(r.bus.load(0x4400, code, sizeof code, nullptr));
  const uint8_t target[] = {0x15, 0x43};
  REQUIRE(r.bus.load(0x9000, target, 2, nullptr));
  const uint8_t vec[] = {0x00, 0x44};
  REQUIRE(r.bus.load(0xFFFE, vec, 2, nullptr));
  cpu.power_on_reset();
  r.program(uint16_t(0x7777 & ~kSeg3Xe), kMpuEna);
  cpu.run(r.ctx.cycles + 30);
  REQUIRE(cpu.reg(5) == 0);
  REQUIRE_FALSE(r.seen.empty());
  REQUIRE(r.seen[0].address == 0x9000);
  REQUIRE(r.seen[0].access == FramGuard::Access::kExecute);
  REQUIRE(r.seen[0].segment == 3);
  REQUIRE((r.bus.read_word(kMpuCtl1) & kSeg3Ifg) != 0);
}

TEST_CASE("MPUCTL0 written with a wrong password causes a PUC", "[mpu]") {
  Rig r;
  r.bus.write_word(kMpuCtl0, 0x5A01);
  REQUIRE(r.ctx.reset_request == McuContext::ResetLevel::kPuc);
  REQUIRE(r.ctx.reset_sysrstiv == 0x22);  // SYSRSTIV__MPUPW
  REQUIRE_FALSE(r.mpu.enabled());
}

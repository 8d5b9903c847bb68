// SYS, SFR, PMM, CS, GPIO, eUSCI_A UART and host_io register behaviour (SLAU367P register
// descriptions; host_io layout from freeml/firmware/include/ehsim/host_io.h).
#include <catch2/catch.hpp>

#include "freeml/firmware/include/ehsim/host_io.h"
#include "mcu_model/periph/cs.h"
#include "mcu_model/periph/gpio.h"
#include "mcu_model/periph/host_io.h"
#include "mcu_model/periph/pmm.h"
#include "mcu_model/periph/reset_codes.h"
#include "mcu_model/periph/sys.h"
#include "mcu_model/periph/uart.h"

using namespace ehsim::mcu;

TEST_CASE("SYSRSTIV returns the highest-priority cause and clears it", "[sys]") {
  McuContext ctx;
  Sys sys(ctx);
  REQUIRE(sys.base() == 0x0180);
  sys.record_reset(kRstWdtTimeout);
  sys.record_reset(kRstBor);
  REQUIRE(sys.peek_word(Sys::kSysRstIv) == 0x02);
  REQUIRE(sys.read_word(Sys::kSysRstIv) == 0x02);
  REQUIRE(sys.read_word(Sys::kSysRstIv) == 0x16);
  REQUIRE(sys.read_word(Sys::kSysRstIv) == 0);
  sys.record_reset(kRstWdtPassword);
  sys.reset_puc();  // a PUC keeps the causes
  REQUIRE(sys.read_word(Sys::kSysRstIv) == 0x18);
  sys.record_reset(kRstWdtPassword);
  sys.reset_power_up();  // a BOR clears them
  REQUIRE(sys.read_word(Sys::kSysRstIv) == 0);
}

TEST_CASE("host_io layout matches the firmware header", "[host_io]") {
  McuContext ctx;
  OutputLog log;
  HostIo io(ctx, log);
  REQUIRE(io.base() == HOSTIO_BASE);
  REQUIRE(io.read_word(HOSTIO_ID_OFFSET) == HOSTIO_ID_VALUE);
  io.write_byte(HOSTIO_OUT_OFFSET, 'o');
  io.write_word(HOSTIO_OUT_OFFSET, 0x4B00 | 'k');
  REQUIRE(log.host_text == "ok");
  ctx.cycles = 1234;
  io.write_word(HOSTIO_MARK_ARG_OFFSET, 77);
  io.write_word(HOSTIO_MARK_OFFSET, 5);
  REQUIRE(log.markers.size() == 1);
  CHECK(log.markers[0].cycle == 1234);
  CHECK(log.markers[0].id == 5);
  CHECK(log.markers[0].arg == 77);
  REQUIRE_FALSE(ctx.stop_requested);
  io.write_word(HOSTIO_EXIT_OFFSET, 3);
  REQUIRE(ctx.stop_requested);
  REQUIRE(ctx.stop_reason == StopReason::kHostExit);
  REQUIRE(ctx.exit_code == 3);
  REQUIRE(io.exited());
}

TEST_CASE("PMM: LOCKLPM5 set by BOR, cleared by software, PMMSWBOR/PMMSWPOR reset", "[pmm]") {
  McuContext ctx;
  Pmm pmm(ctx);
  REQUIRE(pmm.base() + Pmm::kPm5Ctl0 == 0x0130);
  REQUIRE(pmm.read_word(Pmm::kPm5Ctl0) == 1);
  pmm.write_word(Pmm::kPm5Ctl0, 0);
  REQUIRE(pmm.read_word(Pmm::kPm5Ctl0) == 0);
  pmm.write_word(Pmm::kPm5Ctl0, 1);  // cannot be set by software
  REQUIRE(pmm.read_word(Pmm::kPm5Ctl0) == 0);
  pmm.reset_puc();
  REQUIRE(pmm.read_word(Pmm::kPm5Ctl0) == 0);
  pmm.reset_power_up();
  REQUIRE(pmm.read_word(Pmm::kPm5Ctl0) == 1);
  REQUIRE((pmm.read_word(Pmm::kPmmCtl0) >> 8) == 0x96);

  pmm.write_byte(Pmm::kPmmCtl0, Pmm::kSwBor);  // locked: ignored
  REQUIRE(ctx.reset_request == McuContext::ResetLevel::kNone);
  pmm.write_byte(Pmm::kPmmCtl0 + 1, Pmm::kPassword);
  pmm.write_byte(Pmm::kPmmCtl0, Pmm::kSwBor);
  REQUIRE(ctx.reset_request == McuContext::ResetLevel::kBor);
  REQUIRE(ctx.reset_sysrstiv == 0x06);
  McuContext ctx2;
  Pmm pmm2(ctx2);
  pmm2.write_word(Pmm::kPmmCtl0, 0xA500 | Pmm::kSwPor);
  REQUIRE(ctx2.reset_request == McuContext::ResetLevel::kPor);
  REQUIRE(ctx2.reset_sysrstiv == 0x14);
}

TEST_CASE("CS: 1 MHz after reset, DCO table, CSKEY lock", "[cs]") {
  McuContext ctx;
  ctx.mclk_hz = 0;
  Cs cs(ctx);
  REQUIRE(ctx.mclk_hz == 1'000'000);  // DCO 8 MHz / 8
  REQUIRE(cs.dco_hz() == 8'000'000);
  REQUIRE((cs.read_word(Cs::kCsCtl0) >> 8) == 0x96);
  cs.write_word(Cs::kCsCtl3, 0);  // locked: ignored
  REQUIRE(ctx.mclk_hz == 1'000'000);
  // TI's 16 MHz sequence: CSCTL0_H = CSKEY_H; CSCTL1 = DCORSEL | DCOFSEL_4; dividers /1.
  cs.write_byte(Cs::kCsCtl0 + 1, 0xA5);
  cs.write_word(Cs::kCsCtl1, 0x0040 | 0x0008);
  cs.write_word(Cs::kCsCtl3, 0);
  REQUIRE(ctx.mclk_hz == 16'000'000);
  REQUIRE(cs.smclk_hz() == 16'000'000);
  cs.write_word(Cs::kCsCtl1, 0x0000 | 0x0006);  // DCORSEL=0, DCOFSEL_3: 4 MHz
  REQUIRE(ctx.mclk_hz == 4'000'000);
  cs.write_word(Cs::kCsCtl2, 0x0031);  // SELM = VLOCLK, SELS = DCOCLK
  REQUIRE(ctx.mclk_hz == Cs::kVloHz);
  cs.write_byte(Cs::kCsCtl0 + 1, 0x00);  // lock
  cs.write_word(Cs::kCsCtl2, 0x0033);
  REQUIRE(ctx.mclk_hz == Cs::kVloHz);
  cs.reset_puc();
  REQUIRE(ctx.mclk_hz == 1'000'000);
  REQUIRE(cs.preset_mclk(8'000'000));
  REQUIRE(ctx.mclk_hz == 8'000'000);
  REQUIRE_FALSE(Cs::find_preset(7'000'000, nullptr, nullptr));
}

TEST_CASE("GPIO logs every PxOUT change with its cycle", "[gpio]") {
  McuContext ctx;
  OutputLog log;
  GpioPorts pa(ctx, 0x0200, "P1", "P2", log);
  GpioPorts pj(ctx, 0x0320, "PJ", "", log);
  ctx.cycles = 10;
  pa.write_byte(GpioPorts::kOut, 0x01);  // P1OUT
  ctx.cycles = 20;
  pa.write_byte(GpioPorts::kOut + 1, 0x80);  // P2OUT
  ctx.cycles = 30;
  pa.write_byte(GpioPorts::kOut, 0x01);  // unchanged: no entry
  pj.write_word(GpioPorts::kOut, 0x000F);
  REQUIRE(log.port_writes.size() == 3);
  CHECK(log.port_writes[0].cycle == 10);
  CHECK(log.port_writes[0].port == "P1");
  CHECK(log.port_writes[0].value == 0x01);
  CHECK(log.port_writes[1].port == "P2");
  CHECK(log.port_writes[1].value == 0x80);
  CHECK(log.port_writes[2].port == "PJ");
  pa.write_byte(GpioPorts::kDir, 0x01);
  CHECK((pa.read_word(GpioPorts::kIn) & 0xFF) == 0x01);  // driven output reads back
}

TEST_CASE("eUSCI_A0 UART captures TXBUF only when out of reset", "[uart]") {
  McuContext ctx;
  OutputLog log;
  Cs cs(ctx);
  EusciAUart uart(ctx, EusciAUart::kBaseA0, EusciAUart::kVectorA0, cs, log);
  REQUIRE(uart.base() == 0x05C0);
  REQUIRE(uart.read_word(EusciAUart::kIfg) == EusciAUart::kTxIfg);
  uart.write_byte(EusciAUart::kTxBuf, 'x');  // UCSWRST set: not sent
  REQUIRE(log.uart_text.empty());
  uart.write_word(EusciAUart::kCtlw0, 0x0080);  // UCSSEL = SMCLK, UCSWRST cleared
  uart.write_byte(EusciAUart::kTxBuf, 'h');
  uart.write_byte(EusciAUart::kTxBuf, 'i');
  REQUIRE(log.uart_text == "hi");
  uart.write_word(EusciAUart::kIe, EusciAUart::kTxIfg);
  REQUIRE(ctx.irq.is_pending(48));
  REQUIRE(uart.read_word(EusciAUart::kIv) == 0x04);  // TXIFG
  REQUIRE_FALSE(ctx.irq.is_pending(48));
}

TEST_CASE("eUSCI_A0 UART paces characters by the baud-rate registers", "[uart]") {
  McuContext ctx;
  OutputLog log;
  Cs cs(ctx);  // SMCLK = MCLK = 1 MHz after reset
  EusciAUart uart(ctx, EusciAUart::kBaseA0, EusciAUart::kVectorA0, cs, log);
  // 9600 Bd from 1 MHz with oversampling: UCBRx = 6, UCBRFx = 8, UCBRSx = 20h (SLAU367P eUSCI
  // "Typical Baud Rates" table). Bit = 16 * 6 + 8 = 104 BRCLK; 8N1 frame = 10 bits = 1040 cycles.
  uart.write_word(EusciAUart::kCtlw0, 0x0080 | EusciAUart::kSwRst);
  uart.write_word(EusciAUart::kBrw, 6);
  uart.write_word(EusciAUart::kMctlw, 0x2081);
  uart.write_word(EusciAUart::kCtlw0, 0x0080);
  REQUIRE(uart.char_cycles() == 1040);
  uart.write_byte(EusciAUart::kTxBuf, 'a');  // cycle 0: straight into the shift register
  CHECK((uart.read_word(EusciAUart::kIfg) & EusciAUart::kTxIfg) != 0);
  CHECK((uart.read_word(EusciAUart::kStatw) & EusciAUart::kUcBusy) != 0);
  ctx.cycles = 10;
  uart.write_byte(EusciAUart::kTxBuf, 'b');  // waits in TXBUF
  CHECK((uart.read_word(EusciAUart::kIfg) & EusciAUart::kTxIfg) == 0);
  REQUIRE(uart.next_event_cycle() == 1040);
  ctx.cycles = 1040;
  uart.advance_to(ctx.cycles);
  CHECK((uart.read_word(EusciAUart::kIfg) & EusciAUart::kTxIfg) != 0);
  CHECK(uart.next_event_cycle() == kNeverCycle);
  ctx.cycles = 2079;
  CHECK((uart.read_word(EusciAUart::kStatw) & EusciAUart::kUcBusy) != 0);
  ctx.cycles = 2080;
  CHECK((uart.read_word(EusciAUart::kStatw) & EusciAUart::kUcBusy) == 0);
  CHECK(log.uart_text == "ab");
}

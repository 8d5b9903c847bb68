// DMA controller (SLAU367P "Direct Memory Access (DMA) Controller Module"; DMA @0500h and vector
// 42 from facts §2.1; offsets and bits from TI msp430fr5994.h). Cycle counts by hand from the
// guide's "DMA Transfer Cycle Time": 1 sync + 2 per transfer + 1 wait.
#include <catch2/catch.hpp>

#include "mcu_model/periph/dma.h"

using namespace ehsim::mcu;

namespace {
// DMA0 registers (TI header): DMA0CTL 0510h, DMA0SA 0512h, DMA0DA 0516h, DMA0SZ 051Ah.
constexpr uint16_t kDma0Ctl = 0x0510, kDma0Sa = 0x0512, kDma0Da = 0x0516, kDma0Sz = 0x051A;
constexpr uint16_t kDma2Ctl = 0x0530, kDma2Sa = 0x0532, kDma2Da = 0x0536, kDma2Sz = 0x053A;
constexpr uint16_t kDmaCtl0 = 0x0500, kDmaIv = 0x050E;
// DMAxCTL bits and fields.
constexpr uint16_t kDmaReq = 0x0001, kDmaIe = 0x0004, kDmaIfg = 0x0008, kDmaEn = 0x0010;
constexpr uint16_t kSrcByte = 0x0040, kDstByte = 0x0080;
constexpr uint16_t kSrcIncr3 = 0x0300, kDstIncr3 = 0x0C00;  // DMASRCINCR_3, DMADSTINCR_3
constexpr uint16_t kDt1 = 0x1000, kDt5 = 0x5000;            // DMADT_1 block, DMADT_5 repeated block
constexpr int kDmaVector = 42;

struct Rig {
  McuContext ctx;
  Bus bus{MemoryMap::msp430fr5994(), ctx};
  Dma dma{ctx, bus};
  Rig() { bus.attach(dma); }
  void poke16(uint16_t a, uint16_t v) {
    bus.poke_byte(a, uint8_t(v));
    bus.poke_byte(uint16_t(a + 1), uint8_t(v >> 8));
  }
};
}  // namespace

TEST_CASE("DMA block transfer FRAM to SRAM by DMAREQ: 8 words in 1 + 16 + 1 cycles", "[dma]") {
  Rig r;
  for (uint16_t i = 0; i < 8; ++i) r.poke16(uint16_t(0x4800 + 2 * i), uint16_t(0x1111 * (i + 1)));
  r.bus.write_word(kDma0Sa, 0x4800);
  r.bus.write_word(kDma0Da, 0x1C00);
  r.bus.write_word(kDma0Sz, 8);
  r.bus.write_word(kDma0Ctl, kDt1 | kSrcIncr3 | kDstIncr3 | kDmaEn | kDmaIe);
  REQUIRE(r.bus.peek_word(0x1C00) == 0);  // nothing moves before the trigger
  const uint64_t before = r.ctx.cycles;
  r.bus.write_word(kDma0Ctl, kDt1 | kSrcIncr3 | kDstIncr3 | kDmaEn | kDmaIe | kDmaReq);
  REQUIRE(r.ctx.cycles - before == 18);  // NWAITS = 0: no FRAM wait states
  REQUIRE(r.dma.last_transfer_cycles() == 18);
  for (uint16_t i = 0; i < 8; ++i) {
    REQUIRE(r.bus.peek_word(uint16_t(0x1C00 + 2 * i)) == uint16_t(0x1111 * (i + 1)));
  }
  const uint16_t ctl = r.bus.read_word(kDma0Ctl);
  REQUIRE((ctl & kDmaEn) == 0);  // block mode: DMAEN cleared at the end
  REQUIRE((ctl & kDmaIfg) != 0);
  REQUIRE((ctl & kDmaReq) == 0);
  REQUIRE(r.bus.read_word(kDma0Sz) == 8);  // reloaded
  REQUIRE(r.ctx.irq.is_pending(kDmaVector));
  REQUIRE(r.bus.read_word(kDmaIv) == 0x0002);  // DMAIV_DMA0IFG
  REQUIRE_FALSE(r.ctx.irq.is_pending(kDmaVector));
  REQUIRE(r.ctx.unmodelled_accesses == 0);
}

TEST_CASE("DMA single transfers: one byte per DMAREQ, 4 cycles each, IFG after DMAxSZ", "[dma]") {
  Rig r;
  r.bus.write_word(0x2000, 0xBBAA);
  r.bus.write_word(0x2002, 0xDDCC);
  r.bus.write_word(kDma2Sa, 0x2000);
  r.bus.write_word(kDma2Da, 0x2100);
  r.bus.write_word(kDma2Sz, 3);
  const uint16_t ctl = kSrcIncr3 | kDstIncr3 | kSrcByte | kDstByte | kDmaEn;  // DMADT_0
  r.bus.write_word(kDma2Ctl, ctl);
  for (int i = 0; i < 3; ++i) {
    const uint64_t before = r.ctx.cycles;
    r.bus.write_word(kDma2Ctl, ctl | kDmaReq);
    REQUIRE(r.ctx.cycles - before == 4);  // the guide's active-mode single-transfer time
    if (i < 2) REQUIRE((r.bus.read_word(kDma2Ctl) & kDmaIfg) == 0);
  }
  REQUIRE(r.bus.peek_byte(0x2100) == 0xAA);
  REQUIRE(r.bus.peek_byte(0x2101) == 0xBB);
  REQUIRE(r.bus.peek_byte(0x2102) == 0xCC);
  REQUIRE(r.bus.peek_byte(0x2103) == 0x00);
  REQUIRE((r.bus.read_word(kDma2Ctl) & (kDmaIfg | kDmaEn)) == kDmaIfg);
  REQUIRE_FALSE(r.ctx.irq.is_pending(kDmaVector));  // DMAIE not set
  REQUIRE(r.bus.read_word(kDmaIv) == 0);
  // Enabled again: no transfer while DMAxSZ counts; a fourth request after completion moves
  // nothing because DMAEN was cleared.
  const uint64_t before = r.ctx.cycles;
  r.bus.write_word(kDma2Ctl, (ctl & ~kDmaEn) | kDmaReq);
  REQUIRE(r.ctx.cycles == before);
}

TEST_CASE("DMA repeated block keeps DMAEN, byte to word clears the upper byte", "[dma]") {
  Rig r;
  r.bus.write_word(0x2000, 0x8180);
  r.bus.write_word(kDma0Sa, 0x2000);
  r.bus.write_word(kDma0Da, 0x2200);
  r.bus.write_word(kDma0Sz, 2);
  const uint16_t ctl = kDt5 | kSrcIncr3 | kDstIncr3 | kSrcByte | kDmaEn;
  r.bus.write_word(kDma0Ctl, ctl | kDmaReq);
  REQUIRE(r.bus.peek_word(0x2200) == 0x0080);
  REQUIRE(r.bus.peek_word(0x2202) == 0x0081);
  REQUIRE((r.bus.read_word(kDma0Ctl) & kDmaEn) != 0);
  // The repeat starts over from DMA0SA/DMA0DA.
  r.bus.write_word(0x2000, 0x0201);
  r.bus.write_word(kDma0Ctl, r.bus.read_word(kDma0Ctl) | kDmaReq);
  REQUIRE(r.bus.peek_word(0x2200) == 0x0001);
  REQUIRE(r.bus.peek_word(0x2202) == 0x0002);
}

TEST_CASE("DMA trigger sources other than DMAREQ are reported as unmodelled", "[dma]") {
  Rig r;
  r.bus.write_word(kDmaCtl0, 0x0000);
  REQUIRE(r.ctx.unmodelled_accesses == 0);
  r.bus.write_word(kDmaCtl0, 0x0100);  // DMA1TSEL = 1 (TA0CCR0 CCIFG)
  REQUIRE(r.ctx.unmodelled_accesses == 1);
  r.bus.read_word(0x050A);  // reserved offset in the DMA block
  REQUIRE(r.ctx.unmodelled_accesses == 2);
}

TEST_CASE("DMA block transfer from FRAM above 64 KB, 20-bit source written word by word", "[dma]") {
  // The end of FRAM2 (0x43FF8..0x43FFF) into SRAM; DMA0SA's bits 19-16 at 0514h.
  Rig r;
  for (uint16_t i = 0; i < 4; ++i) {
    r.bus.poke_byte(0x43FF8 + 2 * i, uint8_t(0x10 + i));
    r.bus.poke_byte(0x43FF9 + 2 * i, uint8_t(0xA0 + i));
  }
  r.bus.write_word(kDma0Sa, 0x3FF8);
  r.bus.write_word(kDma0Sa + 2, 0x0004);
  r.bus.write_word(kDma0Da, 0x1C00);
  r.bus.write_word(kDma0Sz, 4);
  r.bus.write_word(kDma0Ctl, kDt1 | kSrcIncr3 | kDstIncr3 | kDmaEn);
  r.bus.write_word(kDma0Ctl, kDt1 | kSrcIncr3 | kDstIncr3 | kDmaEn | kDmaReq);
  REQUIRE(r.dma.last_transfer_cycles() == 1 + 2 * 4 + 1);
  for (uint16_t i = 0; i < 4; ++i) {
    REQUIRE(r.bus.peek_word(uint16_t(0x1C00 + 2 * i)) == uint16_t(0xA010 + 0x101 * i));
  }
  REQUIRE(r.ctx.fault.kind == FaultKind::kNone);
}

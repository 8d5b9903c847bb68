// DMA controller @0x0500 (facts §2.1; SLAU367P chapter "Direct Memory Access (DMA) Controller
// Module"; offsets and bits from TI msp430fr5994.h): six channels, each DMAxCTL/SA/DA/SZ, and
// DMACTL0..4 with the trigger selects, DMAIV.
//
// Modelled: the software trigger DMAREQ (trigger select 0); single, block and burst-block
// transfers and their repeated forms (burst-block runs like block: the CPU is not interleaved);
// byte/word source and destination (a byte moved into a word clears the upper byte), address
// increment/decrement/unchanged, DMAxSZ counting down and reloading, DMAIFG/DMAIE with the DMA
// vector (42, facts §2.1), DMAIV (channel 0 highest). Transfers go through the bus as timed data
// accesses (FRAM wait states and cache apply, like the CPU's), and the CPU is halted meanwhile:
// their MCLK cycles are added to ctx.cycles inside the write that sets DMAREQ. Cycle cost
// (SLAU367P "DMA Transfer Cycle Time": one or two MCLK cycles of synchronisation before each
// single transfer or complete block, two MCLK cycles per byte/word transfer, one cycle of wait
// time after it; the guide's table gives 4 MCLK cycles as the active-mode maximum of a single
// transfer, so synchronisation is taken as 1 cycle): 1 + 2·n + 1 cycles for n transfers.
// Not modelled: every trigger source but DMAREQ (selecting one reports an UnmodelledAccess at
// the DMACTLx write, and such a channel never transfers), DMALEVEL, DMAABORT/ENNMI,
// ROUNDROBIN priority (channels run when triggered, so priority never arises), DMARMWDIS and the
// extra cycles in low-power modes. Source and destination are 20-bit: a transfer reaches FRAM
// above 64 KB (the FreeML engine copies weights from there, freeml/firmware/engine/fml_far.c).
#pragma once

#include <array>
#include <cstdint>

#include "mcu_model/mem/bus.h"
#include "mcu_model/periph/peripheral.h"

namespace ehsim::mcu {

class Dma : public Peripheral {
 public:
  static constexpr uint16_t kBase = 0x0500;
  static constexpr unsigned kChannels = 6;
  // Module registers (TI msp430fr5994.h OFS_DMACTL0..4, OFS_DMAIV).
  static constexpr uint16_t kCtl0 = 0x00, kCtl4 = 0x08, kIv = 0x0E;
  // Channel n's registers at 10h + 10h·n (OFS_DMA0CTL 10h, OFS_DMA0SA 12h (20-bit: 12h low,
  // 14h high), OFS_DMA0DA 16h (16h, 18h), OFS_DMA0SZ 1Ah).
  static constexpr uint16_t kChannel0 = 0x10, kChannelStride = 0x10;
  static constexpr uint16_t kChCtl = 0x0, kChSa = 0x2, kChSaHigh = 0x4, kChDa = 0x6,
                            kChDaHigh = 0x8, kChSz = 0xA;
  // DMAxCTL bits (TI msp430fr5994.h).
  static constexpr uint16_t kReq = 0x0001, kAbort = 0x0002, kIe = 0x0004, kIfg = 0x0008,
                            kEn = 0x0010, kLevel = 0x0020, kSrcByte = 0x0040, kDstByte = 0x0080,
                            kSrcIncrMask = 0x0300, kDstIncrMask = 0x0C00, kDtMask = 0x7000;
  static constexpr int kVector = 42;  // DMA_VECTOR (facts §2.1)

  Dma(McuContext& ctx, Bus& bus);
  ~Dma() override;

  uint16_t read_word(uint16_t offset) override;
  void write_word(uint16_t offset, uint16_t value) override;
  uint16_t peek_word(uint16_t offset) override;
  void reset_power_up() override;
  bool modelled(uint16_t offset) const override;

  // MCLK cycles of the last triggered transfer (for tests and current models).
  uint64_t last_transfer_cycles() const { return last_cycles_; }

 private:
  struct Channel {
    uint16_t ctl = 0;
    uint32_t sa = 0, da = 0;  // 20-bit registers
    uint16_t sz = 0;
    // Temporary registers loaded when DMAEN is set and after each completed block/size count
    // (SLAU367P "DMA Addressing Modes", "DMA Transfer Modes").
    uint32_t t_sa = 0, t_da = 0;
    uint16_t t_sz = 0;
  };
  void trigger(unsigned n);
  void move_one(Channel& ch);
  void latch(Channel& ch);
  unsigned trigger_select(unsigned n) const;
  void update_irq();
  uint16_t iv() const;
  uint16_t bus_read(uint32_t addr, bool byte);
  void bus_write(uint32_t addr, uint16_t value, bool byte);

  Bus& bus_;
  std::array<uint16_t, 5> ctl_{};  // DMACTL0..DMACTL4
  std::array<Channel, kChannels> ch_{};
  uint64_t last_cycles_ = 0;
};

}  // namespace ehsim::mcu

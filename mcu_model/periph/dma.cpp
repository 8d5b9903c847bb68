#include "mcu_model/periph/dma.h"

namespace ehsim::mcu {
namespace {
// DMADT (DMAxCTL bits 14:12): 0 single, 1 block, 2/3 burst-block, 4 repeated single,
// 5 repeated block, 6/7 repeated burst-block (SLAU367P "DMAxCTL").
bool single_mode(uint16_t ctl) {
  const unsigned dt = (ctl & Dma::kDtMask) >> 12;
  return dt == 0 || dt == 4;
}
bool repeated_mode(uint16_t ctl) {
  return ((ctl & Dma::kDtMask) >> 12) >= 4;
}
// DMASRCINCR/DMADSTINCR: 0 and 1 unchanged, 2 decrement, 3 increment (SLAU367P "DMAxCTL").
uint32_t step(uint32_t addr, unsigned incr, bool byte) {
  const uint32_t size = byte ? 1 : 2;
  if (incr == 3) return (addr + size) & 0xFFFFF;
  if (incr == 2) return (addr - size) & 0xFFFFF;
  return addr;
}
// 1 cycle of synchronisation, 2 per transfer, 1 of wait after it (header comment).
constexpr uint64_t kSyncCycles = 1, kCyclesPerTransfer = 2, kWaitCycles = 1;
}  // namespace

Dma::Dma(McuContext& ctx, Bus& bus) : Peripheral("DMA", kBase, 0x70, ctx), bus_(bus) {
  reset_power_up();
}

Dma::~Dma() = default;

void Dma::reset_power_up() {
  // DMACTL0..4 and DMAxCTL reset to 0 (SLAU367P DMA registers); DMAxSA/DA/SZ are undefined
  // after reset and modelled as 0.
  ctl_ = {};
  ch_ = {};
  update_irq();
}

bool Dma::modelled(uint16_t offset) const {
  if (offset < kChannel0) return offset <= kCtl4 || offset == kIv;
  const uint16_t reg = uint16_t((offset - kChannel0) % kChannelStride);
  return reg <= kChSz;
}

unsigned Dma::trigger_select(unsigned n) const {
  // DMACTL0: DMA0TSEL bits 4:0, DMA1TSEL bits 12:8; DMACTL1: channels 2, 3; DMACTL2: 4, 5.
  return (ctl_[n / 2] >> ((n % 2) * 8)) & 0x1F;
}

uint16_t Dma::iv() const {
  // DMAIV: 02h channel 0 (highest priority) … 0Ch channel 5 (TI msp430fr5994.h DMAIV_DMA0IFG…).
  for (unsigned n = 0; n < kChannels; ++n) {
    if ((ch_[n].ctl & kIfg) && (ch_[n].ctl & kIe)) return uint16_t(2 * (n + 1));
  }
  return 0;
}

void Dma::update_irq() {
  if (iv() != 0) {
    ctx().irq.raise(kVector);
  } else {
    ctx().irq.clear(kVector);
  }
}

uint16_t Dma::peek_word(uint16_t offset) {
  if (offset < kChannel0) {
    if (offset == kIv) return iv();
    return offset <= kCtl4 ? ctl_[offset / 2] : 0;
  }
  const unsigned n = (offset - kChannel0) / kChannelStride;
  if (n >= kChannels) return 0;
  const Channel& ch = ch_[n];
  switch ((offset - kChannel0) % kChannelStride) {
    case kChCtl:
      return ch.ctl;
    case kChSa:
      return uint16_t(ch.sa);
    case kChSaHigh:
      return uint16_t(ch.sa >> 16);
    case kChDa:
      return uint16_t(ch.da);
    case kChDaHigh:
      return uint16_t(ch.da >> 16);
    case kChSz:
      return ch.sz;
    default:
      return 0;
  }
}

uint16_t Dma::read_word(uint16_t offset) {
  const uint16_t value = peek_word(offset);
  if (offset == kIv && value != 0) {
    // Reading DMAIV clears the flag it reports (SLAU367P "DMAIV").
    ch_[value / 2 - 1].ctl &= ~kIfg;
    update_irq();
  }
  return value;
}

void Dma::latch(Channel& ch) {
  ch.t_sa = ch.sa;
  ch.t_da = ch.da;
  ch.t_sz = ch.sz;
}

void Dma::write_word(uint16_t offset, uint16_t value) {
  if (offset < kChannel0) {
    if (offset > kCtl4) return;  // DMAIV is read-only
    ctl_[offset / 2] = value;
    if (offset <= 0x04) {
      // Only trigger 0 (DMAREQ) is modelled: another selection can never start a transfer.
      const unsigned first = offset;  // DMACTLk holds channels 2k and 2k+1
      for (unsigned n = first; n < first + 2; ++n) {
        if (trigger_select(n) != 0) {
          report_unmodelled(offset, true, 2, value);
          break;
        }
      }
    }
    return;
  }
  const unsigned n = (offset - kChannel0) / kChannelStride;
  if (n >= kChannels) return;
  Channel& ch = ch_[n];
  switch ((offset - kChannel0) % kChannelStride) {
    case kChCtl: {
      const bool was_enabled = ch.ctl & kEn;
      ch.ctl = uint16_t(value & ~kReq);  // DMAREQ resets itself
      if (!was_enabled && (ch.ctl & kEn)) latch(ch);
      update_irq();
      if ((value & kReq) && (ch.ctl & kEn) && trigger_select(n) == 0) trigger(n);
      return;
    }
    case kChSa:
      ch.sa = (ch.sa & 0xF0000) | value;
      return;
    case kChSaHigh:
      ch.sa = (ch.sa & 0xFFFF) | (uint32_t(value & 0xF) << 16);
      return;
    case kChDa:
      ch.da = (ch.da & 0xF0000) | value;
      return;
    case kChDaHigh:
      ch.da = (ch.da & 0xFFFF) | (uint32_t(value & 0xF) << 16);
      return;
    case kChSz:
      ch.sz = value;
      return;
    default:
      return;
  }
}

uint16_t Dma::bus_read(uint32_t addr, bool byte) {
  // 20-bit addresses: FRAM above 64 KB is as reachable as the CPU's (a vacant address faults in
  // the bus, like a CPU access).
  return byte ? bus_.read_byte(addr) : bus_.read_word(addr);
}

void Dma::bus_write(uint32_t addr, uint16_t value, bool byte) {
  if (byte) {
    bus_.write_byte(addr, uint8_t(value));
  } else {
    bus_.write_word(addr, value);
  }
}

void Dma::move_one(Channel& ch) {
  const bool src_byte = ch.ctl & kSrcByte, dst_byte = ch.ctl & kDstByte;
  uint16_t value = bus_read(ch.t_sa, src_byte);
  // Byte to word clears the upper byte; word to byte moves the lower byte (SLAU367P "DMA
  // Transfer ... byte-to-word").
  if (src_byte) value &= 0x00FF;
  bus_write(ch.t_da, value, dst_byte);
  ch.t_sa = step(ch.t_sa, (ch.ctl & kSrcIncrMask) >> 8, src_byte);
  ch.t_da = step(ch.t_da, (ch.ctl & kDstIncrMask) >> 10, dst_byte);
  --ch.sz;
}

void Dma::trigger(unsigned n) {
  Channel& ch = ch_[n];
  last_cycles_ = 0;
  // DMAxSZ = 0: no transfer (SLAU367P "DMAxSZ").
  if (ch.sz == 0) return;
  const uint64_t count = single_mode(ch.ctl) ? 1 : ch.sz;
  const uint64_t start = ctx().cycles;
  ctx().cycles += kSyncCycles;
  for (uint64_t i = 0; i < count; ++i) {
    move_one(ch);
    ctx().cycles += kCyclesPerTransfer;
  }
  ctx().cycles += kWaitCycles;
  last_cycles_ = ctx().cycles - start;
  if (ch.sz == 0) {
    // The size count is done: DMAxSZ and the addresses reload, DMAIFG is set, and a
    // non-repeated mode clears DMAEN (SLAU367P "Single Transfer", "Block Transfer").
    ch.sz = ch.t_sz;
    ch.t_sa = ch.sa;
    ch.t_da = ch.da;
    ch.ctl |= kIfg;
    if (!repeated_mode(ch.ctl)) ch.ctl &= ~kEn;
    update_irq();
  }
}

}  // namespace ehsim::mcu

#include "mcu_model/periph/uart.h"

namespace ehsim::mcu {

EusciAUart::EusciAUart(McuContext& ctx, uint16_t base, int vector, const Cs& cs, OutputLog& log)
    : Peripheral("eUSCI_A", base, 0x20, ctx), vector_(vector), cs_(cs), log_(log) {
  reset_power_up();
}

void EusciAUart::reset_power_up() {
  regs_ = {};
  // Reset values (SLAU367P eUSCI_A UART registers): UCAxCTLW0 0001h (UCSWRST), UCAxCTLW1 0003h,
  // UCAxIFG 0002h (UCTXIFG: transmit buffer empty).
  regs_[kCtlw0 / 2] = kSwRst;
  regs_[kCtlw1 / 2] = 0x0003;
  regs_[kIfg / 2] = kTxIfg;
  shift_end_ = 0;
  buffered_ = false;
  update_irq();
}

uint64_t EusciAUart::char_cycles() const {
  const uint16_t ctlw0 = regs_[kCtlw0 / 2];
  const uint16_t brw = regs_[kBrw / 2];
  const uint16_t mctlw = regs_[kMctlw / 2];
  // UCSSEL (CTLW0 bits 7:6): 0 UCLK (external, not modelled), 1 ACLK, 2 and 3 SMCLK.
  const unsigned ssel = (ctlw0 >> 6) & 3;
  const uint32_t brclk_hz = ssel == 1 ? cs_.aclk_hz() : ssel >= 2 ? cs_.smclk_hz() : 0;
  if (brclk_hz == 0 || brw == 0) return 0;
  // Bit time in BRCLK periods: UCBRx, or 16 * UCBRx + UCBRFx with oversampling (UCOS16,
  // MCTLW bit 0; UCBRFx bits 7:4) — SLAU367P eUSCI "Baud-Rate Generation".
  const uint64_t bit_brclk = (mctlw & 1) ? 16ull * brw + ((mctlw >> 4) & 0xF) : brw;
  // Frame: start bit, 7 or 8 data bits (UC7BIT 0x1000), parity (UCPEN 0x8000), 1 or 2 stop bits
  // (UCSPB 0x0800).
  const uint64_t bits =
      1 + ((ctlw0 & 0x1000) ? 7 : 8) + ((ctlw0 & 0x8000) ? 1 : 0) + ((ctlw0 & 0x0800) ? 2 : 1);
  const uint64_t mclk_hz = ctx().mclk_hz;
  return (bits * bit_brclk * mclk_hz + brclk_hz - 1) / brclk_hz;
}

void EusciAUart::advance_to(uint64_t now) {
  if (buffered_ && now >= shift_end_) {
    // The waiting character moves into the shift register; TXBUF is free again.
    buffered_ = false;
    shift_end_ += char_cycles();
    regs_[kIfg / 2] |= kTxIfg;
    update_irq();
  }
}

void EusciAUart::update_irq() {
  if (regs_[kIfg / 2] & regs_[kIe / 2] & 0x0F) {
    ctx().irq.raise(vector_);
  } else {
    ctx().irq.clear(vector_);
  }
}

uint16_t EusciAUart::peek_word(uint16_t offset) {
  if (offset == kStatw) {
    const bool busy = buffered_ || ctx().cycles < shift_end_;
    return uint16_t((regs_[kStatw / 2] & ~kUcBusy) | (busy ? kUcBusy : 0));
  }
  if (offset == kIv) {
    // UCAxIV: 02h RXIFG, 04h TXIFG, 06h STTIFG, 08h TXCPTIFG, highest priority first.
    const uint16_t pending = regs_[kIfg / 2] & regs_[kIe / 2] & 0x0F;
    return pending ? uint16_t(2 * (__builtin_ctz(pending) + 1)) : 0;
  }
  return regs_[(offset / 2) % regs_.size()];
}

uint16_t EusciAUart::read_word(uint16_t offset) {
  const uint16_t value = peek_word(offset);
  if (offset == kIv && value) {
    regs_[kIfg / 2] &= ~uint16_t(1u << (value / 2 - 1));
    update_irq();
  } else if (offset == kRxBuf) {
    regs_[kIfg / 2] &= ~kRxIfg;
    update_irq();
  }
  return value;
}

void EusciAUart::write_word(uint16_t offset, uint16_t value) {
  switch (offset) {
    case kIv:
    case kRxBuf:
      return;
    case kTxBuf: {
      regs_[kTxBuf / 2] = value & 0xFF;
      if (regs_[kCtlw0 / 2] & kSwRst) return;  // held in reset: nothing is transmitted
      const uint64_t now = ctx().cycles;
      advance_to(now);
      if (buffered_) return;  // TXBUF overwritten before it was taken: that character is lost
      log_.uart_text.push_back(char(value & 0xFF));
      if (now >= shift_end_) {
        shift_end_ = now + char_cycles();  // straight into the idle shift register
      } else {
        buffered_ = true;  // waits for the shift register
        regs_[kIfg / 2] &= ~kTxIfg;
        ctx().request_sync();
      }
      update_irq();
      return;
    }
    case kCtlw0:
      regs_[kCtlw0 / 2] = value;
      // Setting UCSWRST resets the flags to their reset state (UCTXIFG set) and stops sending.
      if (value & kSwRst) {
        regs_[kIfg / 2] = kTxIfg;
        buffered_ = false;
        shift_end_ = 0;
      }
      update_irq();
      return;
    default:
      regs_[(offset / 2) % regs_.size()] = value;
      update_irq();
  }
}

}  // namespace ehsim::mcu

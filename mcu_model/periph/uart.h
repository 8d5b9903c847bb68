// eUSCI_A0 in UART mode @0x05C0 (SLAU367P chapter "eUSCI – UART Mode"; offsets from TI
// msp430fr5994.h). Characters written to UCA0TXBUF while UCSWRST = 0 go to the output log (at
// the write). Transmit timing follows the baud-rate registers: a character occupies the shift
// register for its frame length (start + 7/8 data + parity + 1/2 stop bits) at the bit time
// UCBRx (or 16*UCBRx + UCBRFx with UCOS16) BRCLK periods; UCTXIFG is clear while TXBUF waits for
// the shift register and UCBUSY is set while a character is being sent. The UCBRSx fractional
// modulation is ignored (it changes a bit time by less than one BRCLK period). UCTXCPTIFG
// and reception are not modelled.
#pragma once

#include <array>
#include <cstdint>

#include "mcu_model/periph/cs.h"
#include "mcu_model/periph/output_log.h"
#include "mcu_model/periph/peripheral.h"

namespace ehsim::mcu {

class EusciAUart : public Peripheral {
 public:
  static constexpr uint16_t kBaseA0 = 0x05C0;
  static constexpr int kVectorA0 = 48;  // EUSCI_A0_VECTOR (facts §2.1)
  static constexpr uint16_t kCtlw0 = 0x00, kCtlw1 = 0x02, kBrw = 0x06, kMctlw = 0x08, kStatw = 0x0A,
                            kRxBuf = 0x0C, kTxBuf = 0x0E, kIe = 0x1A, kIfg = 0x1C, kIv = 0x1E;
  static constexpr uint16_t kUcBusy = 0x0001;  // UCAxSTATW.UCBUSY
  static constexpr uint16_t kSwRst = 0x0001;
  static constexpr uint16_t kRxIfg = 0x01, kTxIfg = 0x02, kSttIfg = 0x04, kTxCptIfg = 0x08;

  EusciAUart(McuContext& ctx, uint16_t base, int vector, const Cs& cs, OutputLog& log);

  uint16_t read_word(uint16_t offset) override;
  void write_word(uint16_t offset, uint16_t value) override;
  uint16_t peek_word(uint16_t offset) override;
  void reset_power_up() override;
  uint64_t next_event_cycle() const override { return buffered_ ? shift_end_ : kNeverCycle; }
  void advance_to(uint64_t now) override;

  // MCLK cycles one character occupies the line with the present settings (0 if unclocked).
  uint64_t char_cycles() const;

 private:
  void update_irq();
  int vector_;
  const Cs& cs_;
  OutputLog& log_;
  uint64_t shift_end_ = 0;  // cycle at which the character in the shift register is sent
  bool buffered_ = false;   // a character waits in TXBUF for the shift register
  std::array<uint16_t, 16> regs_{};
};

}  // namespace ehsim::mcu

/* Supply voltage for the energy exit policy: one ADC12_B conversion of channel A31, which
 * ADC12BATMAP connects to AVCC/2 (facts §3.3 "ADC12_B"), against the internal reference.
 *
 * The reference is REF_A at its reset level, 1.2 V (REFVSEL_0), requested by the ADC itself
 * (VRSEL = 1), so the firmware never writes REFCTL0: ehsim does not model REF_A as a register
 * block. The measurable range is therefore AVCC <= 2.4 V; above that the reading saturates at
 * 2400 mV, which is enough to compare against exit thresholds in the MCU's 1.8-2.4 V low range.
 * Register offsets and bits: TI msp430fr5994.h (as in mcu_model/periph/adc12_b.h).
 */
#include "freeml/engine.h"
#include "msp430fr5994_regs.h"

#define ADC12CTL0 MSP_REG16(0x0800u)
#define ADC12CTL1 MSP_REG16(0x0802u)
#define ADC12CTL2 MSP_REG16(0x0804u)
#define ADC12CTL3 MSP_REG16(0x0806u)
#define ADC12MCTL0 MSP_REG16(0x0820u)
#define ADC12MEM0 MSP_REG16(0x0860u)

#define ADC12SC 0x0001u
#define ADC12ENC 0x0002u
#define ADC12ON 0x0010u
#define ADC12SHT0_2 0x0200u /* 16 ADC clocks sample-and-hold */
#define ADC12BUSY 0x0001u
#define ADC12SHP 0x0200u
#define ADC12RES_2 0x0020u /* 12 bit */
#define ADC12BATMAP 0x0040u
#define ADC12INCH_31 0x001Fu
#define ADC12VRSEL_1 0x0100u /* VR+ = buffered internal reference, VR- = AVSS */

#define FML_VREF_MV 1200u

uint16_t fml_supply_below_mv(uint16_t mv) {
  ADC12CTL0 = 0; /* ENC off so the configuration may change */
  ADC12CTL0 = ADC12SHT0_2 | ADC12ON;
  ADC12CTL1 = ADC12SHP;
  ADC12CTL2 = ADC12RES_2;
  ADC12CTL3 = ADC12BATMAP;
  ADC12MCTL0 = ADC12INCH_31 | ADC12VRSEL_1;
  ADC12CTL0 = ADC12SHT0_2 | ADC12ON | ADC12ENC | ADC12SC;
  while (ADC12CTL1 & ADC12BUSY) {
  }
  const uint16_t code = ADC12MEM0 & 0x0FFFu;
  ADC12CTL0 = 0; /* converter off between measurements */
  /* AVCC in mV is round(2 * code / 4095 * VREF) = floor((code * 2 VREF + 2047) / 4095), and
   * floor(q / 4095) < mv exactly when q < mv * 4095: two products on the multiplier instead of a
   * 32-bit division (some 700 cycles). */
  return (uint32_t)code * (2u * FML_VREF_MV) + 2047u < (uint32_t)mv * 4095u;
}

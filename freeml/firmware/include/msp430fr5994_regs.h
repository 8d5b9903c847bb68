/* MSP430FR5994 register addresses and bits used by the project's firmware.
 * Values from TI's msp430fr5994.h (copy in UoS-EEC/fused mcu/msp430fr5xx/device_includes); see
 * facts §1.9 (SR), §2.1 (module bases), §2.3 (FRCTL), §3.1
 * (MPY32), §3.3 (PMM), §3.4 (WDT), §3.5 (CS). eUSCI_A register offsets: TI header OFS_UCAx*.
 */
#ifndef MSP430FR5994_REGS_H
#define MSP430FR5994_REGS_H

#include <stdint.h>

#define MSP_REG16(addr) (*(volatile uint16_t*)(addr))
#define MSP_REG8(addr) (*(volatile uint8_t*)(addr))

/* Status register bits (R2) */
#define SR_C 0x0001u
#define SR_Z 0x0002u
#define SR_N 0x0004u
#define SR_GIE 0x0008u
#define SR_CPUOFF 0x0010u
#define SR_OSCOFF 0x0020u
#define SR_SCG0 0x0040u
#define SR_SCG1 0x0080u
#define SR_V 0x0100u
#define SR_LPM0 (SR_CPUOFF)
#define SR_LPM3 (SR_SCG1 | SR_SCG0 | SR_CPUOFF)
#define SR_LPM4 (SR_SCG1 | SR_SCG0 | SR_OSCOFF | SR_CPUOFF)

/* PMM @0x0120 */
#define PMMCTL0 MSP_REG16(0x0120u)
#define PMMPW 0xA500u
#define PMMIFG MSP_REG16(0x012Au)
#define PM5CTL0 MSP_REG16(0x0130u)
#define LOCKLPM5 0x0001u

/* FRCTL_A @0x0140 */
#define FRCTL0 MSP_REG16(0x0140u)
#define FRCTLPW 0xA500u
#define NWAITS_0 0x0000u
#define NWAITS_1 0x0010u

/* WDT_A @0x015C */
#define WDTCTL MSP_REG16(0x015Cu)
#define WDTPW 0x5A00u
#define WDTHOLD 0x0080u
#define WDTCNTCL 0x0008u

/* CS @0x0160 */
#define CSCTL0 MSP_REG16(0x0160u)
#define CSCTL0_H MSP_REG8(0x0161u)
#define CSCTL1 MSP_REG16(0x0162u)
#define CSCTL2 MSP_REG16(0x0164u)
#define CSCTL3 MSP_REG16(0x0166u)
#define CSKEY 0xA500u
#define CSKEY_H 0xA5u
#define DCORSEL 0x0040u
#define DCOFSEL_0 0x0000u
#define DCOFSEL_4 0x0008u
#define DCOFSEL_6 0x000Cu
#define SELM__DCOCLK 0x0003u
#define SELS__DCOCLK 0x0030u
#define DIVM__1 0x0000u
#define DIVS__1 0x0000u

/* SYS @0x0180 */
#define SYSRSTIV MSP_REG16(0x019Eu)

/* Ports: P1 @0x0200 (even bytes), P2 = odd bytes of the same words; PJ @0x0320 */
#define P1IN MSP_REG8(0x0200u)
#define P1OUT MSP_REG8(0x0202u)
#define P1DIR MSP_REG8(0x0204u)
#define P2IN MSP_REG8(0x0201u)
#define P2OUT MSP_REG8(0x0203u)
#define P2DIR MSP_REG8(0x0205u)
#define PJOUT MSP_REG16(0x0322u)
#define PJDIR MSP_REG16(0x0324u)

/* MPY32 @0x04C0 */
#define MPY MSP_REG16(0x04C0u)
#define MPYS MSP_REG16(0x04C2u)
#define MAC MSP_REG16(0x04C4u)
#define MACS MSP_REG16(0x04C6u)
#define OP2 MSP_REG16(0x04C8u)
#define RESLO MSP_REG16(0x04CAu)
#define RESHI MSP_REG16(0x04CCu)
#define SUMEXT MSP_REG16(0x04CEu)
#define MPY32L MSP_REG16(0x04D0u)
#define MPY32H MSP_REG16(0x04D2u)
#define MPYS32L MSP_REG16(0x04D4u)
#define MPYS32H MSP_REG16(0x04D6u)
#define MAC32L MSP_REG16(0x04D8u)
#define MAC32H MSP_REG16(0x04DAu)
#define MACS32L MSP_REG16(0x04DCu)
#define MACS32H MSP_REG16(0x04DEu)
#define OP2L MSP_REG16(0x04E0u)
#define OP2H MSP_REG16(0x04E2u)
#define RES0 MSP_REG16(0x04E4u)
#define RES1 MSP_REG16(0x04E6u)
#define RES2 MSP_REG16(0x04E8u)
#define RES3 MSP_REG16(0x04EAu)
#define MPY32CTL0 MSP_REG16(0x04ECu)

/* eUSCI_A0 @0x05C0 (UART mode) */
#define UCA0CTLW0 MSP_REG16(0x05C0u)
#define UCA0BRW MSP_REG16(0x05C6u)
#define UCA0MCTLW MSP_REG16(0x05C8u)
#define UCA0STATW MSP_REG16(0x05CAu)
#define UCA0RXBUF MSP_REG16(0x05CCu)
#define UCA0TXBUF MSP_REG16(0x05CEu)
#define UCA0IE MSP_REG16(0x05DAu)
#define UCA0IFG MSP_REG16(0x05DCu)
#define UCA0IV MSP_REG16(0x05DEu)
#define UCSWRST 0x0001u
#define UCSSEL__SMCLK 0x0080u
#define UCRXIFG 0x0001u
#define UCTXIFG 0x0002u
#define UCBUSY 0x0001u

/* CS source selects (CSCTL2) */
#define SELA__VLOCLK 0x0100u

/* REF_A @0x01B0 */
#define REFCTL0 MSP_REG16(0x01B0u)
#define REFON 0x0001u
#define REFVSEL_0 0x0000u /* 1.2 V */
#define REFVSEL_1 0x0010u /* 2.0 V */
#define REFVSEL_2 0x0020u /* 2.5 V */
#define REFGENRDY 0x1000u

/* Timer_A0 @0x0340 (vectors: TIMER0_A0 45, TIMER0_A1 44) */
#define TA0CTL MSP_REG16(0x0340u)
#define TA0CCTL0 MSP_REG16(0x0342u)
#define TA0R MSP_REG16(0x0350u)
#define TA0CCR0 MSP_REG16(0x0352u)
#define TASSEL__ACLK 0x0100u
#define TASSEL__SMCLK 0x0200u
#define MC__STOP 0x0000u
#define MC__UP 0x0010u
#define MC__CONTINUOUS 0x0020u
#define TACLR 0x0004u
#define CCIE 0x0010u
#define CCIFG 0x0001u
#define TIMER0_A0_VECTOR 45

/* ADC12_B @0x0800 (vector 46) */
#define ADC12CTL0 MSP_REG16(0x0800u)
#define ADC12CTL1 MSP_REG16(0x0802u)
#define ADC12CTL2 MSP_REG16(0x0804u)
#define ADC12CTL3 MSP_REG16(0x0806u)
#define ADC12IFGR0 MSP_REG16(0x080Cu)
#define ADC12MCTL0 MSP_REG16(0x0820u)
#define ADC12MEM0 MSP_REG16(0x0860u)
#define ADC12SC 0x0001u
#define ADC12ENC 0x0002u
#define ADC12ON 0x0010u
#define ADC12SHT0_2 0x0200u
#define ADC12SHP 0x0200u
#define ADC12BUSY 0x0001u
#define ADC12RES_2 0x0020u /* 12 bit */
#define ADC12BATMAP 0x0040u
#define ADC12INCH_31 0x001Fu
#define ADC12VRSEL_1 0x0100u /* VR+ = buffered internal reference */
#define ADC12IFG0 0x0001u

/* Comparator_E @0x08C0 (vector 52) */
#define CECTL0 MSP_REG16(0x08C0u)
#define CECTL1 MSP_REG16(0x08C2u)
#define CECTL2 MSP_REG16(0x08C4u)
#define CECTL3 MSP_REG16(0x08C6u)
#define CEINT MSP_REG16(0x08CCu)
#define CEIV MSP_REG16(0x08CEu)
#define CEOUT 0x0001u
#define CEIES 0x0008u
#define CEON 0x0400u
#define CERS_1 0x0040u   /* VCC applied to the resistor ladder */
#define CEREFL_1 0x2000u /* 1.2 V reference */
#define CEIFG 0x0001u
#define CEIE 0x0100u
#define COMP_E_VECTOR 52

#endif

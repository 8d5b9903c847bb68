; MSP430X host-cost benchmark (bench/RESULTS.md "## CPU: MSP430X"): an endless loop in the style
; of msp430-elf-gcc -mlarge code, where nearly every instruction is an MSP430X one: CALLA/RETA
; into FRAM above 64 KB, PUSHM.A/POPM.A, MOVA/ADDA/CMPA, extension-word instructions with 20-bit
; operands and a repeated shift. Assembled by GNU msp430-elf-as (bench/msp430x/build.sh).
        .text
        .global start
start:
        mov.w   #0x5A80, &0x015C        ; WDTCTL = WDTPW | WDTHOLD
        mova    #0x3C00, sp
outer:
        mova    #table, r12             ; 20-bit pointer into FRAM2
        movx.w  #16, r13
        movx.a  #0, r14
inner:
        calla   #accumulate
        adda    #4, r12
        subx.w  #1, r13
        jnz     inner
        movx.a  r14, &0x1C00
        cmpa    #0, r14
        jmp     outer

        .section .upper.text, "ax"
accumulate:
        pushm.a #2, r10
        movx.a  @r12, r10
        mova    r10, r11
        rpt     #2 { rlax.a r11
        addx.a  r10, r14
        xorx.a  r11, r14
        bitx.a  #1, r14
        popm.a  #2, r10
        reta

        .section .upper.data, "a"
table:
        .long   0x12345, 0x23456, 0x34567, 0x45678, 0x56789, 0x6789A, 0x789AB, 0x89ABC
        .long   0x9ABCD, 0xABCDE, 0xBCDEF, 0xCDEF0, 0xDEF01, 0xEF012, 0xF0123, 0x01234

        .section .resetvec, "a"
        .word   start

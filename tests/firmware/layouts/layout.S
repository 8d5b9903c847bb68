; Firmware in the layouts other toolchains produce (issue 13), linked by layout_sections.ld and
; layout_upper.ld: information memory (.infoA), a non-allocated TI-style section (.TI.attributes,
; which the loader must ignore), and .upper.data for FRAM above 64 KB (layout_upper.ld only).
; Registers: WDTCTL 0x015C (TI msp430fr5994.h); host_io 0x0F00 (ehsim/host_io.h: MARK 0x04,
; EXIT 0x06, MARK_ARG 0x08).
        .section .text,"ax",@progbits
        .globl  _reset
_reset:
        mov     #0x5a80, &0x015c        ; WDTCTL = WDTPW | WDTHOLD
        mov     &info_word, r4          ; information memory FRAM, loaded from .infoA
        mov     r4, &0x0f08             ; marker argument
        mov     #1, &0x0f04             ; marker 1
        .globl  before_exit
before_exit:
        mov     #0, &0x0f06             ; exit 0
        .globl  done
done:
        jmp     done

        .section .infoA,"a",@progbits
        .globl  info_word
        .type   info_word,@object
        .size   info_word, 4
info_word:
        .short  0x1234, 0x5678

        .section .upper.data,"aw",@progbits
        .globl  upper_table
        .type   upper_table,@object
        .size   upper_table, 6
upper_table:
        .byte   0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6

        .section .TI.attributes,"",@progbits
        .byte   0x41, 0x10, 0x00, 0x00

        .section __interrupt_vector_55,"a",@progbits
        .short  _reset

; --profile's hand-counted fixture (tests/integration/test_profile.cpp), assembled with
; -g so that its DWARF line table maps every instruction to its line here. Cycle counts:
; the CPUXV2 tables of SLAU367 (Format I: Table 4-10 rows/columns, Format II: Table 4-9), at the
; exec default of 1 MHz, where FRAM needs no wait states:
;   mov #N,&EDE 4 (5, less one for MOV)   mov #0,&EDE 3 (#0 is R3: Rn row, 4 less one)
;   mov #N,Rm 2   add Rn,Rm 1   dec Rn 1 (#1 is R3)   jnz 2   call #N 4   ret (mov @SP+,PC) 4
; Per function (instructions / cycles / calls):
;   _reset  4 / 13 / 0      main  12 / 31 / 1      leaf  12 / 24 / 4      middle  3 / 12 / 1
;   total  31 / 80; marker 0x11 once (in middle). The tests find the lines below by their
;   "@entry" tags.
        .section .text,"ax",@progbits
        .globl  _reset
        .type   _reset,@function
_reset:
        mov     #0x5a80, &0x015c        ; @entry _reset: WDTCTL = WDTPW | WDTHOLD (4)
        mov     #0x2400, r1             ; stack at the top of SRAM (2)
        call    #main                   ; (4)
        mov     #0, &0x0f06             ; host_io exit 0 (3)
.Lhang:
        jmp     .Lhang
        .size   _reset, .-_reset

        .globl  main
        .type   main,@function
main:
        mov     #3, r12                 ; @entry main (2)
.Lloop:
        call    #leaf                   ; three calls (4 each)
        dec     r12                     ; (1)
        jnz     .Lloop                  ; (2)
        call    #middle                 ; (4)
        ret                             ; (4)
        .size   main, .-main

        .globl  leaf
        .type   leaf,@function
leaf:
        add     r12, r13                ; @entry leaf (1)
        add     r12, r13                ; (1)
        ret                             ; (4)
        .size   leaf, .-leaf

        .globl  middle
        .type   middle,@function
middle:
        call    #leaf                   ; @entry middle (4)
        mov     #0x11, &0x0f04          ; host_io marker 0x11 (4)
        ret                             ; (4)
        .size   middle, .-middle

        .section __interrupt_vector_55,"a",@progbits
        .short  _reset

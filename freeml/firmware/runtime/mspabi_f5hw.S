; Multiply helpers using the MPY32 hardware multiplier; clang calls them when built with
; -mhwmult=f5series (facts §5.2). Register addresses: TI msp430fr5994.h, MPY32 at 0x04C0 (facts §3.1).
; Interrupts are held off while the multiplier is in use (SR saved, DINT, NOP as TI requires after
; DINT) because clang-generated ISRs do not save MPY32 state.
; Only the low half of each product is needed, which is the same for signed and unsigned operands,
; so the unsigned modes (MPY, MPY32L/H) serve both.

MPY    = 0x04C0
OP2    = 0x04C8
RESLO  = 0x04CA
MPY32L = 0x04D0
MPY32H = 0x04D2
OP2L   = 0x04E0
OP2H   = 0x04E2
RES0   = 0x04E4
RES1   = 0x04E6
RES2   = 0x04E8
RES3   = 0x04EA

; int16 __mspabi_mpyi_f5hw(int16 a /*R12*/, int16 b /*R13*/) -> R12
  .section .text.__mspabi_mpyi_f5hw,"ax",@progbits
  .global __mspabi_mpyi_f5hw
  .type __mspabi_mpyi_f5hw,@function
  .p2align 1
__mspabi_mpyi_f5hw:
  push r2
  dint
  nop
  mov r12, &MPY
  mov r13, &OP2
  mov &RESLO, r12
  pop r2
  ret
  .size __mspabi_mpyi_f5hw, .-__mspabi_mpyi_f5hw

; int32 __mspabi_mpyl_f5hw(int32 a /*R12:R13*/, int32 b /*R14:R15*/) -> R12:R13
  .section .text.__mspabi_mpyl_f5hw,"ax",@progbits
  .global __mspabi_mpyl_f5hw
  .type __mspabi_mpyl_f5hw,@function
  .p2align 1
__mspabi_mpyl_f5hw:
  push r2
  dint
  nop
  mov r12, &MPY32L
  mov r13, &MPY32H
  mov r14, &OP2L
  mov r15, &OP2H
  mov &RES0, r12
  mov &RES1, r13
  pop r2
  ret
  .size __mspabi_mpyl_f5hw, .-__mspabi_mpyl_f5hw

; int64 __mspabi_mpyll_f5hw(int64 a, int64 b) -> R12..R15.
; Unlike the software __mspabi_mpyll (R8-R11/R12-R15 helper convention, see mspabi_ll.S), clang 14
; calls the _f5hw variant with the ordinary C convention: a in R12 (low word)..R15, b on the stack
; at 2(SP)..8(SP) on entry (read off `llvm-objdump -d` of a caller: it stores b to 0..6(SP) right
; before `call #__mspabi_mpyll_f5hw`). R11-R15 are the caller's to lose; R10 is saved.
; With a = aH:aL and b = bH:bL (32-bit halves):
;   a*b mod 2^64 = aL*bL + ((aL*bH + aH*bL) mod 2^32) << 32.
; Every RESn read happens later than the MPY32 result-availability latency after the OP2L/OP2H
; writes (SLAU367P Table 5-1: RES3 of a 32x32 product 11 cycles after OP2L): each memory-to-memory
; operand write alone takes 6 cycles.
  .section .text.__mspabi_mpyll_f5hw,"ax",@progbits
  .global __mspabi_mpyll_f5hw
  .type __mspabi_mpyll_f5hw,@function
  .p2align 1
__mspabi_mpyll_f5hw:
  push r10
  push r2
  dint
  nop
  ; b is now at 6(SP) (bL low) .. 12(SP) (bH high)
  ; R10:R11 = low 32 bits of aL*bH
  mov r12, &MPY32L
  mov r13, &MPY32H
  mov 10(r1), &OP2L
  mov 12(r1), &OP2H
  mov &RES0, r10
  mov &RES1, r11
  ; R10:R11 += low 32 bits of aH*bL
  mov r14, &MPY32L
  mov r15, &MPY32H
  mov 6(r1), &OP2L
  mov 8(r1), &OP2H
  add &RES0, r10
  addc &RES1, r11
  ; full 64-bit aL*bL; its high half plus the cross terms is the result's high half
  mov r12, &MPY32L
  mov r13, &MPY32H
  mov 6(r1), &OP2L
  mov 8(r1), &OP2H
  mov &RES0, r12
  mov &RES1, r13
  mov &RES2, r14
  mov &RES3, r15
  add r10, r14
  addc r11, r15
  pop r2
  pop r10
  ret
  .size __mspabi_mpyll_f5hw, .-__mspabi_mpyll_f5hw

; 64-bit multiply/divide entry points. clang calls these with the MSPABI helper convention:
; op1 in R8 (low word)..R11, op2 in R12..R15, result in R12..R15 (facts §5.1; checked with
; llvm-objdump on a caller: op1 is loaded into R8-R11 right before `call #__mspabi_divull`).
; clang treats R4-R10 as preserved across the call, so R8-R10 are saved here.
; Each wrapper stores {op1, op2} on the stack and hands a pointer to the C worker, which leaves
; {result, remainder} in place (mspabi_mul.c / mspabi_div.c).

.macro LL_ENTRY name, worker, result_offset
  .section .text.\name,"ax",@progbits
  .global \name
  .type \name,@function
  .p2align 1
\name:
  push r10
  push r9
  push r8
  push r15
  push r14
  push r13
  push r12
  push r11
  push r10
  push r9
  push r8
  mov r1, r12
  call #\worker
  .if \result_offset
  add #\result_offset, r1
  .endif
  pop r12
  pop r13
  pop r14
  pop r15
  .if \result_offset == 0
  add #8, r1
  .endif
  pop r8
  pop r9
  pop r10
  ret
  .size \name, .-\name
.endm

LL_ENTRY __mspabi_mpyll, __rt_mpy64, 0
LL_ENTRY __mspabi_divull, __rt_udivmod64, 0
LL_ENTRY __mspabi_remull, __rt_udivmod64, 8
LL_ENTRY __mspabi_divlli, __rt_sdivmod64, 0
LL_ENTRY __mspabi_remlli, __rt_sdivmod64, 8

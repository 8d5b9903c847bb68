/* `done`: an empty function that test and benchmark firmware calls when its result is ready, so
 * both simulators can stop there (`ehsim exec --until done`, mspdebug `setbreak done`). It is
 * written in assembler with an explicit .type @function because mspdebug's setbreak only resolves
 * function-typed symbols. Include this header in exactly one translation unit of a program.
 */
#ifndef EHSIM_DONE_H
#define EHSIM_DONE_H

void done(void);
__asm__(
    ".section .text.done,\"ax\",@progbits\n"
    ".global done\n"
    ".type done,@function\n"
    ".p2align 1\n"
    "done:\n"
    "  ret\n"
    ".size done, .-done\n"
    ".text\n");

#endif

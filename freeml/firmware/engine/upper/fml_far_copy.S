/* void fml_far_copy(int16_t* dst, uint16_t src_lo, uint16_t src_hi, uint16_t words)
 *
 * A DMA block copy (channel 0, DMAREQ trigger) of `words` words from the 20-bit address
 * src_hi:src_lo to dst, for the upper engine (fml_far.c). The DMA's address registers are 20 bits
 * wide (SLAU367P "DMAxSA"), and MOVA writes all 20 bits in one MSP430X instruction. clang's
 * assembler knows only the MSP430 instructions, so the routine is the words that GNU as
 * (msp430-elf-as -mcpu=msp430x) makes of the instructions in the comments:
 * tests/freeml/test_upper.cpp assembles those instructions with GNU as and compares its words
 * with these and with the linked engine's.
 *
 * MSPABI: dst in R12, src_lo in R13, src_hi in R14, words in R15; R12-R15 are the caller's to
 * save. The CPU is halted while the block moves: 1 + 2 * words + 1 MCLK cycles (SLAU367P "DMA
 * Transfer Cycle Time"), plus the instructions' own.
 */
	.section .text.fml_far_copy,"ax",@progbits
	.global	fml_far_copy
	.type	fml_far_copy,@function
	.p2align 1
fml_far_copy:
	.word	0x120e			/* push.w r14            ; bits 19-16 of the source       */
	.word	0x120d			/* push.w r13            ; bits 15-0                      */
	.word	0x1800, 0x417d		/* popx.a r13            ; r13 = the 20-bit source        */
	.word	0x0d60, 0x0512		/* mova   r13, &0x00512  ; DMA0SA                         */
	.word	0x0c60, 0x0516		/* mova   r12, &0x00516  ; DMA0DA                         */
	.word	0x4f82, 0x051a		/* mov.w  r15, &0x051a   ; DMA0SZ                         */
	.word	0x40b2, 0x1f10, 0x0510	/* mov.w  #0x1f10, &0x0510 ; DMA0CTL: block, both incr, DMAEN */
	.word	0xd392, 0x0510		/* bis.w  #1, &0x0510    ; DMAREQ: the copy runs here     */
	.word	0x4130			/* ret                                                    */
	.size	fml_far_copy, .-fml_far_copy

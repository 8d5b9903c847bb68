/* The upper engine's model storage (FORMAT.md "Storage"): `freeml_model`, all of FRAM above
 * 64 KB (0x10000-0x43FFF, 208 KB; facts §2.1), where the simulator or a programmer writes the
 * blob (`ehsim exec --load model.fmlb@freeml_model`). In a NOLOAD section of the linker script,
 * so the image carries no bytes there. C sees only its 20-bit address, `freeml_model_addr`: a
 * 16-bit pointer cannot hold it (and clang's size_t cannot express the array's size).
 */
	.section .upper.freeml_model,"aw",@nobits
	.global	freeml_model
	.type	freeml_model,@object
	.p2align 1
freeml_model:
	.skip	0x34000
	.size	freeml_model, 0x34000

	.section .rodata.freeml_model_addr,"a",@progbits
	.global	freeml_model_addr
	.type	freeml_model_addr,@object
	.p2align 1
freeml_model_addr:
	.long	freeml_model
	.size	freeml_model_addr, 4

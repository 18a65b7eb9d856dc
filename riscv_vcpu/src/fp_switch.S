/*
 * Guest floating-point registers. The hypervisor is built for rv64imac and never uses FP, so
 * these are encoded by hand (clang 14 rejects fld/fsd without the D extension). The caller
 * makes sstatus.FS non-Off around the call.
 *
 *   void riscv_fp_save(uint64_t regs[33]);     f0..f31, then fcsr
 *   void riscv_fp_restore(const uint64_t regs[33]);
 */
	/* fsd fN, N*8(a0) */
	.macro FSD n
	.word (((\n * 8) >> 5) << 25) | (\n << 20) | (10 << 15) | (3 << 12) | (((\n * 8) & 0x1f) << 7) | 0x27
	.endm
	/* fld fN, N*8(a0) */
	.macro FLD n
	.word ((\n * 8) << 20) | (10 << 15) | (3 << 12) | (\n << 7) | 0x07
	.endm

	.text
	.globl riscv_fp_save
	.balign 4
riscv_fp_save:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	FSD \n
	.endr
	csrr	t0, 0x003		/* fcsr */
	sd	t0, 256(a0)
	ret

	.globl riscv_fp_restore
	.balign 4
riscv_fp_restore:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	FLD \n
	.endr
	ld	t0, 256(a0)
	csrw	0x003, t0		/* fcsr */
	ret

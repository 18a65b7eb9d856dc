/*
 * The EL2 vector table of the hypervisor host: 16 entries (current EL with SP_EL0, current EL
 * with SP_ELx, lower EL AArch64, lower EL AArch32; each synchronous, IRQ, FIQ, SError). Each
 * saves every register into a struct exception_frame on the stack and calls
 * exception_handler(frame, vector index), which reports and stops the machine.
 */
#include "asm_defs.h"

.macro ventry index
	.balign	128
	sub	sp, sp, #ASM_FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x1, #\index
	b	exception_save
.endm

	.text
	.balign	2048
	.globl	el2_vectors
el2_vectors:
	.irp	index, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	ventry	\index
	.endr

/* x0, x1 are saved and x1 holds the vector index. */
exception_save:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	add	x2, sp, #ASM_FRAME_SIZE
	stp	x30, x2, [sp, #240]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [sp, #256]
	mrs	x2, esr_el2
	mrs	x3, far_el2
	stp	x2, x3, [sp, #272]
	mov	x0, sp
	bl	exception_handler
1:	wfi
	b	1b

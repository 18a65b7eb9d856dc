/*
 * Entry points of the aarch64 hypervisor host, at EL2 with the MMU off.
 *   _start:           the arm64 Image entry (Linux boot protocol) on the boot CPU,
 *                     x0 = physical address of the devicetree.
 *   _secondary_start: from PSCI CPU_ON, x0 = context_id = logical CPU index; on to
 *                     board_secondary_main(index).
 */
#include "asm_defs.h"

/* Masks interrupts, puts SCTLR_EL2 in a known state and installs the vector table. */
.macro el2_setup vectors
	msr	daifset, #0xf
	ldr	x9, =ASM_SCTLR_EL2_BOOT
	msr	sctlr_el2, x9
	adrp	x9, \vectors
	add	x9, x9, :lo12:\vectors
	msr	vbar_el2, x9
	isb
.endm

	.section .text.boot, "ax"
	.globl _start
_start:
	/* The 64-byte arm64 Image header (Linux Documentation/arm64/booting.rst). */
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	__text_offset		/* load offset from a 2 MiB-aligned base */
	.quad	__image_size		/* bytes the image needs, .bss included */
	.quad	0x2			/* flags: little-endian, 4K pages, base near the start of RAM */
	.quad	0			/* res2 */
	.quad	0			/* res3 */
	.quad	0			/* res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5: no PE/COFF header */

primary_entry:
	mov	x19, x0
	/* Below EL2 every *_el2 register is undefined: touch none and fail. */
	mrs	x9, CurrentEL
	cmp	x9, #ASM_CURRENT_EL_EL2
	b.ne	fail_exit
	/* Absolute addresses (pointers in .data) are only right at the link address. */
	adr	x9, _start
	ldr	x10, =_start
	cmp	x9, x10
	b.ne	fail_exit
	/* No console until the devicetree is parsed: early exceptions just fail. */
	el2_setup early_vectors
	/* Boot CPU: the top of host_cpu_stacks[0]. */
	adrp	x9, host_cpu_stacks
	add	x9, x9, :lo12:host_cpu_stacks
	mov	x10, #ASM_STACK_SIZE
	add	sp, x9, x10
	/* Zero .bss (the stack is in it but unused yet); both ends are 16-byte aligned. */
	adrp	x9, __bss_start
	add	x9, x9, :lo12:__bss_start
	adrp	x10, __bss_end
	add	x10, x10, :lo12:__bss_end
1:	cmp	x9, x10
	b.hs	2f
	stp	xzr, xzr, [x9], #16
	b	1b
2:	msr	tpidr_el2, xzr		/* the CPU index (vm_hal.c): 0 */
	mov	x0, x19
	bl	board_main
3:	wfi
	b	3b

/* Semihosting SYS_EXIT with status 1: QEMU -semihosting exits with rc 1. Position-independent. */
fail_exit:
	mov	x0, #ASM_SEMIHOSTING_SYS_EXIT
	adr	x1, fail_block
	hlt	#0xf000
4:	wfi
	b	4b

	.balign 8
fail_block:
	.quad	ASM_ADP_STOPPED_APPLICATION_EXIT
	.quad	1
	.ltorg

	.text
	.globl _secondary_start
_secondary_start:
	/* Below EL2, skip the EL2 set-up: virt_detect reports the CPU as lacking EL2. */
	mrs	x9, CurrentEL
	cmp	x9, #ASM_CURRENT_EL_EL2
	b.ne	1f
	el2_setup el2_vectors
	msr	tpidr_el2, x0		/* the CPU index (vm_hal.c) */
1:	cmp	x0, #ASM_MAX_CPUS
	b.hs	3f
	/* Stack of logical CPU x0: host_cpu_stacks + (x0 + 1) * ASM_STACK_SIZE. */
	adrp	x9, host_cpu_stacks
	add	x9, x9, :lo12:host_cpu_stacks
	add	x10, x0, #1
	mov	x11, #ASM_STACK_SIZE
	madd	x9, x10, x11, x9
	mov	sp, x9
	bl	board_secondary_main
3:	wfi
	b	3b
	.ltorg

/* Vectors until the console is up (board_main then installs el2_vectors): every exception
 * stops the machine with a failure status. */
	.balign 2048
early_vectors:
	.rept	16
	.balign	128
	b	fail_exit
	.endr

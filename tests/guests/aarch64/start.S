/* Test guest entry at EL1, MMU off: x0 = DTB (or CPU_ON's context id). Each CPU gets 8 KiB of
 * stack, by its MPIDR Aff0. */
#define STACK_SIZE 8192

	.section .text.boot, "ax"
	.globl	_start
_start:
	mrs	x9, mpidr_el1
	and	x9, x9, #0xff
	adrp	x10, guest_stacks
	add	x10, x10, :lo12:guest_stacks
	add	x11, x9, #1
	mov	x12, #STACK_SIZE
	madd	x10, x11, x12, x10
	mov	sp, x10
	mov	x1, x0
	mov	x0, x9
	bl	guest_main
1:	wfi
	b	1b

	.bss
	.balign	16
	.globl	guest_stacks
guest_stacks:
	.space	STACK_SIZE * 4

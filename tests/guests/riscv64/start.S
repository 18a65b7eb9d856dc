/* Test guest entry in VS-mode: a0 = hart id, a1 = DTB. Each hart gets 8 KiB of stack. */
#define STACK_SIZE 8192

	.section .text.boot, "ax"
	.globl _start
_start:
	la	sp, guest_stacks
	addi	t0, a0, 1
	li	t1, STACK_SIZE
	mul	t0, t0, t1
	add	sp, sp, t0
	call	guest_main
1:	wfi
	j	1b

	.bss
	.balign 16
	.globl guest_stacks
guest_stacks:
	.space	STACK_SIZE * 4

/*
 * The 32 exception vectors. Each stub pushes a zero in place of the error code when the CPU
 * pushes none, then the vector number; the common path saves the 15 general-purpose
 * registers as a struct exception_frame and calls exception_handler, which does not return.
 */

	.macro stub vector, has_error_code
	.text
	.balign 16
exception_stub_\vector:
	.if \has_error_code == 0
	pushq	$0
	.endif
	pushq	$\vector
	jmp	exception_common
	.endm

	stub 0, 0
	stub 1, 0
	stub 2, 0
	stub 3, 0
	stub 4, 0
	stub 5, 0
	stub 6, 0
	stub 7, 0
	stub 8, 1
	stub 9, 0
	stub 10, 1
	stub 11, 1
	stub 12, 1
	stub 13, 1
	stub 14, 1
	stub 15, 0
	stub 16, 0
	stub 17, 1
	stub 18, 0
	stub 19, 0
	stub 20, 0
	stub 21, 1
	stub 22, 0
	stub 23, 0
	stub 24, 0
	stub 25, 0
	stub 26, 0
	stub 27, 0
	stub 28, 0
	stub 29, 1
	stub 30, 1
	stub 31, 0

	.text
exception_common:
	push	%rax
	push	%rcx
	push	%rdx
	push	%rbx
	push	%rbp
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	/* 22 quadwords on a stack the CPU aligned to 16 bytes: still aligned for the call. */
	mov	%rsp, %rdi
	call	exception_handler
	ud2

	.section .rodata.exception_stubs, "a"
	.balign 8
	.globl exception_stubs
exception_stubs:
	.irp vector, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad exception_stub_\vector
	.endr

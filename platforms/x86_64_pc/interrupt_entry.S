/*
 * The host's interrupt vectors (irq_host.h). The host takes interrupts only where it lets them
 * in (sti; hlt or sti; nop), so a stub saves just the registers a C call may change, calls
 * irq_host_interrupt(vector) and returns. The CPU aligned the stack to 16 bytes before its
 * 5-quadword frame; 9 pushes keep the call aligned.
 */
	.macro irq_stub name, vector
	.text
	.balign 16
	.globl	irq_stub_\name
irq_stub_\name:
	push	%rax
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	mov	$\vector, %edi
	call	irq_host_interrupt
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rax
	iretq
	.endm

	irq_stub timer, 0xef
	irq_stub kick, 0xf0
	irq_stub spurious, 0xff

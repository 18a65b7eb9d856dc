/* The test guests' exception and interrupt entry: one stub per vector 0..31 that pushes a zero
 * error code where the CPU pushes none, and its vector, then calls guest_trap(frame); one per
 * interrupt vector 32..255 that calls guest_irq(vector). */
	.text
.macro stub vector, has_error
	.globl guest_trap_\vector
guest_trap_\vector:
	.if \has_error == 0
	push $0
	.endif
	push $\vector
	jmp trap_common
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

/* Interrupts 32..255: no error code; guest_irq(vector) handles them. */
	.altmacro
.macro irq_stub vector
	.globl guest_irq_\vector
guest_irq_\vector:
	push $0
	push $\vector
	jmp irq_common
.endm
.set v, 32
.rept 224
	irq_stub %v
	.set v, v + 1
.endr

irq_common:
	push %rax
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %r8
	push %r9
	push %r10
	push %r11
	mov 9*8(%rsp), %rdi
	call guest_irq
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rax
	add $16, %rsp
	iretq

trap_common:
	push %rax
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %r8
	push %r9
	push %r10
	push %r11
	mov %rsp, %rdi
	call guest_trap
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rax
	add $16, %rsp
	iretq

	.section .rodata
	.globl guest_trap_stubs
	.balign 8
guest_trap_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad guest_trap_\v
	.endr
.macro irq_entry vector
	.quad guest_irq_\vector
.endm
.set v, 32
.rept 224
	irq_entry %v
	.set v, v + 1
.endr

	.section .note.GNU-stack, "", @progbits

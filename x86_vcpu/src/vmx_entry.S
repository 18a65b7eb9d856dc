/* Entering a guest and coming back (Intel SDM Vol. 3C, 27 VM Entries and 28 VM Exits).
 *
 * int x86_vmx_enter(struct x86_gprs *regs, uint64_t launched)
 *
 * Saves the host's callee-saved registers and regs on the stack, points the VMCS's host RSP at
 * that, loads the guest's general registers (all but RSP, which the VMCS holds) and runs
 * VMRESUME (launched != 0) or VMLAUNCH. A VM exit lands at x86_vmx_exit (the VMCS's host
 * RIP) with that stack: the guest's registers go back to regs and 0 is returned. A VMfail
 * falls through and returns 1. */
#define VMCS_HOST_RSP 0x6c14

	.text
	.globl x86_vmx_enter
	.type x86_vmx_enter, @function
x86_vmx_enter:
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	push %rdi
	mov $VMCS_HOST_RSP, %eax
	vmwrite %rsp, %rax
	/* Flags from here on: no instruction below but mov touches them. */
	test %rsi, %rsi
	mov 0*8(%rdi), %rax
	mov 1*8(%rdi), %rcx
	mov 2*8(%rdi), %rdx
	mov 3*8(%rdi), %rbx
	mov 5*8(%rdi), %rbp
	mov 6*8(%rdi), %rsi
	mov 8*8(%rdi), %r8
	mov 9*8(%rdi), %r9
	mov 10*8(%rdi), %r10
	mov 11*8(%rdi), %r11
	mov 12*8(%rdi), %r12
	mov 13*8(%rdi), %r13
	mov 14*8(%rdi), %r14
	mov 15*8(%rdi), %r15
	mov 7*8(%rdi), %rdi
	jnz 1f
	vmlaunch
	jmp 2f
1:	vmresume
2:	/* VMfail: regs is still on top of the stack. */
	pop %rdi
	mov $1, %eax
	jmp 3f

	.globl x86_vmx_exit
	.type x86_vmx_exit, @function
x86_vmx_exit:
	push %rdi
	mov 8(%rsp), %rdi
	mov %rax, 0*8(%rdi)
	mov %rcx, 1*8(%rdi)
	mov %rdx, 2*8(%rdi)
	mov %rbx, 3*8(%rdi)
	mov %rbp, 5*8(%rdi)
	mov %rsi, 6*8(%rdi)
	mov %r8, 8*8(%rdi)
	mov %r9, 9*8(%rdi)
	mov %r10, 10*8(%rdi)
	mov %r11, 11*8(%rdi)
	mov %r12, 12*8(%rdi)
	mov %r13, 13*8(%rdi)
	mov %r14, 14*8(%rdi)
	mov %r15, 15*8(%rdi)
	pop %rax
	mov %rax, 7*8(%rdi)
	pop %rdi
	xor %eax, %eax
3:	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret
	.size x86_vmx_enter, . - x86_vmx_enter

	.section .note.GNU-stack, "", @progbits

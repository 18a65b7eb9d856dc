/*
 * Switching between the hypervisor (EL2) and a guest (EL1/EL0), non-VHE.
 *
 * arm_guest_enter(ctx) saves the host's callee-saved registers, sp, VBAR_EL2 and TPIDR_EL2 in
 * ctx, points TPIDR_EL2 at ctx and VBAR_EL2 at arm_guest_vectors, and erets into the guest.
 * An exception from the guest lands in a lower-EL entry of that table: it saves the guest's
 * x0..x30, pc (ELR_EL2) and PSTATE (SPSR_EL2) in ctx and calls arm_vcpu_trap(ctx, kind) on the
 * host's stack (SP_EL2, which the guest cannot touch). ARM_TRAP_RESUME enters the guest again
 * at once; ARM_TRAP_LEAVE restores the host's registers and vector table and returns from
 * arm_guest_enter.
 *
 * The table stays in VBAR_EL2 while the C side runs. An exception of the hypervisor's own
 * there (a bug: the host runs with interrupts masked) lands in a current-EL entry, which puts
 * the host's table back and returns to the instruction that took it: it takes the same
 * exception again, now reported by the host with every register as it was.
 *
 * The C side runs with every exception masked (PSTATE.DAIF, set by the exception), so no host
 * interrupt lands on a half-switched CPU.
 */
#include "vcpu_ctx.h"

#define X(n) (CTX_X + (n) * 8)
#define HR(n) (CTX_HOST_REGS + (n) * 8)

	.text
	.globl	arm_guest_enter
	.balign	4
arm_guest_enter:
	stp	x19, x20, [x0, #HR(0)]
	stp	x21, x22, [x0, #HR(2)]
	stp	x23, x24, [x0, #HR(4)]
	stp	x25, x26, [x0, #HR(6)]
	stp	x27, x28, [x0, #HR(8)]
	stp	x29, x30, [x0, #HR(10)]
	mov	x1, sp
	str	x1, [x0, #HR(12)]
	mrs	x1, vbar_el2
	str	x1, [x0, #CTX_HOST_VBAR]
	mrs	x1, tpidr_el2
	str	x1, [x0, #CTX_HOST_TPIDR]
	msr	tpidr_el2, x0
	adr	x1, arm_guest_vectors
	msr	vbar_el2, x1
	mov	x1, x0

/* x1 = ctx: loads the guest and erets into it (ERET synchronizes the VBAR_EL2 write). */
.Lresume:
	ldp	x2, x3, [x1, #CTX_PC]
	msr	elr_el2, x2
	msr	spsr_el2, x3
	ldp	x2, x3, [x1, #X(2)]
	ldp	x4, x5, [x1, #X(4)]
	ldp	x6, x7, [x1, #X(6)]
	ldp	x8, x9, [x1, #X(8)]
	ldp	x10, x11, [x1, #X(10)]
	ldp	x12, x13, [x1, #X(12)]
	ldp	x14, x15, [x1, #X(14)]
	ldp	x16, x17, [x1, #X(16)]
	ldp	x18, x19, [x1, #X(18)]
	ldp	x20, x21, [x1, #X(20)]
	ldp	x22, x23, [x1, #X(22)]
	ldp	x24, x25, [x1, #X(24)]
	ldp	x26, x27, [x1, #X(26)]
	ldp	x28, x29, [x1, #X(28)]
	ldr	x30, [x1, #X(30)]
	ldp	x0, x1, [x1, #X(0)]
	eret

/* An exception from the guest of the given kind: x0 and x1 go to the host's stack first, the
 * only place free before TPIDR_EL2 is read. */
.macro guest_exit kind
	.balign	128
	stp	x0, x1, [sp, #-16]!
	mov	x1, #\kind
	b	.Lguest_exit
.endm

/* An exception of the hypervisor's own while a vCPU is loaded: back to the host's table, and
 * again from the instruction that took it. */
.macro host_fault
	.balign	128
	stp	x0, x1, [sp, #-16]!
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #CTX_HOST_VBAR]
	msr	vbar_el2, x0
	isb
	ldp	x0, x1, [sp], #16
	eret
.endm

	.balign	2048
	.globl	arm_guest_vectors
arm_guest_vectors:
	.rept	8
	host_fault
	.endr
	guest_exit ARM_EXIT_SYNC
	guest_exit ARM_EXIT_IRQ
	guest_exit ARM_EXIT_FIQ
	guest_exit ARM_EXIT_SERROR
	.rept	4
	host_fault
	.endr

/* x1 = kind, the guest's x0 and x1 on the stack. */
.Lguest_exit:
	mrs	x0, tpidr_el2
	stp	x2, x3, [x0, #X(2)]
	stp	x4, x5, [x0, #X(4)]
	stp	x6, x7, [x0, #X(6)]
	stp	x8, x9, [x0, #X(8)]
	stp	x10, x11, [x0, #X(10)]
	stp	x12, x13, [x0, #X(12)]
	stp	x14, x15, [x0, #X(14)]
	stp	x16, x17, [x0, #X(16)]
	stp	x18, x19, [x0, #X(18)]
	stp	x20, x21, [x0, #X(20)]
	stp	x22, x23, [x0, #X(22)]
	stp	x24, x25, [x0, #X(24)]
	stp	x26, x27, [x0, #X(26)]
	stp	x28, x29, [x0, #X(28)]
	str	x30, [x0, #X(30)]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #X(0)]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x0, #CTX_PC]
	bl	arm_vcpu_trap
	mrs	x1, tpidr_el2
	cbz	x0, .Lresume

	ldr	x0, [x1, #CTX_HOST_VBAR]
	msr	vbar_el2, x0
	isb
	ldr	x0, [x1, #CTX_HOST_TPIDR]
	msr	tpidr_el2, x0
	ldp	x19, x20, [x1, #HR(0)]
	ldp	x21, x22, [x1, #HR(2)]
	ldp	x23, x24, [x1, #HR(4)]
	ldp	x25, x26, [x1, #HR(6)]
	ldp	x27, x28, [x1, #HR(8)]
	ldp	x29, x30, [x1, #HR(10)]
	ldr	x0, [x1, #HR(12)]
	mov	sp, x0
	ret

/*
 * Switching between the hypervisor (HS-mode) and a guest (VS/VU-mode).
 *
 * riscv_guest_enter(ctx) saves the host's callee-saved registers and trap CSRs in ctx once,
 * then enters the guest. A trap from the guest lands in riscv_guest_exit, which saves the
 * guest's caller-saved registers, points stvec back at the host's vector and calls the
 * cause's handler (vcpu_state.h: riscv_exception_handlers by cause, riscv_host_interrupt) with
 * ctx and scause on the host's stack, with the host's gp and tp. When it says resume and the
 * vCPU has entry work or wrote an s register, riscv_vcpu_before_entry says how.
 *
 * The guest's callee-saved registers (s0-s11) stay where they are: the C side keeps them, as
 * the calling convention has it. Only a store guest-page fault, the one trap whose handling
 * reads an arbitrary register of the guest (the value stored), has them saved in ctx first.
 * Whatever the C side says, they hold the guest's values again afterwards:
 *   RISCV_TRAP_RESUME: the guest is entered again straight away, s0-s11 untouched;
 *   RISCV_TRAP_RESUME_ALL: the C side wrote one of them in ctx (a load's destination, at byte
 *     offset ctx->written_slot): the others are saved around it and every register is loaded;
 *   RISCV_TRAP_LEAVE: s0-s11 are saved, the host's registers come back and riscv_guest_enter
 *     returns.
 * An exit handled in the hypervisor never restores the host's callee-saved registers.
 *
 * The C side runs with sstatus.SIE clear (the trap cleared it) until the host's sstatus is
 * restored, so no host interrupt lands on a half-switched hart.
 */
#include "vcpu_ctx.h"

#define GX(n) (CTX_GUEST_X + (n) * 8)
#define HR(n) (CTX_HOST_REGS + (n) * 8)

/* Saves the guest's s0-s11 in the ctx at a0. */
.macro save_guest_callee_saved
	sd	x8, GX(8)(a0)
	sd	x9, GX(9)(a0)
	sd	x18, GX(18)(a0)
	sd	x19, GX(19)(a0)
	sd	x20, GX(20)(a0)
	sd	x21, GX(21)(a0)
	sd	x22, GX(22)(a0)
	sd	x23, GX(23)(a0)
	sd	x24, GX(24)(a0)
	sd	x25, GX(25)(a0)
	sd	x26, GX(26)(a0)
	sd	x27, GX(27)(a0)
.endm

	.text
	.globl riscv_guest_enter
	.balign 4
riscv_guest_enter:
	sd	ra, HR(0)(a0)
	sd	sp, HR(1)(a0)
	sd	gp, HR(2)(a0)
	sd	tp, HR(3)(a0)
	sd	s0, HR(4)(a0)
	sd	s1, HR(5)(a0)
	sd	s2, HR(6)(a0)
	sd	s3, HR(7)(a0)
	sd	s4, HR(8)(a0)
	sd	s5, HR(9)(a0)
	sd	s6, HR(10)(a0)
	sd	s7, HR(11)(a0)
	sd	s8, HR(12)(a0)
	sd	s9, HR(13)(a0)
	sd	s10, HR(14)(a0)
	sd	s11, HR(15)(a0)
	csrr	t0, sstatus
	sd	t0, CTX_HOST_SSTATUS(a0)
	csrr	t0, stvec
	sd	t0, CTX_HOST_STVEC(a0)
	csrr	t0, sscratch
	sd	t0, CTX_HOST_SSCRATCH(a0)
	ld	t0, CTX_GUEST_HSTATUS(a0)
	csrw	hstatus, t0
	csrw	sscratch, a0

/* a0 = ctx = sscratch: loads the guest and sret's into it, its callee-saved registers first,
 * then the rest as below. hstatus needs no reload: a trap from the guest sets SPV again, and
 * riscv_guest_fetch_insn (vcpu_ctx.h) puts back what its own fault changes. */
.Lresume:
	ld	x8, GX(8)(a0)
	ld	x9, GX(9)(a0)
	ld	x18, GX(18)(a0)
	ld	x19, GX(19)(a0)
	ld	x20, GX(20)(a0)
	ld	x21, GX(21)(a0)
	ld	x22, GX(22)(a0)
	ld	x23, GX(23)(a0)
	ld	x24, GX(24)(a0)
	ld	x25, GX(25)(a0)
	ld	x26, GX(26)(a0)
	ld	x27, GX(27)(a0)

/* a0 = ctx = sscratch, s0-s11 hold the guest's: loads the rest and sret's into the guest. */
.Lresume_caller_saved:
	la	t0, riscv_guest_exit
	csrw	stvec, t0
	ld	t0, CTX_GUEST_SSTATUS(a0)
	csrw	sstatus, t0
	ld	t0, CTX_GUEST_SEPC(a0)
	csrw	sepc, t0
	ld	x1, GX(1)(a0)
	ld	x2, GX(2)(a0)
	ld	x3, GX(3)(a0)
	ld	x4, GX(4)(a0)
	ld	x5, GX(5)(a0)
	ld	x6, GX(6)(a0)
	ld	x7, GX(7)(a0)
	ld	x11, GX(11)(a0)
	ld	x12, GX(12)(a0)
	ld	x13, GX(13)(a0)
	ld	x14, GX(14)(a0)
	ld	x15, GX(15)(a0)
	ld	x16, GX(16)(a0)
	ld	x17, GX(17)(a0)
	ld	x28, GX(28)(a0)
	ld	x29, GX(29)(a0)
	ld	x30, GX(30)(a0)
	ld	x31, GX(31)(a0)
	ld	x10, GX(10)(a0)
	sret

	.balign 4
	.globl riscv_guest_exit
riscv_guest_exit:
	csrrw	a0, sscratch, a0
	sd	x1, GX(1)(a0)
	sd	x2, GX(2)(a0)
	sd	x3, GX(3)(a0)
	sd	x4, GX(4)(a0)
	sd	x5, GX(5)(a0)
	sd	x6, GX(6)(a0)
	sd	x7, GX(7)(a0)
	sd	x11, GX(11)(a0)
	sd	x12, GX(12)(a0)
	sd	x13, GX(13)(a0)
	sd	x14, GX(14)(a0)
	sd	x15, GX(15)(a0)
	sd	x16, GX(16)(a0)
	sd	x17, GX(17)(a0)
	sd	x28, GX(28)(a0)
	sd	x29, GX(29)(a0)
	sd	x30, GX(30)(a0)
	sd	x31, GX(31)(a0)
	csrrw	t0, sscratch, a0	/* the guest's a0; sscratch holds ctx again */
	sd	t0, GX(10)(a0)
	csrr	t0, sepc
	sd	t0, CTX_GUEST_SEPC(a0)
	csrr	t0, sstatus
	sd	t0, CTX_GUEST_SSTATUS(a0)
	ld	t0, CTX_HOST_STVEC(a0)
	csrw	stvec, t0
	ld	sp, HR(1)(a0)
	ld	gp, HR(2)(a0)
	ld	tp, HR(3)(a0)
	csrr	a1, scause
	li	t0, RISCV_EXC_STORE_GUEST_PAGE_FAULT
	bne	a1, t0, 1f
	save_guest_callee_saved
1:	bltz	a1, .Linterrupt
	mv	t0, a1			/* riscv_exception_handlers[min(cause, SLOTS - 1)] */
	li	t1, RISCV_EXC_SLOTS - 1
	bleu	t0, t1, 2f
	mv	t0, t1
2:	slli	t0, t0, 3
	la	t1, riscv_exception_handlers
	add	t0, t0, t1
	ld	t0, 0(t0)
	jalr	t0
.Lhandled:
	mv	t0, a0
	csrr	a0, sscratch
	bnez	t0, .Lleave
	lhu	t1, CTX_ENTRY_CHECKS(a0)	/* entry_work, resume_all */
	beqz	t1, .Lresume_caller_saved
	call	riscv_vcpu_before_entry
	mv	t0, a0
	csrr	a0, sscratch
	beqz	t0, .Lresume_caller_saved
	ld	t1, CTX_WRITTEN_SLOT(a0)	/* the register the C side wrote, kept across */
	add	t1, t1, a0
	ld	t2, 0(t1)
	save_guest_callee_saved
	sd	t2, 0(t1)
	j	.Lresume

.Linterrupt:
	call	riscv_host_interrupt
	j	.Lhandled

.Lleave:
	save_guest_callee_saved
	ld	t0, CTX_HOST_SSCRATCH(a0)
	csrw	sscratch, t0
	ld	t0, CTX_HOST_SSTATUS(a0)
	csrw	sstatus, t0
	ld	ra, HR(0)(a0)
	ld	sp, HR(1)(a0)
	ld	gp, HR(2)(a0)
	ld	tp, HR(3)(a0)
	ld	s0, HR(4)(a0)
	ld	s1, HR(5)(a0)
	ld	s2, HR(6)(a0)
	ld	s3, HR(7)(a0)
	ld	s4, HR(8)(a0)
	ld	s5, HR(9)(a0)
	ld	s6, HR(10)(a0)
	ld	s7, HR(11)(a0)
	ld	s8, HR(12)(a0)
	ld	s9, HR(13)(a0)
	ld	s10, HR(14)(a0)
	ld	s11, HR(15)(a0)
	ret

/*
 * bool riscv_probe_hstatus(uint64_t *out)
 * Reads hstatus with a private trap vector: true with *out set if the CSR exists (the H
 * extension), false if the read raised an illegal-instruction exception.
 */
	.globl riscv_probe_hstatus
	.balign 4
riscv_probe_hstatus:
	la	t1, 1f
	csrrw	t1, stvec, t1
	li	t2, 1
	csrr	t0, hstatus
	sd	t0, 0(a0)
	j	2f
	.balign 4
1:	li	t2, 0
2:	csrw	stvec, t1
	mv	a0, t2
	ret

/*
 * bool riscv_probe_vstimecmp(void)
 * Reads vstimecmp with a private trap vector: true if the CSR exists (Sstc), false if the read
 * raised an illegal-instruction exception.
 */
	.globl riscv_probe_vstimecmp
	.balign 4
riscv_probe_vstimecmp:
	la	t1, 1f
	csrrw	t1, stvec, t1
	li	a0, 1
	csrr	t0, 0x24d		/* vstimecmp */
	j	2f
	.balign 4
1:	li	a0, 0
2:	csrw	stvec, t1
	ret

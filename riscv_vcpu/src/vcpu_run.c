/* Running a RISC-V vCPU: enter the guest, and turn each trap back into either an in-backend
 * action (SBI calls answered here) or one portable exit. */
#include <axvm/error.h>
#include <riscv_vcpu/csr_policy.h>
#include <riscv_vcpu/insn_decode.h>
#include <riscv_vcpu/trap_cause.h>

#include "csr.h"
#include "vcpu_sbi.h"
#include "vcpu_state.h"

#define EXC_ILLEGAL_INSTRUCTION 2
#define EXC_VS_ECALL 10
#define EXC_INSN_GUEST_PAGE_FAULT 20
#define EXC_LOAD_GUEST_PAGE_FAULT 21
#define EXC_VIRTUAL_INSTRUCTION 22
#define EXC_STORE_GUEST_PAGE_FAULT 23
#define INSN_WFI 0x10500073u
#define SSTATUS_SPP (1ull << 8)
#define SSTATUS_SIE (1ull << 1)
#define HSTATUS_SPVP (1ull << 8)
#define HVIP_VSTIP (1ull << 6)

static void stage2_fault(struct arch_vcpu *v, uint64_t cause, struct axvm_exit *exit)
{
	uint64_t gpa = riscv_fault_gpa(v->ctx.trap_htval, v->ctx.trap_stval);

	exit->kind = AXVM_EXIT_NESTED_PAGE_FAULT;
	exit->nested_page_fault.addr = gpa;
	exit->nested_page_fault.access = cause == EXC_STORE_GUEST_PAGE_FAULT  ? AXVM_ACCESS_WRITE
					 : cause == EXC_LOAD_GUEST_PAGE_FAULT ? AXVM_ACCESS_READ
									      : AXVM_ACCESS_EXEC;
	v->fault = (struct riscv_pending_fault){.valid = true,
						.store = cause == EXC_STORE_GUEST_PAGE_FAULT,
						.cause = cause,
						.gpa = gpa,
						.gva = v->ctx.trap_stval,
						.htinst = v->ctx.trap_htinst};
}

/* A trap this backend does not handle, for core to report. */
static void guest_trap(const struct arch_vcpu *v, struct axvm_exit *exit)
{
	exit->kind = AXVM_EXIT_GUEST_TRAP;
	exit->guest_trap.name = riscv_trap_cause_name(v->ctx.trap_scause);
	exit->guest_trap.cause = v->ctx.trap_scause;
	exit->guest_trap.info = v->ctx.trap_stval;
}

/* Makes the guest take trap cause with value tval in VS-mode, as the hardware does a delegated
 * trap: it resumes at its stvec's base with vsepc, vscause, vstval and vsstatus set. */
static void reflect(struct arch_vcpu *v, uint64_t cause, uint64_t tval)
{
	bool from_vs = v->ctx.guest_sstatus & SSTATUS_SPP;

	csr_write(vsepc, v->ctx.guest_sepc);
	csr_write(vscause, cause);
	csr_write(vstval, tval);
	csr_write(vsstatus, riscv_vsstatus_on_trap(csr_read(vsstatus), from_vs));
	v->ctx.guest_sepc = csr_read(vstvec) & ~3ull;
	v->ctx.guest_sstatus |= SSTATUS_SPP;
}

/* A virtual-instruction trap: a VS-mode wfi is a halt; anything else (a VU-mode wfi, an
 * instruction or CSR the guest may not use) is an illegal instruction for the guest kernel,
 * as it would be without the H extension. Returns whether it leaves the backend. */
static bool virtual_instruction(struct arch_vcpu *v, struct axvm_exit *exit)
{
	if (v->ctx.trap_stval == INSN_WFI && (v->ctx.guest_sstatus & SSTATUS_SPP)) {
		v->ctx.guest_sepc += 4;
		exit->kind = AXVM_EXIT_HALT;
		exit->halt.suspend = false;
		return true;
	}
	reflect(v, EXC_ILLEGAL_INSTRUCTION, v->ctx.trap_stval);
	return false;
}

bool riscv_handle_trap(struct arch_vcpu *v, struct axvm_exit *exit, int *err)
{
	uint64_t cause = v->ctx.trap_scause;

	*err = AX_OK;
	v->fault.valid = false;
	if (cause & SCAUSE_INTERRUPT) {
		/* The host's own: its timer, an IPI. Guest interrupts are delegated (hideleg). */
		exit->kind = AXVM_EXIT_EXTERNAL_INTERRUPT;
		exit->external_interrupt.vector = cause & ~SCAUSE_INTERRUPT;
		return true;
	}
	switch (cause) {
	case EXC_VS_ECALL:
		return riscv_vcpu_sbi(v, exit, err);
	case EXC_INSN_GUEST_PAGE_FAULT:
	case EXC_LOAD_GUEST_PAGE_FAULT:
	case EXC_STORE_GUEST_PAGE_FAULT:
		stage2_fault(v, cause, exit);
		return true;
	case EXC_VIRTUAL_INSTRUCTION:
		return virtual_instruction(v, exit);
	default:
		/* The guest's own exceptions are delegated to VS-mode (riscv_hedeleg); anything
		 * else that reaches us has no handler anywhere. */
		guest_trap(v, exit);
		return true;
	}
}

void riscv_vcpu_timer_check(struct arch_vcpu *v)
{
	uint64_t now;

	if (v->timer_deadline == UINT64_MAX)
		return;
	__asm__ volatile("rdtime %0" : "=r"(now));
	if (now < v->timer_deadline)
		return;
	v->timer_deadline = UINT64_MAX;
	v->vs.hvip |= HVIP_VSTIP;
	csr_set(hvip, HVIP_VSTIP);
}

/* The end of a non-retentive suspend: the hart comes back at its resume address as
 * hart_start would start it (satp = 0, sstatus.SIE = 0, a0 = hart id, a1 = opaque). */
static void resume_after_suspend(struct arch_vcpu *v)
{
	v->resume.pending = false;
	v->ctx.guest_sepc = v->resume.addr;
	v->ctx.guest_x[10] = v->hart_id;
	v->ctx.guest_x[11] = v->resume.opaque;
	v->ctx.guest_sstatus |= SSTATUS_SPP;
	csr_clear(vsstatus, SSTATUS_SIE);
	csr_write(vsatp, 0);
}

int arch_vcpu_run(struct arch_vcpu *v, struct axvm_exit *exit)
{
	int err = AX_OK;

	if (!v->bound)
		return AXERR_BAD_STATE;
	if (v->resume.pending)
		resume_after_suspend(v);
	do {
		riscv_vcpu_timer_check(v);
		riscv_guest_enter(&v->ctx);
	} while (!riscv_handle_trap(v, exit, &err));
	return err;
}

/* Reads the instruction at the guest's pc with HLVX.HU, as the guest's privilege level. */
static int fetch_instruction(struct arch_vcpu *v, uint32_t *insn)
{
	uint64_t pc = v->ctx.guest_sepc;
	uint64_t hstatus = csr_read(hstatus);
	uint16_t lo = 0, hi = 0;
	uint64_t fault;

	if (v->ctx.guest_sstatus & SSTATUS_SPP)
		csr_set(hstatus, HSTATUS_SPVP);
	else
		csr_clear(hstatus, HSTATUS_SPVP);
	fault = riscv_guest_fetch_halfword(pc, &lo);
	if (!fault && (lo & 3) == 3)
		fault = riscv_guest_fetch_halfword(pc + 2, &hi);
	csr_write(hstatus, hstatus);
	*insn = (uint32_t)hi << 16 | lo;
	return fault ? AXERR_NOT_MAPPED : AX_OK;
}

int arch_vcpu_decode_mmio(struct arch_vcpu *v, struct axvm_exit *exit)
{
	struct riscv_mem_access a;
	uint32_t insn = 0;
	int err;

	if (!v->fault.valid)
		return AXERR_INVALID;
	if (!riscv_fault_is_explicit(v->fault.htinst, v->fault.gva, v->fault.gpa)) {
		/* The guest's own page-table walk reached no memory: as on a hart without the H
		 * extension, its kernel takes the access fault of the original access. */
		reflect(v, riscv_access_fault_cause(v->fault.cause), v->fault.gva);
		v->fault.valid = false;
		exit->kind = AXVM_EXIT_NOTHING;
		return AX_OK;
	}
	if (v->fault.cause == EXC_INSN_GUEST_PAGE_FAULT)
		return AXERR_INVALID; /* a fetch from outside memory: nothing to emulate */
	err = riscv_decode_htinst(v->fault.htinst, &a);
	if (err == AXERR_NOT_FOUND) {
		err = fetch_instruction(v, &insn);
		if (!err)
			err = riscv_decode_mem_insn(insn, &a);
	}
	if (err)
		return err;
	if (a.store != v->fault.store)
		return AXERR_INVALID;
	riscv_mem_access_exit(&a, v->fault.gpa, v->ctx.guest_x[a.reg], exit);
	v->ctx.guest_sepc += a.insn_len;
	v->fault.valid = false;
	return AX_OK;
}

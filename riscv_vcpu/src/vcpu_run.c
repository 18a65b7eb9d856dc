/* Running a RISC-V vCPU: the trap handler guest_entry.S calls after each guest trap, which
 * dispatches by cause through a table. A handler either answers the trap in the backend (SBI
 * calls, reflected exceptions) or hands core one portable exit; either way it says whether
 * the guest is entered again. */
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
#define EXC_HANDLED 24 /* the exception causes the table has a slot for */
#define INSN_WFI 0x10500073u
#define SSTATUS_SPP (1ull << 8)
#define SSTATUS_SIE (1ull << 1)
#define HVIP_VSTIP (1ull << 6)

/* One exception cause's handler. */
typedef enum axvm_disposition (*exit_handler)(struct arch_vcpu *v, uint64_t cause);

/* Hands core the exit the backend filled in v->exit. */
static enum axvm_disposition to_core(struct arch_vcpu *v)
{
	return v->vm_ops.handle_exit(v->vm_ops.ctx, v->exit);
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

/* The default: an exception the guest kernel handles itself (one hedeleg delegates, here
 * because this hart did not) is reflected into it; anything else has no handler anywhere and
 * goes to core, which stops the VM. */
static enum axvm_disposition unexpected(struct arch_vcpu *v, uint64_t cause)
{
	uint64_t stval = csr_read(stval);

	if (cause < 64 && (riscv_hedeleg() >> cause) & 1) {
		reflect(v, cause, stval);
		return AXVM_RESUME;
	}
	v->exit->kind = AXVM_EXIT_GUEST_TRAP;
	v->exit->guest_trap.name = riscv_trap_cause_name(cause);
	v->exit->guest_trap.cause = cause;
	v->exit->guest_trap.info = stval;
	return to_core(v);
}

static enum axvm_disposition ecall(struct arch_vcpu *v, uint64_t cause)
{
	(void)cause;
	return riscv_vcpu_sbi(v, v->exit) ? to_core(v) : AXVM_RESUME;
}

/* The load or store at the guest's pc: from htinst when the hart wrote it, else fetched with
 * HLVX as the guest's privilege (hstatus.SPVP, which the trap set) and decoded. */
static int decode_access(struct arch_vcpu *v, struct riscv_mem_access *a)
{
	uint32_t insn;
	int err = riscv_decode_htinst(v->fault.htinst, a);

	if (err != AXERR_NOT_FOUND)
		return err;
	if (riscv_guest_fetch_insn(v->ctx.guest_sepc, &insn))
		return AXERR_NOT_MAPPED;
	return riscv_decode_mem_insn(insn, a);
}

/* The access exit for the decoded access a, which arch_vcpu_complete finishes. */
static void access_exit(struct arch_vcpu *v, const struct riscv_mem_access *a)
{
	riscv_mem_access_exit(a, v->fault.gpa, v->ctx.guest_x[a->reg], v->exit);
	v->access = *a;
	v->access_pending = true;
	v->fault.valid = false;
}

/* A guest-page fault: a load or store the guest made itself goes to core decoded (an MMIO
 * access, or a fault in lazily populated memory the guest retries); a fetch, or an access core
 * must look at first (an implicit one of the guest's page-table walk), as a nested page fault. */
static enum axvm_disposition guest_page_fault(struct arch_vcpu *v, uint64_t cause)
{
	uint64_t stval = csr_read(stval);
	uint64_t gpa = riscv_fault_gpa(csr_read(htval), stval);
	struct riscv_mem_access a;
	struct axvm_exit *exit = v->exit;

	v->fault = (struct riscv_pending_fault){.valid = true,
						.store = cause == EXC_STORE_GUEST_PAGE_FAULT,
						.cause = cause,
						.gpa = gpa,
						.gva = stval,
						.htinst = csr_read(htinst)};
	if (cause != EXC_INSN_GUEST_PAGE_FAULT &&
	    riscv_fault_is_explicit(v->fault.htinst, stval, gpa) && !decode_access(v, &a) &&
	    a.store == v->fault.store) {
		access_exit(v, &a);
		return to_core(v);
	}
	exit->kind = AXVM_EXIT_NESTED_PAGE_FAULT;
	exit->nested_page_fault.addr = gpa;
	exit->nested_page_fault.access = cause == EXC_STORE_GUEST_PAGE_FAULT  ? AXVM_ACCESS_WRITE
					 : cause == EXC_LOAD_GUEST_PAGE_FAULT ? AXVM_ACCESS_READ
									      : AXVM_ACCESS_EXEC;
	return to_core(v);
}

/* A virtual-instruction trap: a VS-mode wfi is a halt; anything else (a VU-mode wfi, an
 * instruction or CSR the guest may not use) is an illegal instruction for the guest kernel,
 * as it would be without the H extension. */
static enum axvm_disposition virtual_instruction(struct arch_vcpu *v, uint64_t cause)
{
	uint64_t stval = csr_read(stval);

	(void)cause;
	if (stval == INSN_WFI && (v->ctx.guest_sstatus & SSTATUS_SPP)) {
		v->ctx.guest_sepc += 4;
		v->exit->kind = AXVM_EXIT_HALT;
		v->exit->halt.suspend = false;
		return to_core(v);
	}
	reflect(v, EXC_ILLEGAL_INSTRUCTION, stval);
	return AXVM_RESUME;
}

static const exit_handler exception_handlers[EXC_HANDLED] = {
    [EXC_VS_ECALL] = ecall,
    [EXC_INSN_GUEST_PAGE_FAULT] = guest_page_fault,
    [EXC_LOAD_GUEST_PAGE_FAULT] = guest_page_fault,
    [EXC_VIRTUAL_INSTRUCTION] = virtual_instruction,
    [EXC_STORE_GUEST_PAGE_FAULT] = guest_page_fault,
};

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

/* What has to happen before every entry into the guest. */
static void prepare_entry(struct arch_vcpu *v)
{
	if (v->resume.pending)
		resume_after_suspend(v);
	riscv_vcpu_timer_check(v);
}

int riscv_vcpu_trap(struct riscv_vcpu_ctx *ctx)
{
	struct arch_vcpu *v = (struct arch_vcpu *)(void *)ctx;
	uint64_t cause = csr_read(scause);
	enum axvm_disposition d;

	v->fault.valid = false;
	v->access_pending = false;
	if (cause & SCAUSE_INTERRUPT) {
		/* The host's own: its timer, an IPI. Guest interrupts are delegated (hideleg). */
		v->exit->kind = AXVM_EXIT_EXTERNAL_INTERRUPT;
		v->exit->external_interrupt.vector = cause & ~SCAUSE_INTERRUPT;
		d = to_core(v);
	} else if (cause < EXC_HANDLED && exception_handlers[cause]) {
		d = exception_handlers[cause](v, cause);
	} else {
		d = unexpected(v, cause);
	}
	if (d != AXVM_RESUME)
		return 1;
	prepare_entry(v);
	return 0;
}

int arch_vcpu_run(struct arch_vcpu *v, struct axvm_exit *exit)
{
	if (!v->bound)
		return AXERR_BAD_STATE;
	v->exit = exit;
	prepare_entry(v);
	riscv_guest_enter(&v->ctx);
	return AX_OK;
}

int arch_vcpu_decode_mmio(struct arch_vcpu *v, struct axvm_exit *exit)
{
	struct riscv_mem_access a;
	int err;

	if (!v->fault.valid || exit != v->exit)
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
	err = decode_access(v, &a);
	if (err)
		return err;
	if (a.store != v->fault.store)
		return AXERR_INVALID;
	access_exit(v, &a);
	return AX_OK;
}

int arch_vcpu_complete(struct arch_vcpu *v, uint64_t value)
{
	if (!v->access_pending)
		return AXERR_BAD_STATE;
	if (!v->access.store && v->access.reg)
		v->ctx.guest_x[v->access.reg] = riscv_load_value(&v->access, value);
	v->ctx.guest_sepc += v->access.insn_len;
	v->access_pending = false;
	return AX_OK;
}

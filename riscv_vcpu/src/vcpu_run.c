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
#define EXC_STORE_GUEST_PAGE_FAULT RISCV_EXC_STORE_GUEST_PAGE_FAULT
#define INSN_WFI 0x10500073u
#define SSTATUS_SPP (1ull << 8)
#define SSTATUS_SIE (1ull << 1)
#define HVIP_VSTIP (1ull << 6)
/* The x registers the calling convention preserves across calls: s0, s1 (x8, x9) and s2-s11
 * (x18-x27). */
#define RISCV_CALLEE_SAVED_X 0x0ffc0300u

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
	return riscv_to_core(v);
}

/* The load or store at the guest's pc into *a: from htinst when the hart wrote it, else
 * fetched with HLVX as the guest's privilege (hstatus.SPVP, which the trap set) and decoded. */
static int decode_access(uint64_t sepc, uint64_t htinst, struct riscv_mem_access *a)
{
	uint32_t insn;
	int err = htinst ? riscv_decode_htinst(htinst, a) : AXERR_NOT_FOUND;

	if (err != AXERR_NOT_FOUND)
		return err;
	if (riscv_guest_fetch_insn(sepc, &insn))
		return AXERR_NOT_MAPPED;
	return riscv_decode_mem_insn(insn, a);
}

/* Fills exit with the access exit for v->access at the fault's address, which
 * arch_vcpu_complete finishes. A store's register is in ctx: guest_entry.S saved every
 * register for a store guest-page fault. */
static void access_ready(struct arch_vcpu *v, struct axvm_exit *exit)
{
	uint64_t stored = v->access.store ? v->ctx.guest_x[v->access.reg] : 0;

	riscv_mem_access_exit(&v->access, v->fault.gpa, stored, exit);
	v->access_pending = true;
	v->fault.valid = false;
}

/* Completes load a, which read value: its destination register (none for x0) and the pc. */
static inline void load_complete(struct arch_vcpu *v, const struct riscv_mem_access *a,
				 uint64_t value)
{
	unsigned reg = a->reg;

	if (reg) {
		v->ctx.guest_x[reg] = riscv_load_value(a, value);
		if ((RISCV_CALLEE_SAVED_X >> reg) & 1) {
			v->ctx.written_slot = offsetof(struct riscv_vcpu_ctx, guest_x) + reg * 8;
			v->ctx.resume_all = true;
		}
	}
	v->ctx.guest_sepc += a->insn_len;
}

/* The decoded access a at gpa, through core's device path and completed here, as KVM's
 * architectures call its I/O bus: no exit record, one call. */
static inline enum axvm_disposition access_direct(struct arch_vcpu *v,
						  const struct riscv_mem_access *a, uint64_t gpa)
{
	struct axvm_mmio_value r;

	if (a->store) {
		r.result = v->vm_ops.mmio_write(v->vm_ops.ctx, gpa, a->width,
						riscv_store_value(a, v->ctx.guest_x[a->reg]));
		if (r.result & AXVM_MMIO_DONE)
			v->ctx.guest_sepc += a->insn_len;
	} else {
		r = v->vm_ops.mmio_read(v->vm_ops.ctx, gpa, a->width);
		if (r.result & AXVM_MMIO_DONE)
			load_complete(v, a, r.value);
	}
	return r.result & AXVM_MMIO_LEAVE ? AXVM_LEAVE : AXVM_RESUME;
}

/* The guest-page fault in v->fault, as a nested page fault core must look at: a fetch, or an
 * access the backend did not decode (an implicit one of the guest's page-table walk). Kept
 * valid for arch_vcpu_decode_mmio. Out of line: the decoded path is the hot one. */
__attribute__((noinline)) static enum axvm_disposition nested_fault(struct arch_vcpu *v)
{
	struct riscv_pending_fault *f = &v->fault;
	struct axvm_exit *exit = v->exit;

	v->access_pending = false;
	f->valid = true;
	f->store = f->cause == EXC_STORE_GUEST_PAGE_FAULT;
	exit->kind = AXVM_EXIT_NESTED_PAGE_FAULT;
	exit->nested_page_fault.addr = f->gpa;
	exit->nested_page_fault.access = f->store				 ? AXVM_ACCESS_WRITE
					 : f->cause == EXC_LOAD_GUEST_PAGE_FAULT ? AXVM_ACCESS_READ
										 : AXVM_ACCESS_EXEC;
	return riscv_to_core(v);
}

/* Records the guest-page fault being taken in v->fault (not yet valid). */
static inline void record_fault(struct arch_vcpu *v, uint64_t cause, uint64_t stval,
				uint64_t htinst, uint64_t gpa)
{
	v->fault.cause = cause;
	v->fault.gva = stval;
	v->fault.htinst = htinst;
	v->fault.gpa = gpa;
}

/* A load or store guest-page fault access_fault does not decode itself: from htinst, or any
 * load or store form. */
__attribute__((noinline)) static enum axvm_disposition decoded_access(struct arch_vcpu *v,
								      uint64_t cause)
{
	struct riscv_mem_access a;

	if (!decode_access(v->ctx.guest_sepc, v->fault.htinst, &a) &&
	    a.store == (cause == EXC_STORE_GUEST_PAGE_FAULT))
		return access_direct(v, &a, v->fault.gpa);
	return nested_fault(v);
}

/* A load or store guest-page fault at gpa: an access the guest made itself goes to core
 * decoded (an MMIO access, or a fault in lazily populated memory the guest retries); anything
 * else as a nested page fault. */
__attribute__((noinline)) static enum axvm_disposition
access_fault(struct arch_vcpu *v, uint64_t cause, uint64_t stval, uint64_t htinst, uint64_t gpa)
{
	record_fault(v, cause, stval, htinst, gpa);
	if (!riscv_fault_is_explicit(htinst, stval, gpa))
		return nested_fault(v);
	return decoded_access(v, cause);
}

/* The 32-bit load insn at gpa that load_fault found: a device read, completed here. Only v
 * and insn live across the call; the rest is decoded again from insn. */
__attribute__((noinline)) static enum axvm_disposition load32_direct(struct arch_vcpu *v,
								     uint64_t insn, uint64_t gpa)
{
	unsigned width = riscv_load32_width(insn);
	struct axvm_mmio_value r = v->vm_ops.mmio_read(v->vm_ops.ctx, gpa, width);

	if (r.result & AXVM_MMIO_DONE) {
		/* As riscv_load32_fields, but sign-extending by funct3 bit 2 alone: clear for
		 * LB/LH/LW and for LD, whose full width riscv_load_value leaves as it is. */
		struct riscv_mem_access a = {.width = (uint8_t)width,
					     .reg = (uint8_t)((insn >> 7) & 31),
					     .sign_extend = !(insn & 0x4000),
					     .insn_len = 4};

		load_complete(v, &a, r.value);
	}
	return r.result & AXVM_MMIO_LEAVE ? AXVM_LEAVE : AXVM_RESUME;
}

/* A load guest-page fault. The commonest exit of all is recognised here, inline, and goes
 * straight to a device read: a 32-bit load the hart left no htinst for (QEMU 7.2 never writes
 * it) at the page offset the guest used itself. Anything else goes to access_fault. */
static enum axvm_disposition load_fault(struct arch_vcpu *v, uint64_t cause)
{
	uint64_t stval = csr_read(stval);
	uint64_t htinst = csr_read(htinst);
	uint64_t gpa = riscv_fault_gpa(csr_read(htval), stval);
	uint32_t insn;

	if (__builtin_expect(!htinst, 1) && riscv_fault_is_explicit(0, stval, gpa) &&
	    !riscv_guest_fetch_insn(v->ctx.guest_sepc, &insn) && riscv_is_load32(insn))
		return load32_direct(v, insn, gpa);
	return access_fault(v, cause, stval, htinst, gpa);
}

/* A store guest-page fault: guest_entry.S saved every register, the one stored among them. */
static enum axvm_disposition store_fault(struct arch_vcpu *v, uint64_t cause)
{
	uint64_t stval = csr_read(stval);
	uint64_t htinst = csr_read(htinst);

	return access_fault(v, cause, stval, htinst, riscv_fault_gpa(csr_read(htval), stval));
}

/* An instruction guest-page fault: a nested page fault for core. */
static enum axvm_disposition fetch_fault(struct arch_vcpu *v, uint64_t cause)
{
	uint64_t stval = csr_read(stval);

	record_fault(v, cause, stval, csr_read(htinst), riscv_fault_gpa(csr_read(htval), stval));
	return nested_fault(v);
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
		return riscv_to_core(v);
	}
	reflect(v, EXC_ILLEGAL_INSTRUCTION, stval);
	return AXVM_RESUME;
}

/* By exception cause; the last entry serves every cause above 23. */
const riscv_trap_handler riscv_exception_handlers[RISCV_EXC_SLOTS] = {
    unexpected,		 /* 0 instruction address misaligned */
    unexpected,		 /* 1 instruction access fault */
    unexpected,		 /* 2 illegal instruction */
    unexpected,		 /* 3 breakpoint */
    unexpected,		 /* 4 load address misaligned */
    unexpected,		 /* 5 load access fault */
    unexpected,		 /* 6 store/AMO address misaligned */
    unexpected,		 /* 7 store/AMO access fault */
    unexpected,		 /* 8 ecall from U/VU-mode */
    unexpected,		 /* 9 ecall from HS-mode */
    riscv_vcpu_sbi,	 /* 10 ecall from VS-mode */
    unexpected,		 /* 11 ecall from M-mode */
    unexpected,		 /* 12 instruction page fault */
    unexpected,		 /* 13 load page fault */
    unexpected,		 /* 14 reserved */
    unexpected,		 /* 15 store/AMO page fault */
    unexpected,		 /* 16 reserved */
    unexpected,		 /* 17 reserved */
    unexpected,		 /* 18 software check */
    unexpected,		 /* 19 hardware error */
    fetch_fault,	 /* 20 instruction guest-page fault */
    load_fault,		 /* 21 load guest-page fault */
    virtual_instruction, /* 22 virtual instruction */
    store_fault,	 /* 23 store/AMO guest-page fault */
    unexpected,		 /* 24 and above: reserved or custom */
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
	riscv_note_entry_work(v);
	v->vs.hvip |= HVIP_VSTIP;
	csr_set(hvip, HVIP_VSTIP);
}

/* The end of a non-retentive suspend: the hart comes back at its resume address as
 * hart_start would start it (satp = 0, sstatus.SIE = 0, a0 = hart id, a1 = opaque). */
static void resume_after_suspend(struct arch_vcpu *v)
{
	v->resume.pending = false;
	riscv_note_entry_work(v);
	v->ctx.guest_sepc = v->resume.addr;
	v->ctx.guest_x[10] = v->hart_id;
	v->ctx.guest_x[11] = v->resume.opaque;
	v->ctx.guest_sstatus |= SSTATUS_SPP;
	csr_clear(vsstatus, SSTATUS_SIE);
	csr_write(vsatp, 0);
}

/* What has to happen before an entry into the guest (v->ctx.entry_work says if anything
 * does). */
static void do_entry_work(struct arch_vcpu *v)
{
	if (v->resume.pending)
		resume_after_suspend(v);
	riscv_vcpu_timer_check(v);
}

static inline void prepare_entry(struct arch_vcpu *v)
{
	if (v->ctx.entry_work)
		do_entry_work(v);
}

/* The host's own interrupt (its timer, an IPI; the guest's are delegated by hideleg). */
enum axvm_disposition riscv_host_interrupt(struct arch_vcpu *v, uint64_t cause)
{
	v->exit->kind = AXVM_EXIT_EXTERNAL_INTERRUPT;
	v->exit->external_interrupt.vector = cause & ~SCAUSE_INTERRUPT;
	return riscv_to_core(v);
}

int riscv_vcpu_before_entry(struct arch_vcpu *v)
{
	prepare_entry(v);
	if (v->ctx.resume_all) {
		v->ctx.resume_all = false;
		return RISCV_TRAP_RESUME_ALL;
	}
	return RISCV_TRAP_RESUME;
}

int arch_vcpu_run(struct arch_vcpu *v, struct axvm_exit *exit)
{
	if (!v->bound)
		return AXERR_BAD_STATE;
	v->exit = exit;
	v->ctx.resume_all = false; /* riscv_guest_enter loads every register */
	prepare_entry(v);
	riscv_guest_enter(&v->ctx);
	return AX_OK;
}

int arch_vcpu_decode_mmio(struct arch_vcpu *v, struct axvm_exit *exit)
{
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
	err = decode_access(v->ctx.guest_sepc, v->fault.htinst, &v->access);
	if (err)
		return err;
	if (v->access.store != v->fault.store)
		return AXERR_INVALID;
	access_ready(v, exit);
	return AX_OK;
}

int arch_vcpu_complete(struct arch_vcpu *v, uint64_t value)
{
	if (!v->access_pending)
		return AXERR_BAD_STATE;
	v->access_pending = false;
	if (v->access.store)
		v->ctx.guest_sepc += v->access.insn_len;
	else
		load_complete(v, &v->access, value);
	return AX_OK;
}

/* Running an AArch64 vCPU: the handler guest_entry.S calls after each exception from the
 * guest, which dispatches synchronous ones by exception class through a table. A handler
 * either answers the exception in the backend (firmware calls, exceptions reflected into the
 * guest) or hands core one portable exit, or makes a decoded access straight through core's
 * device path; either way it says whether the guest is entered again. */
#include <arm_vcpu/el2_controls.h>
#include <arm_vcpu/esr.h>
#include <arm_vcpu/id_regs.h>
#include <arm_vcpu/inject.h>
#include <arm_vcpu/insn_decode.h>
#include <arm_vcpu/sysreg_trap.h>
#include <axvm/error.h>

#include "gic_lrs.h"
#include "sysreg.h"
#include "vcpu_state.h"

#define EC_WFX 0x01
#define EC_FP 0x07
#define EC_HVC64 0x16
#define EC_SMC64 0x17
#define EC_SYSREG 0x18
#define EC_IABT_LOWER 0x20
#define EC_DABT_LOWER 0x24
#define EC_COUNT 64

#define ESR_WFX_TI_WFE 1u /* ISS bit 0: WFE (1) or WFI (0) */
#define PAR_F (1ull << 0) /* the translation failed */
#define PAR_PA_MASK 0x0000fffffffff000ull
#define PSTATE_SP (1ull << 0) /* M[0]: EL1h uses SP_EL1, EL1t and EL0 use SP_EL0 */
#define PSTATE_EL_MASK (3ull << 2)

/* One exception class's handler. */
typedef enum axvm_disposition (*exit_handler)(struct arch_vcpu *v, uint64_t esr);

/* Makes the guest take e (computed by inject.h) at EL1, as the hardware would. */
static void deliver(struct arch_vcpu *v, const struct arm_el1_exception *e)
{
	sysreg_write(elr_el1, e->elr_el1);
	sysreg_write(spsr_el1, e->spsr_el1);
	sysreg_write(esr_el1, e->esr_el1);
	v->ctx.pc = e->pc;
	v->ctx.pstate = e->pstate;
}

/* An undefined instruction for the guest kernel: what any trap means that the guest may not
 * make (a system register it may not use, an instruction class the hypervisor does not offer). */
static enum axvm_disposition undefined(struct arch_vcpu *v, uint64_t esr)
{
	struct arm_el1_exception e;

	(void)esr;
	arm_inject_undef(v->ctx.pc, v->ctx.pstate, sysreg_read(vbar_el1), &e);
	deliver(v, &e);
	return AXVM_RESUME;
}

/* WFI waits for an interrupt: core parks the vCPU. WFE only yields: the guest goes on. */
static enum axvm_disposition wait(struct arch_vcpu *v, uint64_t esr)
{
	v->ctx.pc += 4;
	if (esr_iss(esr) & ESR_WFX_TI_WFE)
		return AXVM_RESUME;
	v->exit->kind = AXVM_EXIT_HALT;
	v->exit->halt.suspend = false;
	return arm_to_core(v);
}

/* The guest's first FP/SIMD access since its vCPU was bound (CPTR_EL2.TFP): its registers
 * are loaded, the trap turned off, and the access made again. */
static enum axvm_disposition fp_access(struct arch_vcpu *v, uint64_t esr)
{
	(void)esr;
	/* The trap covers EL2's own FP/SIMD accesses too: off before the load. */
	sysreg_write(cptr_el2, arm_cptr_el2_guest(false));
	isb();
	arm_fp_restore(v->fp);
	v->fp_loaded = true;
	return AXVM_RESUME;
}

/* HVC #0: SMCCC and PSCI, the pc already past it. Any other immediate is no call at all: an
 * undefined instruction at the HVC itself. */
static enum axvm_disposition hvc(struct arch_vcpu *v, uint64_t esr)
{
	if (esr_iss(esr) & 0xffff) {
		v->ctx.pc -= 4;
		return undefined(v, esr);
	}
	return arm_vcpu_psci(v);
}

/* SMC #0, trapped (HCR_EL2.TSC) at the SMC itself: the same calls, past it. */
static enum axvm_disposition smc(struct arch_vcpu *v, uint64_t esr)
{
	if (esr_iss(esr) & 0xffff)
		return undefined(v, esr);
	v->ctx.pc += 4;
	return arm_vcpu_psci(v);
}

/* The guest's X register n (31: the zero register for a data transfer). */
static uint64_t xreg(const struct arch_vcpu *v, unsigned n)
{
	return n < 31 ? v->ctx.x[n] : 0;
}

/* A trapped MSR or MRS (EC 0x18): a read of a feature ID register (HCR_EL2.TID3) gets the
 * host's value less what guests are not given; a write of ICC_SGI1R_EL1 goes to core as a
 * system-register exit (the VM's GIC answers it); anything else is no register the guest may
 * use here. */
static enum axvm_disposition sysreg(struct arch_vcpu *v, uint64_t esr)
{
	struct arm_sysreg_access a;

	if (arm_decode_sysreg(esr, &a))
		return undefined(v, esr);
	if (!a.read && a.reg == ARM_SYSREG_ICC_SGI1R_EL1 && v->list_registers) {
		v->exit->kind = AXVM_EXIT_SYSREG_WRITE;
		v->exit->sysreg_write.addr = a.reg;
		v->exit->sysreg_write.value = xreg(v, a.rt);
		v->sysreg_pending = true;
		return arm_to_core(v);
	}
	if (!a.read || !arm_sysreg_is_id_reg(a.reg))
		return undefined(v, esr);
	if (a.rt < 31)
		v->ctx.x[a.rt] = arm_guest_id_reg(a.reg, arm_host_id_reg(a.reg));
	v->ctx.pc += 4;
	return AXVM_RESUME;
}

/* The guest-physical address of a stage-2 abort: HPFAR_EL2.FIPA (bits 47:12 of it, held in
 * bits 43:4) and the page offset from FAR_EL2. */
static uint64_t fault_gpa(void)
{
	return (sysreg_read(hpfar_el2) >> 4) << 12 | (sysreg_read(far_el2) & 0xfff);
}

/* The stage-2 fault in v->fault, as a nested page fault core must look at: a fetch, a fault of
 * the guest's own table walk, or an access the backend did not decode. Kept valid for
 * arch_vcpu_decode_mmio. */
static enum axvm_disposition nested_fault(struct arch_vcpu *v)
{
	struct axvm_exit *exit = v->exit;

	v->access_pending = false;
	v->fault.valid = true;
	exit->kind = AXVM_EXIT_NESTED_PAGE_FAULT;
	exit->nested_page_fault.addr = v->fault.gpa;
	exit->nested_page_fault.access = v->fault.exec	  ? AXVM_ACCESS_EXEC
					 : v->fault.write ? AXVM_ACCESS_WRITE
							  : AXVM_ACCESS_READ;
	return arm_to_core(v);
}

/* The stack pointer the guest's PSTATE selects, live while the vCPU is bound. */
static uint64_t guest_sp(const struct arch_vcpu *v)
{
	return (v->ctx.pstate & PSTATE_EL_MASK) && (v->ctx.pstate & PSTATE_SP)
		   ? sysreg_read(sp_el1)
		   : sysreg_read(sp_el0);
}

static void set_guest_sp(const struct arch_vcpu *v, uint64_t sp)
{
	if ((v->ctx.pstate & PSTATE_EL_MASK) && (v->ctx.pstate & PSTATE_SP))
		sysreg_write(sp_el1, sp);
	else
		sysreg_write(sp_el0, sp);
}

/* Completes access a: a load's destination register (none for XZR), the base register of a
 * writeback form, and the pc. */
static void access_complete(struct arch_vcpu *v, const struct arm_mem_access *a, uint64_t value)
{
	if (!a->store && a->reg < 31)
		v->ctx.x[a->reg] = arm_load_value(a, value);
	if (a->writeback) {
		if (a->base < 31)
			v->ctx.x[a->base] = arm_writeback_base(a, v->ctx.x[a->base]);
		else
			set_guest_sp(v, arm_writeback_base(a, guest_sp(v)));
	}
	v->ctx.pc += 4;
}

/* The decoded access a at gpa, through core's device path and completed here, as KVM's
 * architectures call its I/O bus. */
static enum axvm_disposition access_direct(struct arch_vcpu *v, const struct arm_mem_access *a,
					   uint64_t gpa)
{
	struct axvm_mmio_value r = {0, AXVM_MMIO_RETRY};

	if (a->store)
		r.result = v->vm_ops.mmio_write(v->vm_ops.ctx, gpa, a->width,
						arm_store_value(a, xreg(v, a->reg)));
	else
		r = v->vm_ops.mmio_read(v->vm_ops.ctx, gpa, a->width);
	if (r.result & AXVM_MMIO_DONE)
		access_complete(v, a, r.value);
	return r.result & AXVM_MMIO_LEAVE ? AXVM_LEAVE : AXVM_RESUME;
}

/* Reads the A64 instruction at the guest's pc through both stages of its translation (AT
 * S12E1R; the guest's PAR_EL1 is put back). The physical address it finds is the VM's own
 * memory: stage 2 maps nothing else. Returns 0, or AXERR_NOT_MAPPED. */
static int fetch_insn(struct arch_vcpu *v, uint32_t *insn)
{
	uint64_t par = sysreg_read(par_el1);
	uint64_t result;

	__asm__ volatile("at s12e1r, %0" ::"r"(v->ctx.pc));
	isb();
	result = sysreg_read(par_el1);
	sysreg_write(par_el1, par);
	if (result & PAR_F)
		return AXERR_NOT_MAPPED;
	*insn =
	    *(const volatile uint32_t *)(uintptr_t)((result & PAR_PA_MASK) | (v->ctx.pc & 0xfff));
	return AX_OK;
}

/* The access of the data abort esr: from the syndrome, else from the instruction (an AArch64
 * guest's only). */
static int decode_access(struct arch_vcpu *v, uint64_t esr, struct arm_mem_access *a)
{
	uint32_t insn;
	int err = arm_decode_iss(esr, a);

	if (err != AXERR_NOT_FOUND)
		return err;
	if (arm_pstate_aarch32(v->ctx.pstate))
		return AXERR_UNSUPPORTED;
	err = fetch_insn(v, &insn);
	return err ? err : arm_decode_mem_insn(insn, a);
}

/* A stage-2 data abort: an access the guest made itself goes straight to core's device path
 * decoded (an MMIO access, or lazily populated memory the guest retries); a fault of its own
 * table walk, or an access not decoded, as a nested page fault. */
static enum axvm_disposition data_abort(struct arch_vcpu *v, uint64_t esr)
{
	struct esr_abort abort = esr_decode_abort(esr);
	struct arm_mem_access a;

	v->fault.esr = esr;
	v->fault.far = sysreg_read(far_el2);
	v->fault.gpa = fault_gpa();
	v->fault.write = abort.write && !abort.s1ptw;
	v->fault.exec = false;
	if (!abort.s1ptw && !decode_access(v, esr, &a) && a.store == abort.write)
		return access_direct(v, &a, v->fault.gpa);
	return nested_fault(v);
}

/* A stage-2 instruction abort: a nested page fault for core. */
static enum axvm_disposition instruction_abort(struct arch_vcpu *v, uint64_t esr)
{
	v->fault.esr = esr;
	v->fault.far = sysreg_read(far_el2);
	v->fault.gpa = fault_gpa();
	v->fault.write = false;
	v->fault.exec = !esr_decode_abort(esr).s1ptw;
	return nested_fault(v);
}

/* By exception class; every class without a handler is an undefined instruction for the
 * guest. */
static const exit_handler exit_handlers[EC_COUNT] = {
    [EC_WFX] = wait,
    [EC_FP] = fp_access,
    [EC_HVC64] = hvc,
    [EC_SMC64] = smc,
    [EC_SYSREG] = sysreg,
    [EC_IABT_LOWER] = instruction_abort,
    [EC_DABT_LOWER] = data_abort,
};

/* A physical interrupt: the guest's own (its timer, the list registers' maintenance), taken
 * here, or the host's (its timer, a kick), which the board acknowledges. */
static enum axvm_disposition host_interrupt(struct arch_vcpu *v)
{
	if (arm_gic_take_guest_interrupt(v))
		return AXVM_RESUME;
	v->exit->kind = AXVM_EXIT_EXTERNAL_INTERRUPT;
	v->exit->external_interrupt.vector = 0;
	return arm_to_core(v);
}

/* An SError from the guest: an asynchronous abort of its own, which stops its VM. */
static enum axvm_disposition serror(struct arch_vcpu *v)
{
	v->exit->kind = AXVM_EXIT_GUEST_TRAP;
	v->exit->guest_trap.name = "SError";
	v->exit->guest_trap.cause = sysreg_read(esr_el2);
	v->exit->guest_trap.info = 0;
	return arm_to_core(v);
}

void arm_vcpu_resume_after_suspend(struct arch_vcpu *v)
{
	v->resume_pending = false;
	v->ctx.pc = v->resume_entry;
	v->ctx.x[0] = v->resume_context;
	v->ctx.pstate = arm_pstate_reset();
	sysreg_write(sctlr_el1, arm_sctlr_el1_reset());
	isb();
}

/* One exception from the guest: synchronous ones by class, the host's interrupts, SErrors. */
static inline enum axvm_disposition handle_exception(struct arch_vcpu *v, uint64_t kind)
{
	if (__builtin_expect(kind == ARM_EXIT_SYNC, 1)) {
		uint64_t esr = sysreg_read(esr_el2);
		exit_handler h = exit_handlers[esr_ec(esr)];

		return h ? h(v, esr) : undefined(v, esr);
	}
	return kind == ARM_EXIT_SERROR ? serror(v) : host_interrupt(v);
}

/* Whether the controller had news for the vCPU since it was last asked; takes them. */
static inline bool take_irq_news(uint32_t *news)
{
	return __builtin_expect(__atomic_load_n(news, __ATOMIC_RELAXED), 0) &&
	       __atomic_exchange_n(news, 0, __ATOMIC_ACQUIRE);
}

/* arm_vcpu_trap for a vCPU whose VM's GIC delivers through the list registers: they go back
 * to it before the exception is handled and are loaded again before the guest resumes. */
__attribute__((noinline)) static int trap_with_gic(struct arch_vcpu *v, uint64_t kind)
{
	arm_gic_exit(v);
	if (handle_exception(v, kind) != AXVM_RESUME)
		return ARM_TRAP_LEAVE;
	arm_gic_enter(v);
	return ARM_TRAP_RESUME;
}

int arm_vcpu_trap(struct arm_vcpu_ctx *ctx, uint64_t kind)
{
	struct arch_vcpu *v = (struct arch_vcpu *)(void *)ctx;

	/* The list registers need no round trip for a synchronous exception while they hold
	 * nothing and the physical timer interrupt is not taken: the guest changed nothing of its
	 * interrupts' state, and its timer's level changes only with a physical interrupt. What
	 * the exception changed for them (a device access that raised a line, say) is news from
	 * the controller (vm_ops.irq_news). */
	if ((kind != ARM_EXIT_SYNC || v->gic_held) && v->list_registers)
		return trap_with_gic(v, kind);
	if (handle_exception(v, kind) != AXVM_RESUME)
		return ARM_TRAP_LEAVE;
	if (take_irq_news(v->vm_ops.irq_news) && v->list_registers)
		arm_gic_enter(v);
	return ARM_TRAP_RESUME;
}

int arch_vcpu_run(struct arch_vcpu *v, struct axvm_exit *exit)
{
	if (!v->bound)
		return AXERR_BAD_STATE;
	v->exit = exit;
	if (v->resume_pending)
		arm_vcpu_resume_after_suspend(v);
	if (v->list_registers)
		arm_gic_enter(v);
	arm_guest_enter(&v->ctx);
	return AX_OK;
}

int arch_vcpu_decode_mmio(struct arch_vcpu *v, struct axvm_exit *exit)
{
	struct arm_mem_access a;
	int err;

	if (!v->fault.valid || exit != v->exit)
		return AXERR_INVALID;
	v->fault.valid = false;
	if (v->fault.exec)
		return AXERR_INVALID; /* a fetch from outside memory: nothing to emulate */
	if (esr_decode_abort(v->fault.esr).s1ptw) {
		/* The guest's own table walk reached no memory: as on a machine without EL2, its
		 * kernel takes a synchronous external abort on the original access. */
		struct arm_el1_exception e;

		arm_inject_abort(v->ctx.pc, v->ctx.pstate, sysreg_read(vbar_el1),
				 esr_decode_abort(v->fault.esr).data,
				 esr_decode_abort(v->fault.esr).write, &e);
		sysreg_write(far_el1, v->fault.far);
		deliver(v, &e);
		exit->kind = AXVM_EXIT_NOTHING;
		return AX_OK;
	}
	err = decode_access(v, v->fault.esr, &a);
	if (err)
		return err;
	if (a.store != v->fault.write)
		return AXERR_INVALID;
	v->access = a;
	v->access_pending = true;
	if (a.store) {
		exit->kind = AXVM_EXIT_MMIO_WRITE;
		exit->mmio_write.addr = v->fault.gpa;
		exit->mmio_write.width = a.width;
		exit->mmio_write.data = arm_store_value(&a, xreg(v, a.reg));
	} else {
		exit->kind = AXVM_EXIT_MMIO_READ;
		exit->mmio_read.addr = v->fault.gpa;
		exit->mmio_read.width = a.width;
	}
	return AX_OK;
}

int arch_vcpu_complete(struct arch_vcpu *v, uint64_t value)
{
	if (v->sysreg_pending) {
		v->sysreg_pending = false;
		v->ctx.pc += 4;
		return AX_OK;
	}
	if (!v->access_pending)
		return AXERR_BAD_STATE;
	v->access_pending = false;
	access_complete(v, &v->access, value);
	return AX_OK;
}

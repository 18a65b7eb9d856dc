/* The AArch64 vCPU: what arch_vcpu.h's opaque struct arch_vcpu is for this backend. */
#ifndef ARM_VCPU_SRC_VCPU_STATE_H
#define ARM_VCPU_SRC_VCPU_STATE_H

#include <arm_vcpu/insn_decode.h>
#include <arm_vcpu/psci.h>
#include <axvm/arch_vcpu.h>
#include <stdbool.h>
#include <stdint.h>

#include "el1_context.h"
#include "vcpu_ctx.h"

/* The stage-2 fault being handled, for arch_vcpu_decode_mmio. */
struct arm_pending_fault {
	bool valid;
	bool write;
	bool exec;
	uint64_t esr;
	uint64_t far; /* the guest-virtual address (FAR_EL2) */
	uint64_t gpa;
};

struct arch_vcpu {
	struct arm_vcpu_ctx ctx; /* first: guest_entry.S hands arm_vcpu_trap its address */
	uint32_t vm_id;
	uint32_t vcpu_count;
	uint32_t vcpu_id; /* its index in the VM, and its MPIDR affinity (Aff0) */
	struct arch_vcpu_vm_ops vm_ops;
	struct psci_env psci_env;
	struct axvm_exit *exit; /* where exits go during arch_vcpu_run */
	uint16_t vmid;
	uint64_t vttbr;
	uint64_t hcr; /* HCR_EL2 while it runs: VI is its interrupt line */
	/* Its VM's GICv3 delivers through list registers (gic_lrs.c), and the virtual CPU
	 * interface's state while unbound. */
	bool list_registers;
	uint64_t ich_vmcr;
	uint64_t ich_ap1r0;
	/* What the CPU holds for the guest while bound: how many list registers the last flush
	 * filled, and whether the vCPU holds the physical virtual-timer interrupt active
	 * (gic_lrs.c). gic_held, both at once, is zero when a synchronous exit needs no round trip
	 * of the list registers. */
	union {
		struct {
			uint8_t lrs_loaded;
			bool vtimer_taken;
		};
		uint16_t gic_held;
	};
	/* The timer level the controller was last told, if it was told since the bind. */
	bool vtimer_line;
	bool vtimer_line_known;
	/* A trapped system-register write handed to core (sysreg_exit), for arch_vcpu_complete. */
	bool sysreg_pending;
	bool bound;
	int32_t cpu; /* the CPU it is bound to, or -1 */
	struct arm_el1_context el1;
	_Alignas(16) uint64_t fp[66]; /* q0..q31 (two words each), fpsr, fpcr */
	bool fp_loaded; /* fp is in the CPU's registers (bound, since its first FP access) */
	struct arm_mem_access access; /* the access arch_vcpu_complete finishes */
	bool access_pending;
	struct arm_pending_fault fault;
	/* A powerdown CPU_SUSPEND: where the vCPU wakes instead of returning from the call. */
	bool resume_pending;
	uint64_t resume_entry;
	uint64_t resume_context;
};

/* Hands core the exit the backend filled in v->exit; core says whether to re-enter. */
static inline enum axvm_disposition arm_to_core(struct arch_vcpu *v)
{
	return v->vm_ops.handle_exit(v->vm_ops.ctx, v->exit);
}

/* Fills v->psci_env from v->vm_ops (vcpu_psci.c). */
void arm_vcpu_psci_init(struct arch_vcpu *v);

/* An HVC or trapped SMC: the SMCCC/PSCI call in x0..x3 (vcpu_psci.c). */
enum axvm_disposition arm_vcpu_psci(struct arch_vcpu *v);

/* A powerdown suspend that ended: the vCPU wakes at its resume address in its boot state
 * (vcpu_run.c); called before it enters the guest again. */
void arm_vcpu_resume_after_suspend(struct arch_vcpu *v);

/* The host CPU's value of feature ID register reg (arm_sysreg_is_id_reg; id_read.c), 0 for
 * any other encoding. */
uint64_t arm_host_id_reg(uint32_t reg);

/* Saves/restores the FP/SIMD registers (fp_switch.S). */
void arm_fp_save(uint64_t regs[66]);
void arm_fp_restore(const uint64_t regs[66]);

/* The stage-2 format every CPU walks (hw_enable.c). */
extern struct pt_format arm_s2_format;

#endif

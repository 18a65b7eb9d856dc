/* The AArch64 backend's vCPU lifecycle: create, reset to the boot state, stage-2 root, binding
 * to a CPU (which loads the EL1 system registers and the FP/SIMD registers), interrupts and the
 * virtual timer. */
#include <arm_vcpu/el2_controls.h>
#include <arm_vcpu/stage2.h>
#include <axvm/error.h>
#include <string.h>

#include "gic_lrs.h"
#include "sysreg.h"
#include "vcpu_state.h"

/* A vCPU's MPIDR affinity is its index (Aff0), so a VM has at most 256 of them and PSCI and
 * the GIC name them as the index. */
#define MAX_VCPUS 256

#define HCR_VI (1ull << 7)
#define CNTV_CTL_ENABLE (1ull << 0)
#define CNTV_CTL_IMASK (1ull << 1)

int arch_vcpu_create(const struct ax_allocator *alloc, const struct arch_vcpu_create_config *cfg,
		     struct arch_vcpu **out)
{
	struct arch_vcpu *v;

	if (cfg->vcpu_count < 1 || cfg->vcpu_count > MAX_VCPUS || cfg->guest_id != cfg->vcpu_id)
		return AXERR_INVALID;
	v = ax_zalloc(alloc, sizeof(*v));
	if (!v)
		return AXERR_NO_MEMORY;
	v->vm_id = cfg->vm_id;
	v->vcpu_count = cfg->vcpu_count;
	v->vcpu_id = cfg->vcpu_id;
	v->vm_ops = cfg->vm_ops;
	v->vmid = cfg->vmid;
	v->cpu = -1;
	v->hcr = arm_hcr_el2_guest();
	v->list_registers = cfg->list_registers;
	arm_vcpu_psci_init(v);
	arch_vcpu_set_entry(v, &(struct arch_vcpu_entry){0});
	*out = v;
	return AX_OK;
}

void arch_vcpu_destroy(struct arch_vcpu *v, const struct ax_allocator *alloc)
{
	ax_free(alloc, v);
}

/* The arm64 boot protocol (and PSCI CPU_ON): EL1h at entry with x0 = arg, every exception
 * masked, MMU and caches off, the timer disarmed, no interrupt pending. The protocol has no
 * start with the MMU on: boot tables are refused. */
int arch_vcpu_set_entry(struct arch_vcpu *v, const struct arch_vcpu_entry *e)
{
	if (v->bound)
		return AXERR_BAD_STATE;
	if (e->boot_tables.v)
		return AXERR_INVALID;
	memset(v->ctx.x, 0, sizeof(v->ctx.x));
	v->ctx.x[0] = e->arg;
	v->ctx.pc = e->pc.v;
	v->ctx.pstate = arm_pstate_reset();
	memset(&v->el1, 0, sizeof(v->el1));
	v->el1.sctlr_el1 = arm_sctlr_el1_reset();
	memset(v->fp, 0, sizeof(v->fp));
	v->hcr &= ~HCR_VI;
	v->access_pending = false;
	v->sysreg_pending = false;
	v->fault.valid = false;
	v->resume_pending = false;
	v->ich_vmcr = 0;
	v->ich_ap1r0 = 0;
	return AX_OK;
}

int arch_vcpu_set_stage2(struct arch_vcpu *v, hpa_t root, const struct pt_format *fmt)
{
	if (fmt != &arm_s2_format)
		return AXERR_INVALID;
	if (v->vmid >= arch_vmid_count())
		return AXERR_UNSUPPORTED; /* more VMs than the CPUs can tell apart */
	v->vttbr = arm_vttbr(root, v->vmid);
	return AX_OK;
}

int arch_vcpu_setup(struct arch_vcpu *v)
{
	return v->vttbr ? AX_OK : AXERR_BAD_STATE;
}

/* Translations are tagged with the VMID and the guest's TLB maintenance is broadcast
 * (HCR_EL2.FB), so neither moving a vCPU nor switching VMs needs a flush. */
int arch_vcpu_bind(struct arch_vcpu *v, uint32_t cpu)
{
	if (v->bound)
		return AXERR_BAD_STATE;
	sysreg_write(vttbr_el2, v->vttbr);
	sysreg_write(vmpidr_el2, arm_vmpidr_el2(v->vcpu_id));
	sysreg_write(hcr_el2, v->hcr);
	arm_el1_load(&v->el1);
	/* FP/SIMD registers are loaded at the guest's first use of them (vcpu_run.c). */
	sysreg_write(cptr_el2, arm_cptr_el2_guest(true));
	if (v->list_registers)
		arm_gic_load(v);
	isb();
	v->cpu = (int32_t)cpu;
	v->bound = true;
	return AX_OK;
}

int arch_vcpu_unbind(struct arch_vcpu *v)
{
	if (!v->bound)
		return AXERR_BAD_STATE;
	if (v->fp_loaded)
		arm_fp_save(v->fp);
	v->fp_loaded = false;
	arm_el1_save(&v->el1);
	if (v->list_registers)
		arm_gic_put(v);
	arm_gic_release_vtimer(v);
	/* Nothing of this guest may stay pending: a virtual IRQ would end the CPU's wfi. */
	sysreg_write(hcr_el2, 0);
	sysreg_write(vttbr_el2, 0);
	isb();
	v->cpu = -1;
	v->bound = false;
	return AX_OK;
}

void arch_vcpu_set_return_value(struct arch_vcpu *v, uint64_t value)
{
	v->ctx.x[0] = value;
}

/* Without a virtual interrupt controller interrupts have no numbers: the guest's IRQ line is
 * HCR_EL2.VI (arch_vcpu_set_irq_line). */
int arch_vcpu_inject_interrupt(struct arch_vcpu *v, uint32_t vector)
{
	(void)v;
	(void)vector;
	return AXERR_INVALID;
}

int arch_vcpu_set_irq_line(struct arch_vcpu *v, enum axvm_irq_line line, bool level)
{
	if (line != AXVM_IRQ_LINE_EXTERNAL)
		return AXERR_INVALID;
	v->hcr = level ? v->hcr | HCR_VI : v->hcr & ~HCR_VI;
	if (v->bound) {
		sysreg_write(hcr_el2, v->hcr);
		isb();
	}
	return AX_OK;
}

bool arch_vcpu_interrupt_pending(const struct arch_vcpu *v)
{
	return (v->hcr & HCR_VI) != 0;
}

/* The virtual timer: CNTV_CVAL_EL0 against the virtual counter, which is the host's
 * (CNTVOFF_EL2 = 0). The hardware raises it while the guest runs. */
uint64_t arch_vcpu_timer_deadline(const struct arch_vcpu *v, bool *soft)
{
	uint64_t ctl = v->bound ? sysreg_read(cntv_ctl_el0) : v->el1.cntv_ctl_el0;
	uint64_t cval = v->bound ? sysreg_read(cntv_cval_el0) : v->el1.cntv_cval_el0;

	*soft = false;
	return (ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK)) == CNTV_CTL_ENABLE ? cval : UINT64_MAX;
}

uint64_t arch_vcpu_pc(const struct arch_vcpu *v)
{
	return v->ctx.pc;
}

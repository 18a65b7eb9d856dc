/* The GICv3 virtual CPU interface's list registers by index, and delivery around each guest
 * entry: the VM's list-register controller (vm_ops.irq_flush/irq_sync) decides what goes in;
 * the virtual timer's level is its private line PPI 27, which is hardware-mapped
 * (arm_vcpu/vtimer_lr.h): the physical PPI 27 taken at an exit stays active until the guest
 * deactivates its copy or the vCPU leaves the CPU. */
#include "gic_lrs.h"

#include <arm_vcpu/vtimer_lr.h>

#include "sysreg.h"

#define ICH_HCR_EN (1ull << 0)
#define ICH_HCR_UIE (1ull << 1)
#define CNTV_CTL_ENABLE (1ull << 0)
#define CNTV_CTL_IMASK (1ull << 1)
#define CNTV_CTL_ISTATUS (1ull << 2)
#define ICC_INTID_MASK 0xffffffu
#define ARM_MAINTENANCE_PPI 25u /* the GIC's maintenance interrupt (QEMU virt, SBSA) */
#define ICC_FIRST_SPECIAL 1020u

unsigned arm_nr_lrs = ARM_MAX_LRS;

#define LR_CASE(n)                                            \
	case n:                                               \
		if (write)                                    \
			sysreg_write(ich_lr##n##_el2, value); \
		else                                          \
			value = sysreg_read(ich_lr##n##_el2); \
		break

/* Reads (write false) or writes list register n. */
static uint64_t lr_access(unsigned n, bool write, uint64_t value)
{
	switch (n) {
		LR_CASE(0);
		LR_CASE(1);
		LR_CASE(2);
		LR_CASE(3);
		LR_CASE(4);
		LR_CASE(5);
		LR_CASE(6);
		LR_CASE(7);
		LR_CASE(8);
		LR_CASE(9);
		LR_CASE(10);
		LR_CASE(11);
		LR_CASE(12);
		LR_CASE(13);
		LR_CASE(14);
		LR_CASE(15);
	default:
		break;
	}
	return value;
}

void arm_gic_probe(void)
{
	unsigned n = (unsigned)(sysreg_read(ich_vtr_el2) & 0x1f) + 1;

	if (n < arm_nr_lrs)
		arm_nr_lrs = n;
}

/* The virtual timer's output as its interrupt controller sees it. */
static bool vtimer_level(void)
{
	uint64_t ctl = sysreg_read(cntv_ctl_el0);

	return (ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK | CNTV_CTL_ISTATUS)) ==
	       (CNTV_CTL_ENABLE | CNTV_CTL_ISTATUS);
}

/* Deactivates the physical timer interrupt the backend took (its priority already dropped). */
static void vtimer_deactivate(struct arch_vcpu *v)
{
	sysreg_write(icc_dir_el1, ARM_VTIMER_PPI);
	v->vtimer_taken = false;
}

bool arm_gic_take_guest_interrupt(struct arch_vcpu *v)
{
	uint32_t pending = (uint32_t)sysreg_read(icc_hppir1_el1) & ICC_INTID_MASK;
	uint32_t intid;

	if (pending != ARM_VTIMER_PPI && pending != ARM_MAINTENANCE_PPI)
		return false;
	intid = (uint32_t)sysreg_read(icc_iar1_el1) & ICC_INTID_MASK;
	if (intid >= ICC_FIRST_SPECIAL)
		return true; /* gone meanwhile: nothing to do */
	sysreg_write(icc_eoir1_el1, intid);
	if (intid == ARM_VTIMER_PPI) {
		v->vtimer_taken = true;
		return true;
	}
	/* The maintenance interrupt (the list registers ran low while more waited: the entry
	 * refills them, and its level drops), or another interrupt that came first: the host's.
	 * Ended here; the host looks at what its interrupts may announce (the scheduler's slice,
	 * a kick's request) all the same, and its timer, level-triggered, is pending again while
	 * it is due. */
	sysreg_write(icc_dir_el1, intid);
	return intid == ARM_MAINTENANCE_PPI;
}

/* The timer's level to the controller, when it is news. */
static void report_vtimer(struct arch_vcpu *v, bool level)
{
	if (v->vtimer_line_known && v->vtimer_line == level)
		return;
	v->vm_ops.irq_set_private(v->vm_ops.ctx, ARM_VTIMER_PPI, level);
	v->vtimer_line = level;
	v->vtimer_line_known = true;
}

void arm_gic_enter(struct arch_vcpu *v)
{
	uint64_t lrs[ARM_MAX_LRS];
	bool level = vtimer_level();
	bool underflow;
	size_t n;

	report_vtimer(v, level);
	n = v->vm_ops.irq_flush(v->vm_ops.ctx, lrs, arm_nr_lrs, &underflow);
	if (v->vtimer_taken && arm_vtimer_map_lrs(lrs, n, level) == ARM_VTIMER_DEACTIVATE)
		vtimer_deactivate(v);
	for (unsigned i = 0; i < arm_nr_lrs && (i < n || i < v->lrs_loaded); i++)
		lr_access(i, true, i < n ? lrs[i] : 0);
	v->lrs_loaded = (uint8_t)n;
	sysreg_write(ich_hcr_el2, ICH_HCR_EN | (underflow ? ICH_HCR_UIE : 0));
}

void arm_gic_exit(struct arch_vcpu *v)
{
	uint64_t lrs[ARM_MAX_LRS];

	if (v->lrs_loaded) {
		for (unsigned i = 0; i < v->lrs_loaded; i++)
			lrs[i] = lr_access(i, false, 0);
		if (v->vtimer_taken && arm_vtimer_deactivated(lrs, v->lrs_loaded))
			v->vtimer_taken = false;
		v->vm_ops.irq_sync(v->vm_ops.ctx, lrs, v->lrs_loaded);
	}
	report_vtimer(v, vtimer_level());
}

void arm_gic_load(struct arch_vcpu *v)
{
	/* Its controller may have been reset meanwhile (a VM reset): the level is news again. */
	v->vtimer_line_known = false;
	sysreg_write(ich_vmcr_el2, v->ich_vmcr);
	sysreg_write(ich_ap1r0_el2, v->ich_ap1r0);
	sysreg_write(ich_hcr_el2, ICH_HCR_EN);
}

void arm_gic_put(struct arch_vcpu *v)
{
	v->ich_vmcr = sysreg_read(ich_vmcr_el2);
	v->ich_ap1r0 = sysreg_read(ich_ap1r0_el2);
	for (unsigned i = 0; i < v->lrs_loaded; i++)
		lr_access(i, true, 0);
	v->lrs_loaded = 0;
	sysreg_write(ich_hcr_el2, 0);
}

void arm_gic_release_vtimer(struct arch_vcpu *v)
{
	if (v->vtimer_taken)
		vtimer_deactivate(v);
}

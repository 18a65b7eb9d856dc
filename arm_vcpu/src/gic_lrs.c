/* The GICv3 virtual CPU interface's list registers by index, and delivery around each guest
 * entry: the VM's list-register controller (vm_ops.irq_flush/irq_sync) decides what goes in;
 * the virtual timer's level is its private line PPI 27. */
#include "gic_lrs.h"

#include "sysreg.h"

#define ICH_HCR_EN (1ull << 0)
#define ICH_HCR_UIE (1ull << 1)
#define CNTV_CTL_ENABLE (1ull << 0)
#define CNTV_CTL_IMASK (1ull << 1)
#define CNTV_CTL_ISTATUS (1ull << 2)
#define VTIMER_PPI 27

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

void arm_gic_enter(struct arch_vcpu *v)
{
	uint64_t lrs[ARM_MAX_LRS];
	bool underflow;
	size_t n;

	v->vm_ops.irq_set_private(v->vm_ops.ctx, VTIMER_PPI, vtimer_level());
	n = v->vm_ops.irq_flush(v->vm_ops.ctx, lrs, arm_nr_lrs, &underflow);
	for (unsigned i = 0; i < arm_nr_lrs && (i < n || i < v->lrs_loaded); i++)
		lr_access(i, true, i < n ? lrs[i] : 0);
	v->lrs_loaded = (unsigned)n;
	sysreg_write(ich_hcr_el2, ICH_HCR_EN | (underflow ? ICH_HCR_UIE : 0));
}

void arm_gic_exit(struct arch_vcpu *v)
{
	uint64_t lrs[ARM_MAX_LRS];

	for (unsigned i = 0; i < v->lrs_loaded; i++)
		lrs[i] = lr_access(i, false, 0);
	v->vm_ops.irq_sync(v->vm_ops.ctx, lrs, v->lrs_loaded);
	v->vm_ops.irq_set_private(v->vm_ops.ctx, VTIMER_PPI, vtimer_level());
}

void arm_gic_load(struct arch_vcpu *v)
{
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

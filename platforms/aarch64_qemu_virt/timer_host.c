#include "timer_host.h"

#include <libfdt.h>

#include "sysreg.h"

#define CNTHP_CTL_ENABLE (1ull << 0)
#define CNTHP_CTL_IMASK (1ull << 1)
#define CNTHP_CTL_ISTATUS (1ull << 2)

/* The timer node's interrupts: secure physical, non-secure physical, virtual, hypervisor. */
#define TIMER_IRQ_HYP 3
/* A GIC devicetree interrupt specifier: type (1 = PPI), number, flags[, more]. */
#define GIC_SPEC_PPI 1u
#define GIC_PPI_BASE 16u
#define GIC_PPI_COUNT 16u

uint64_t timer_host_now(void)
{
	uint64_t t;

	isb();
	read_sysreg(t, cntpct_el0);
	return t;
}

uint64_t timer_host_freq(void)
{
	uint64_t f;

	read_sysreg(f, cntfrq_el0);
	return f & 0xffffffffu;
}

void timer_host_disarm(void)
{
	write_sysreg(cnthp_ctl_el2, 0);
	isb();
}

void timer_host_arm(uint64_t deadline)
{
	if (deadline == UINT64_MAX) {
		timer_host_disarm();
		return;
	}
	write_sysreg(cnthp_cval_el2, deadline);
	write_sysreg(cnthp_ctl_el2, CNTHP_CTL_ENABLE);
	isb();
}

bool timer_host_expired(void)
{
	uint64_t ctl;

	read_sysreg(ctl, cnthp_ctl_el2);
	return (ctl & (CNTHP_CTL_ENABLE | CNTHP_CTL_IMASK | CNTHP_CTL_ISTATUS)) ==
	       (CNTHP_CTL_ENABLE | CNTHP_CTL_ISTATUS);
}

/* #interrupt-cells of the node's interrupt parent (its own interrupt-parent, or the nearest
 * ancestor's), 0 when there is none. */
static int interrupt_cells(const void *fdt, int node)
{
	const fdt32_t *p;
	int len;

	for (; node >= 0; node = fdt_parent_offset(fdt, node)) {
		p = fdt_getprop(fdt, node, "interrupt-parent", &len);
		if (p && len == 4)
			break;
	}
	if (node < 0)
		return 0;
	node = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(*p));
	p = node >= 0 ? fdt_getprop(fdt, node, "#interrupt-cells", &len) : NULL;
	return p && len == 4 ? (int)fdt32_to_cpu(*p) : 0;
}

uint32_t timer_host_find_intid(const void *fdt, bool *from_fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
	int cells = node >= 0 ? interrupt_cells(fdt, node) : 0;
	const fdt32_t *irqs;
	int len;

	*from_fdt = false;
	if (cells < 3)
		return TIMER_HOST_DEFAULT_INTID;
	irqs = fdt_getprop(fdt, node, "interrupts", &len);
	if (!irqs || len < 4 * cells * (TIMER_IRQ_HYP + 1))
		return TIMER_HOST_DEFAULT_INTID;
	irqs += cells * TIMER_IRQ_HYP;
	if (fdt32_to_cpu(irqs[0]) != GIC_SPEC_PPI || fdt32_to_cpu(irqs[1]) >= GIC_PPI_COUNT)
		return TIMER_HOST_DEFAULT_INTID;
	*from_fdt = true;
	return GIC_PPI_BASE + fdt32_to_cpu(irqs[1]);
}

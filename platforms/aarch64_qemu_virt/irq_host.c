#include "irq_host.h"

#include "gic_host.h"
#include "sysreg.h"
#include "timer_host.h"

/* Interrupts one acknowledgement round takes at most (a stream of kicks cannot hold it). */
#define MAX_ACKS_PER_ROUND 8

static uint32_t timer_intid = TIMER_HOST_DEFAULT_INTID;
static bool timer_from_fdt;

int irq_host_init(const void *fdt)
{
	timer_intid = timer_host_find_intid(fdt, &timer_from_fdt);
	return gic_host_init_global(fdt);
}

uint32_t irq_host_timer_intid(void)
{
	return timer_intid;
}

bool irq_host_timer_from_fdt(void)
{
	return timer_from_fdt;
}

int irq_host_init_cpu(uint64_t mpidr)
{
	timer_host_disarm();
	/* The virtual timer's reset state is unknown: off until a vCPU loads its own. */
	write_sysreg(cntv_ctl_el0, 0);
	return gic_host_init_cpu(mpidr, 1u << IRQ_HOST_KICK_SGI | 1u << timer_intid |
					    1u << IRQ_HOST_GUEST_VTIMER_PPI |
					    1u << IRQ_HOST_GIC_MAINTENANCE_PPI);
}

/* Ends the acknowledged interrupt intid and says what it was. The timer is disarmed before
 * its EOI, so that its level is down when it is deactivated and it does not become pending
 * again. */
static unsigned end_interrupt(uint32_t intid)
{
	unsigned what = IRQ_HOST_OTHER;

	if (intid == IRQ_HOST_KICK_SGI) {
		what = IRQ_HOST_KICK;
	} else if (intid == timer_intid) {
		what = IRQ_HOST_TIMER;
		if (timer_host_expired())
			timer_host_disarm();
	}
	gic_host_eoi(intid);
	return what;
}

unsigned irq_host_ack_pending(void)
{
	unsigned events = 0;

	for (int i = 0; i < MAX_ACKS_PER_ROUND; i++) {
		uint32_t intid = gic_host_ack();

		if (intid >= GIC_HOST_FIRST_SPECIAL)
			break;
		events |= end_interrupt(intid);
	}
	return events;
}

unsigned irq_host_wait_events(void)
{
	__asm__ volatile("dsb sy\n\twfi" : : : "memory");
	return irq_host_ack_pending();
}

void irq_host_wait(void)
{
	(void)irq_host_wait_events();
}

void irq_host_ack(uint64_t vector)
{
	(void)vector;
	(void)irq_host_ack_pending();
}

void irq_host_kick(uint64_t mpidr)
{
	(void)gic_host_send_sgi(mpidr, IRQ_HOST_KICK_SGI);
}

/*
 * Interrupts through the emulated GICv3: the guest sets up its distributor and redistributor,
 * enables the virtual timer's PPI 27 and SGI 1, and takes three timer interrupts (acknowledged
 * and ended through the virtual CPU interface, ICC_IAR1_EL1/ICC_EOIR1_EL1, which the
 * hypervisor backs with list registers), waiting in WFI in between; three more while it spins
 * without ever trapping (the hypervisor must take the timer's physical interrupt for it); then
 * an SGI it sends itself through ICC_SGI1R_EL1 (trapped, emulated).
 */
#include "guest.h"

#include <stdbool.h>

#define GICD 0x08000000ul
#define GICR 0x080a0000ul
#define GICR_SGI (GICR + 0x10000ul)
#define GICD_CTLR 0x0
#define GICD_CTLR_GRP1 (1u << 1)
#define GICD_CTLR_ARE (1u << 4)
#define GICR_WAKER 0x14
#define GICR_WAKER_SLEEP (1u << 1)
#define GICR_WAKER_ASLEEP (1u << 2)
#define GICR_ISENABLER0 0x100
#define VTIMER_PPI 27
#define SGI 1
#define TICKS 3

extern char guest_vectors[];
void guest_irq(void);
void guest_trap(uint64_t esr, uint64_t elr);

static volatile int ticks, sgis;
static volatile uint32_t last_intid;

static void w32(uint64_t addr, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)addr = v;
}

static uint32_t r32(uint64_t addr)
{
	return *(volatile uint32_t *)(uintptr_t)addr;
}

static uint64_t counter(void)
{
	uint64_t now;

	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(now));
	return now;
}

static uint64_t counter_hz(void)
{
	uint64_t freq;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	return freq;
}

/* The virtual timer 1 ms ahead (or off). */
static void timer_arm(bool on)
{
	__asm__ volatile("msr cntv_cval_el0, %0" ::"r"(counter() + counter_hz() / 1000));
	__asm__ volatile("msr cntv_ctl_el0, %0\n\tisb" ::"r"((uint64_t)(on ? 1 : 0)));
}

void guest_irq(void)
{
	uint64_t iar;

	__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(iar));
	last_intid = (uint32_t)iar;
	if (iar == VTIMER_PPI)
		timer_arm(++ticks < TICKS);
	else if (iar == SGI)
		sgis++;
	__asm__ volatile("msr icc_eoir1_el1, %0\n\tisb" ::"r"(iar));
}

void guest_trap(uint64_t esr, uint64_t elr)
{
	guest_printf("unexpected exception: ESR 0x%llx at 0x%llx\n", (unsigned long long)esr,
		     (unsigned long long)elr);
	psci_system_off();
}

static void gic_init(void)
{
	w32(GICD + GICD_CTLR, GICD_CTLR_GRP1 | GICD_CTLR_ARE);
	w32(GICR + GICR_WAKER, r32(GICR + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	while (r32(GICR + GICR_WAKER) & GICR_WAKER_ASLEEP)
		;
	w32(GICR_SGI + GICR_ISENABLER0, (1u << VTIMER_PPI) | (1u << SGI));
	__asm__ volatile("msr icc_sre_el1, %0\n\tisb" ::"r"((uint64_t)1));
	__asm__ volatile("msr icc_pmr_el1, %0" ::"r"((uint64_t)0xff));
	__asm__ volatile("msr icc_igrpen1_el1, %0\n\tisb" ::"r"((uint64_t)1));
}

void guest_main(uint64_t cpu, uint64_t x0)
{
	(void)cpu;
	(void)x0;
	__asm__ volatile("msr vbar_el1, %0\n\tisb" ::"r"(guest_vectors));
	gic_init();
	guest_printf("gic: TYPER 0x%x, IIDR 0x%x\n", r32(GICD + 0x4), r32(GICD + 0x8));
	timer_arm(true);
	__asm__ volatile("msr daifclr, #2");
	while (ticks < TICKS)
		__asm__ volatile("wfi");
	guest_printf("timer interrupts: %d (intid %u)\n", ticks, (unsigned)last_intid);
	/* Spinning on the counter traps nothing: only the timer itself can end it early. */
	ticks = 0;
	last_intid = 0;
	timer_arm(true);
	for (uint64_t end = counter() + counter_hz() / 2; ticks < TICKS && counter() < end;)
		;
	guest_printf("timer interrupts while spinning: %d (intid %u)\n", ticks,
		     (unsigned)last_intid);
	__asm__ volatile("msr icc_sgi1r_el1, %0\n\tisb" ::"r"((uint64_t)SGI << 24 | 1));
	while (!sgis)
		__asm__ volatile("wfi");
	guest_printf("sgi to itself: %d (intid %u)\n", sgis, (unsigned)last_intid);
	psci_system_off();
}

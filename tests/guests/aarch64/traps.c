/*
 * A guest kernel gets the exceptions its own code causes, as it would on a machine without
 * EL2: an HVC and an SMC with an immediate other than 0 (no firmware call: the hypervisor
 * reflects an undefined instruction), a physical-timer register the hypervisor traps
 * (CNTHCTL_EL2.EL1PCEN clear: reflected the same way) and a UDF (taken by the hardware at EL1
 * directly). Each is caught by the guest's handler, which reports its exception class and
 * skips the instruction; a WFE just yields. The VM never stops.
 */
#include "guest.h"

extern char guest_vectors[];
void guest_trap(uint64_t esr, uint64_t elr);
void guest_irq(void);

static volatile int traps;

void guest_trap(uint64_t esr, uint64_t elr)
{
	traps++;
	guest_printf("trap %d: EC 0x%llx, IL %llu, at the instruction 0x%08x\n", traps,
		     (unsigned long long)(esr >> 26) & 0x3f, (unsigned long long)(esr >> 25) & 1,
		     *(const volatile uint32_t *)(uintptr_t)elr);
}

void guest_main(uint64_t cpu, uint64_t x0)
{
	uint64_t v = 0;

	(void)cpu;
	(void)x0;
	__asm__ volatile("msr vbar_el1, %0\n\tisb" ::"r"(guest_vectors));
	__asm__ volatile("hvc #1" ::: "memory");
	__asm__ volatile("smc #1" ::: "memory");
	__asm__ volatile("mrs %0, cntp_ctl_el0" : "+r"(v)::"memory");
	__asm__ volatile("udf #0" ::: "memory");
	__asm__ volatile("wfe\n\tsev\n\twfe" ::: "memory");
	guest_printf("%d traps, all handled by the guest\n", traps);
	psci_system_off();
}

/* No interrupt is enabled here: one that came would park this vCPU. */
void guest_irq(void)
{
	for (;;)
		__asm__ volatile("wfi");
}

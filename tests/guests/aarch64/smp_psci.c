/*
 * Two vCPUs and no interrupts: vCPU 0 starts vCPU 1 with PSCI CPU_ON, which answers through
 * memory with the context id it was given; CPU_ON of a CPU already on and of one that does not
 * exist fail with PSCI's errors; AFFINITY_INFO follows vCPU 1 to OFF after its CPU_OFF, and it
 * starts again. On one host CPU the spinning vCPU must be preempted for the other to run.
 */
#include "guest.h"

static volatile uint64_t seen[2];
static volatile int go;

/* vCPU 1 only reports through memory: every line comes from vCPU 0, in order. */
static void secondary(uint64_t context)
{
	seen[context == 0x1234 ? 0 : 1] = context;
	while (!go)
		;
	go = 0;
	hvc_call(PSCI_CPU_OFF, 0, 0, 0);
	guest_printf("cpu 1: CPU_OFF returned\n");
	for (;;)
		__asm__ volatile("wfi");
}

static void wait_off(void)
{
	int64_t state;

	while ((state = (int64_t)hvc_call(PSCI_AFFINITY_INFO64, 1, 0, 0)) == 0)
		;
	guest_printf("cpu 0: cpu 1 is %s\n", state == 1 ? "off" : "in an unexpected state");
}

void guest_main(uint64_t cpu, uint64_t x0)
{
	if (cpu == 1)
		secondary(x0);
	guest_printf("cpu 0: CPU_ON(1) = %lld\n",
		     (long long)hvc_call(PSCI_CPU_ON64, 1, (uint64_t)(uintptr_t)_start, 0x1234));
	guest_printf("cpu 0: CPU_ON(7) = %lld\n",
		     (long long)hvc_call(PSCI_CPU_ON64, 7, (uint64_t)(uintptr_t)_start, 0));
	while (!seen[0])
		;
	guest_printf("cpu 0: cpu 1 up, context 0x%llx\n", (unsigned long long)seen[0]);
	guest_printf("cpu 0: CPU_ON(1) while it runs = %lld\n",
		     (long long)hvc_call(PSCI_CPU_ON64, 1, (uint64_t)(uintptr_t)_start, 0));
	go = 1;
	wait_off();
	guest_printf("cpu 0: CPU_ON(1) again = %lld\n",
		     (long long)hvc_call(PSCI_CPU_ON64, 1, (uint64_t)(uintptr_t)_start, 0x5678));
	while (!seen[1])
		;
	guest_printf("cpu 0: cpu 1 up, context 0x%llx\n", (unsigned long long)seen[1]);
	go = 1;
	wait_off();
	psci_system_off();
}

/*
 * SGIs between two vCPUs through the emulated GICv3: vCPU 0 starts vCPU 1 (PSCI CPU_ON); each
 * sets up its redistributor and CPU interface and waits in WFI; vCPU 0 sends SGI 2 to vCPU 1,
 * which answers with SGI 3 to vCPU 0, five times over. The trapped ICC_SGI1R_EL1 write kicks
 * the target, halted or running on another host CPU.
 */
#include "guest.h"
#include "guest_gic.h"

#define PING 2
#define PONG 3
#define ROUNDS 5

void guest_trap(uint64_t esr, uint64_t elr);

static volatile int pings, pongs, cpu1_ready;

void guest_irq(void)
{
	uint32_t intid = guest_gic_ack();
	uint64_t cpu;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(cpu));
	if (intid == PING && (cpu & 0xff) == 1) {
		pings++;
		guest_gic_send_sgi(PONG, 0);
	} else if (intid == PONG && (cpu & 0xff) == 0) {
		pongs++;
	}
	guest_gic_eoi(intid);
}

void guest_trap(uint64_t esr, uint64_t elr)
{
	guest_printf("unexpected exception: ESR 0x%llx at 0x%llx\n", (unsigned long long)esr,
		     (unsigned long long)elr);
	psci_system_off();
}

void guest_main(uint64_t cpu, uint64_t x0)
{
	(void)x0;
	guest_gic_init_cpu(cpu, (1u << PING) | (1u << PONG));
	if (cpu == 1) {
		cpu1_ready = 1;
		for (;;)
			__asm__ volatile("wfi");
	}
	guest_gic_enable();
	hvc_call(PSCI_CPU_ON64, 1, (uint64_t)(uintptr_t)_start, 0);
	while (!cpu1_ready)
		;
	for (int i = 0; i < ROUNDS; i++) {
		guest_gic_send_sgi(PING, 1);
		while (pongs <= i)
			__asm__ volatile("wfi");
	}
	guest_printf("sgi ping-pong: %d pings, %d pongs\n", pings, pongs);
	psci_system_off();
}

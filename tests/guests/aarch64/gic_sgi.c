/*
 * SGIs between two vCPUs through the emulated GICv3: vCPU 0 starts vCPU 1 (PSCI CPU_ON); each
 * sets up its redistributor and CPU interface and waits in WFI; vCPU 0 sends SGI 2 to vCPU 1,
 * which answers with SGI 3 to vCPU 0, five times over. The trapped ICC_SGI1R_EL1 write kicks
 * the target, halted or running on another host CPU.
 */
#include "guest.h"

#define GICD 0x08000000ul
#define GICR 0x080a0000ul
#define GICR_STRIDE 0x20000ul
#define GICR_WAKER 0x14
#define GICR_WAKER_SLEEP (1u << 1)
#define GICR_WAKER_ASLEEP (1u << 2)
#define GICR_ISENABLER0 (0x10000 + 0x100)
#define PING 2
#define PONG 3
#define ROUNDS 5

extern char guest_vectors[];
void guest_irq(void);
void guest_trap(uint64_t esr, uint64_t elr);

static volatile int pings, pongs, cpu1_ready;

static void w32(uint64_t addr, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)addr = v;
}

static uint32_t r32(uint64_t addr)
{
	return *(volatile uint32_t *)(uintptr_t)addr;
}

/* SGI intid to the vCPU with Aff0 = target (Aff3..Aff1 0). */
static void send_sgi(unsigned intid, unsigned target)
{
	__asm__ volatile(
	    "msr icc_sgi1r_el1, %0\n\tisb" ::"r"((uint64_t)intid << 24 | 1u << target));
}

void guest_irq(void)
{
	uint64_t iar, cpu;

	__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(iar));
	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(cpu));
	if (iar == PING && (cpu & 0xff) == 1) {
		pings++;
		send_sgi(PONG, 0);
	} else if (iar == PONG && (cpu & 0xff) == 0) {
		pongs++;
	}
	__asm__ volatile("msr icc_eoir1_el1, %0\n\tisb" ::"r"(iar));
}

void guest_trap(uint64_t esr, uint64_t elr)
{
	guest_printf("unexpected exception: ESR 0x%llx at 0x%llx\n", (unsigned long long)esr,
		     (unsigned long long)elr);
	psci_system_off();
}

/* This vCPU's redistributor awake with SGIs 2 and 3 enabled, its CPU interface on. */
static void cpu_init(uint64_t cpu)
{
	uint64_t rd = GICR + cpu * GICR_STRIDE;

	__asm__ volatile("msr vbar_el1, %0\n\tisb" ::"r"(guest_vectors));
	w32(rd + GICR_WAKER, r32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	while (r32(rd + GICR_WAKER) & GICR_WAKER_ASLEEP)
		;
	w32(rd + GICR_ISENABLER0, (1u << PING) | (1u << PONG));
	__asm__ volatile("msr icc_sre_el1, %0\n\tisb" ::"r"((uint64_t)1));
	__asm__ volatile("msr icc_pmr_el1, %0" ::"r"((uint64_t)0xff));
	__asm__ volatile("msr icc_igrpen1_el1, %0\n\tisb" ::"r"((uint64_t)1));
	__asm__ volatile("msr daifclr, #2");
}

void guest_main(uint64_t cpu, uint64_t x0)
{
	(void)x0;
	cpu_init(cpu);
	if (cpu == 1) {
		cpu1_ready = 1;
		for (;;)
			__asm__ volatile("wfi");
	}
	w32(GICD, (1u << 1) | (1u << 4)); /* GICD_CTLR: EnableGrp1, ARE */
	hvc_call(PSCI_CPU_ON64, 1, (uint64_t)(uintptr_t)_start, 0);
	while (!cpu1_ready)
		;
	for (int i = 0; i < ROUNDS; i++) {
		send_sgi(PING, 1);
		while (pongs <= i)
			__asm__ volatile("wfi");
	}
	guest_printf("sgi ping-pong: %d pings, %d pongs\n", pings, pongs);
	psci_system_off();
}

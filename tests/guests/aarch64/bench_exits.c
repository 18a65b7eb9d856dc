/* Exit-cost benchmark, in a VM with the emulated GICv3 and two vCPUs (gic_smp_vm.dts), under
 * QEMU's -icount shift=0, where one instruction is one nanosecond of the emulated clock:
 *   - round trips of a null HVC (PSCI_VERSION), an emulated PL011 register read and an emulated
 *     GICD register read, as the PMU's instructions-retired event counts them (at EL2 too:
 *     PMEVTYPER0_EL0.NSH): the instruction path length of one exit, identical in every run;
 *   - the virtual timer's interrupt from its deadline to the guest's EOI, the guest spinning
 *     (the hardware-mapped timer taken at the physical GIC) and waiting in WFI (woken by the
 *     host);
 *   - an SGI round trip between the two vCPUs (vCPU 0 sends SGI 2, vCPU 1 answers with SGI 3),
 *     both on one host CPU and waiting in WFI: two switches between them in each.
 * The last two are emulated time (CNTVCT_EL0): every instruction of the machine in it. (Between
 * vCPUs on two host CPUs the figure would be QEMU's: under -icount its CPUs take turns.) Each HVC
 * and MMIO round starts at a global label (bench_hvc_round, bench_mmio_round) where an exit
 * profiler can cut a trace into rounds. */
#include "guest.h"
#include "guest_gic.h"

#define ROUNDS 1000
#define IRQ_ROUNDS 100
#define UART_FR ((volatile uint32_t *)(GUEST_UART + 0x18))
#define GICD_TYPER ((volatile uint32_t *)(GUEST_GICD + 0x4))
#define PING 2
#define PONG 3

#define PMCR_E (1u << 0)
#define PMEVTYPER_NSH (1u << 27) /* count at EL2 as well */
#define EVENT_INST_RETIRED 0x08

void guest_trap(uint64_t esr, uint64_t elr);

static volatile uint64_t timer_deadline, timer_latency;
static volatile int timer_ticks, pings, pongs, cpu1_ready;

/* Event counter 0 counts instructions retired at EL0, EL1 and EL2. */
static void counter_start(void)
{
	__asm__ volatile("msr pmevtyper0_el0, %0\n"
			 "msr pmcntenset_el0, %1\n"
			 "msr pmcr_el0, %2\n"
			 "isb" ::"r"((uint64_t)(EVENT_INST_RETIRED | PMEVTYPER_NSH)),
			 "r"((uint64_t)1), "r"((uint64_t)PMCR_E));
}

static uint64_t instructions(void)
{
	uint64_t v;

	__asm__ volatile("isb\n\tmrs %0, pmevcntr0_el0" : "=r"(v));
	return v & 0xffffffffu;
}

static void report(const char *what, uint64_t insns)
{
	guest_printf("bench: %s: %llu instructions per round trip (%d rounds)\n", what,
		     (unsigned long long)(insns / ROUNDS), ROUNDS);
}

/* Counter ticks as nanoseconds of emulated time: instructions under -icount shift=0. */
static uint64_t ticks_to_ns(uint64_t ticks)
{
	return ticks * 1000000000ull / guest_counter_hz();
}

static void report_time(const char *what, uint64_t ticks)
{
	guest_printf("bench: %s: %llu ns of emulated time (instructions) each (%d rounds)\n", what,
		     (unsigned long long)(ticks_to_ns(ticks) / IRQ_ROUNDS), IRQ_ROUNDS);
}

void guest_irq(void)
{
	uint32_t intid = guest_gic_ack();
	uint64_t cpu;

	if (intid == GUEST_VTIMER_PPI) {
		guest_timer_at(0, false);
		guest_gic_eoi(intid);
		timer_latency += guest_counter() - timer_deadline;
		timer_ticks++;
		return;
	}
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

static void bench_exits(void)
{
	uint64_t i0;

	i0 = instructions();
#pragma clang loop unroll(disable)
	for (int i = 0; i < ROUNDS; i++) {
		__asm__ volatile(".globl bench_hvc_round\nbench_hvc_round:");
		hvc_call(PSCI_VERSION, 0, 0, 0);
	}
	report("null HVC (PSCI_VERSION)", (instructions() - i0) & 0xffffffffu);

	i0 = instructions();
#pragma clang loop unroll(disable)
	for (int i = 0; i < ROUNDS; i++) {
		__asm__ volatile(".globl bench_mmio_round\nbench_mmio_round:");
		(void)*UART_FR;
	}
	report("PL011 FR read (MMIO)", (instructions() - i0) & 0xffffffffu);

	i0 = instructions();
#pragma clang loop unroll(disable)
	for (int i = 0; i < ROUNDS; i++)
		(void)*GICD_TYPER;
	report("GICD_TYPER read (MMIO)", (instructions() - i0) & 0xffffffffu);
}

/* IRQ_ROUNDS timer interrupts, each 20 us ahead, waiting for each in WFI or spinning. */
static void bench_timer(bool wfi)
{
	timer_latency = 0;
	timer_ticks = 0;
	for (int i = 0; i < IRQ_ROUNDS; i++) {
		timer_deadline = guest_counter() + guest_counter_hz() / 50000;
		guest_timer_at(timer_deadline, true);
		while (timer_ticks <= i) {
			if (wfi)
				__asm__ volatile("wfi");
		}
	}
	report_time(wfi ? "virtual timer deadline to EOI, guest in WFI"
			: "virtual timer deadline to EOI, guest spinning",
		    timer_latency);
}

/* IRQ_ROUNDS SGI round trips to vCPU 1, both vCPUs on one host CPU, each waiting in WFI. */
static void bench_sgi(void)
{
	uint64_t t0 = guest_counter();

	for (int i = 0; i < IRQ_ROUNDS; i++) {
		guest_gic_send_sgi(PING, 1);
		while (pongs <= i)
			__asm__ volatile("wfi");
	}
	report_time("SGI round trip between two vCPUs on one host CPU, both in WFI",
		    guest_counter() - t0);
}

void guest_main(uint64_t cpu, uint64_t x0)
{
	(void)x0;
	if (cpu == 0) {
		counter_start();
		bench_exits();
	}
	guest_gic_init_cpu(cpu, (1u << GUEST_VTIMER_PPI) | (1u << PING) | (1u << PONG));
	if (cpu == 1) {
		cpu1_ready = 1;
		for (;;)
			__asm__ volatile("wfi");
	}
	guest_gic_enable();
	bench_timer(false);
	bench_timer(true);
	hvc_call(PSCI_CPU_ON64, 1, (uint64_t)(uintptr_t)_start, 0);
	while (!cpu1_ready)
		;
	bench_sgi();
	psci_system_off();
}

/* Exit-cost benchmark: the guest times many round trips of a null HVC (PSCI_VERSION) and of an
 * emulated PL011 register read. Under QEMU's -icount shift=0 the PMU's instructions-retired
 * event (counting at EL2 too: PMEVTYPER0_EL0.NSH) is the instruction path length of one exit,
 * identical in every run. Each round starts at a global label (bench_hvc_round,
 * bench_mmio_round) where an exit profiler can cut a trace into rounds. */
#include "guest.h"

#define ROUNDS 1000
#define UART_FR ((volatile uint32_t *)(GUEST_UART + 0x18))

#define PMCR_E (1u << 0)
#define PMEVTYPER_NSH (1u << 27) /* count at EL2 as well */
#define EVENT_INST_RETIRED 0x08

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

void guest_main(uint64_t cpu, uint64_t x0)
{
	uint64_t i0;

	(void)cpu;
	(void)x0;
	counter_start();
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
	psci_system_off();
}

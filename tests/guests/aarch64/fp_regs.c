/*
 * FP/SIMD registers across vCPU switches: two vCPUs that share one host CPU each fill v0..v31
 * and FPCR with values of their own, then spin for a while checking them; each is preempted
 * for the other many times, and the hypervisor loads a vCPU's registers lazily, at its first
 * FP/SIMD access after it is bound again. vCPU 0 reports both results.
 */
#include "guest.h"
#include "guest_gic.h"

#define CPACR_FPEN (3ull << 20)
#define FPCR_RMODE_SHIFT 22 /* rounding mode: each vCPU its own */

static volatile uint64_t progress[2], switches[2], wrong[2];
static volatile int finished[2];

void guest_irq(void)
{
}

/* v0..v31 = {seed + n, ~(seed + n)}, FPCR.RMode = rmode. */
static void fill(uint64_t seed, uint64_t rmode)
{
	__asm__ volatile(".arch_extension simd\n"
			 ".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,"
			 "25,26,27,28,29,30,31\n"
			 "add x9, %0, #\\n\n"
			 "mov v\\n\\().d[0], x9\n"
			 "mvn x9, x9\n"
			 "mov v\\n\\().d[1], x9\n"
			 ".endr\n"
			 "msr fpcr, %1" ::"r"(seed),
			 "r"(rmode << FPCR_RMODE_SHIFT)
			 : "x9", "memory");
}

/* How many of v0..v31's halves and FPCR differ from what fill(seed, rmode) put there. */
static uint64_t mismatches(uint64_t seed, uint64_t rmode)
{
	uint64_t bad = 0;

	__asm__ volatile(".arch_extension simd\n"
			 ".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,"
			 "25,26,27,28,29,30,31\n"
			 "add x9, %1, #\\n\n"
			 "mov x10, v\\n\\().d[0]\n"
			 "cmp x10, x9\n"
			 "cinc %0, %0, ne\n"
			 "mvn x9, x9\n"
			 "mov x10, v\\n\\().d[1]\n"
			 "cmp x10, x9\n"
			 "cinc %0, %0, ne\n"
			 ".endr\n"
			 "mrs x10, fpcr\n"
			 "cmp x10, %2\n"
			 "cinc %0, %0, ne"
			 : "+r"(bad)
			 : "r"(seed), "r"(rmode << FPCR_RMODE_SHIFT)
			 : "x9", "x10", "cc");
	return bad;
}

/* Checks this vCPU's registers for a quarter of a second, counting how often the other vCPU
 * ran meanwhile (on one host CPU: how often this one was switched out and in again). */
static void run(uint64_t cpu)
{
	uint64_t seed = 0x1000 * (cpu + 1), rmode = cpu + 1, other = progress[cpu ^ 1];
	uint64_t end = guest_counter() + guest_counter_hz() / 4;

	__asm__ volatile("msr cpacr_el1, %0\n\tisb" ::"r"(CPACR_FPEN));
	fill(seed, rmode);
	while (guest_counter() < end) {
		wrong[cpu] += mismatches(seed, rmode);
		progress[cpu]++;
		if (progress[cpu ^ 1] != other) {
			other = progress[cpu ^ 1];
			switches[cpu]++;
		}
	}
	finished[cpu] = 1;
}

void guest_main(uint64_t cpu, uint64_t x0)
{
	(void)x0;
	if (cpu == 1) {
		run(1);
		for (;;)
			__asm__ volatile("wfi");
	}
	hvc_call(PSCI_CPU_ON64, 1, (uint64_t)(uintptr_t)_start, 0);
	run(0);
	while (!finished[1])
		;
	for (int i = 0; i < 2; i++)
		guest_printf("fp: vcpu %d: %llu wrong register halves, saw the other run %s\n", i,
			     (unsigned long long)wrong[i],
			     switches[i] ? "after switches" : "never");
	psci_system_off();
}

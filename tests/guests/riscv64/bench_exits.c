/* Exit-cost benchmark: the guest times many round trips of a null SBI call and of an emulated
 * UART register read. Under QEMU's -icount shift=0, cycle and instret count instructions, so
 * the figures are the instruction path length of one exit, identical in every run. Each round
 * starts at a global label (bench_sbi_round, bench_mmio_round) where the exit profiler
 * (tests/bench/exit_profile.py) cuts a trace into rounds. */
#include "guest.h"

#define ROUNDS 1000
#define UART_LSR ((volatile uint8_t *)0x10000005ul)

static uint64_t instret(void)
{
	uint64_t v;

	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}

static uint64_t cycles(void)
{
	uint64_t v;

	__asm__ volatile("rdcycle %0" : "=r"(v));
	return v;
}

static void report(const char *what, uint64_t insns, uint64_t cyc)
{
	guest_printf("bench: %s: %lu instructions, %lu cycles per round trip (%d rounds)\n", what,
		     (unsigned long)(insns / ROUNDS), (unsigned long)(cyc / ROUNDS), ROUNDS);
}

void guest_main(uint64_t hart, uint64_t dtb)
{
	uint64_t i0, c0;

	(void)hart;
	(void)dtb;
	i0 = instret();
	c0 = cycles();
#pragma clang loop unroll(disable)
	for (int i = 0; i < ROUNDS; i++) {
		__asm__ volatile(".globl bench_sbi_round\nbench_sbi_round:");
		sbi_call(SBI_EXT_BASE, 0, 0, 0, 0);
	}
	report("null SBI call", instret() - i0, cycles() - c0);

	i0 = instret();
	c0 = cycles();
#pragma clang loop unroll(disable)
	for (int i = 0; i < ROUNDS; i++) {
		__asm__ volatile(".globl bench_mmio_round\nbench_mmio_round:");
		(void)*UART_LSR;
	}
	report("UART LSR read (MMIO)", instret() - i0, cycles() - c0);
	sbi_shutdown();
}

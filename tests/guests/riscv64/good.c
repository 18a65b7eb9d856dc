/* The good VM of tests/hostile: work that needs its CPU and its timer for a while (five 20 ms
 * sleeps in wfi, each ended by its timer interrupt, with a line after each), then a power-off.
 * It must finish whatever the hostile VM next to it does. */
#include "guest.h"

#define SBI_EXT_TIME 0x54494d45
#define SIE_STIE (1ul << 5)
#define SSTATUS_SIE (1ul << 1)
#define IRQ_TIMER ((1ul << 63) | 5)
#define TICKS_20MS 200000ul /* QEMU virt: 10 MHz timebase */

extern char guest_trap_entry[];
void guest_trap(unsigned long scause);

static volatile int ticks;

void guest_trap(unsigned long scause)
{
	if (scause != IRQ_TIMER) {
		guest_printf("good: unexpected trap %lx\n", scause);
		sbi_shutdown();
	}
	sbi_call(SBI_EXT_TIME, 0, -1, 0, 0);
	ticks++;
}

void guest_main(uint64_t hart, uint64_t dtb)
{
	(void)hart;
	(void)dtb;
	__asm__ volatile("csrw stvec, %0" ::"r"(guest_trap_entry));
	__asm__ volatile("csrs sie, %0" ::"r"(SIE_STIE));
	__asm__ volatile("csrs sstatus, %0" ::"r"(SSTATUS_SIE));
	guest_printf("good: start\n");
	for (int i = 1; i <= 5; i++) {
		int before = ticks;

		sbi_call(SBI_EXT_TIME, 0, (long)(guest_time() + TICKS_20MS), 0, 0);
		while (ticks == before)
			__asm__ volatile("wfi");
		guest_printf("good: tick %d\n", i);
	}
	guest_printf("good: done\n");
	sbi_shutdown();
}

/* SBI TIME: arms the timer, sleeps in wfi with interrupts enabled until the supervisor timer
 * interrupt is taken (as Linux and U-Boot take it), and checks it did not come early; twice,
 * with a second, shorter deadline. */
#include "guest.h"

#define SBI_EXT_TIME 0x54494d45
#define SIE_STIE (1ul << 5)
#define SSTATUS_SIE (1ul << 1)
#define IRQ_TIMER ((1ul << 63) | 5)
#define TICKS_10MS 100000ul /* QEMU virt: 10 MHz timebase */

extern char guest_trap_entry[];
void guest_trap(unsigned long scause);

static volatile int fired;
static volatile unsigned long unexpected;

void guest_trap(unsigned long scause)
{
	if (scause != IRQ_TIMER) {
		unexpected = scause;
		sbi_shutdown();
	}
	/* A deadline far away clears the pending interrupt. */
	sbi_call(SBI_EXT_TIME, 0, -1, 0, 0);
	fired++;
}

static unsigned long wait_for_timer(unsigned long delta)
{
	unsigned long start = guest_time();
	int before = fired;

	sbi_call(SBI_EXT_TIME, 0, (long)(start + delta), 0, 0);
	while (fired == before)
		__asm__ volatile("wfi");
	return guest_time() - start;
}

void guest_main(uint64_t hart, uint64_t dtb)
{
	unsigned long first, second;

	(void)hart;
	(void)dtb;
	__asm__ volatile("csrw stvec, %0" ::"r"(guest_trap_entry));
	__asm__ volatile("csrs sie, %0" ::"r"(SIE_STIE));
	__asm__ volatile("csrs sstatus, %0" ::"r"(SSTATUS_SIE));
	first = wait_for_timer(TICKS_10MS);
	second = wait_for_timer(TICKS_10MS / 10);
	guest_printf("timer: first %s, second %s, %d interrupts\n",
		     first >= TICKS_10MS ? "on time" : "EARLY",
		     second >= TICKS_10MS / 10 ? "on time" : "EARLY", fired);
	sbi_shutdown();
}

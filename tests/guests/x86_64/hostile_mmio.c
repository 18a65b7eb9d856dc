/* Hostile x86_64 guests' device accesses the hypervisor cannot emulate, each stopping its VM
 * alone, with a report: which one comes from the MISDEED macro the build gives (1: an ADD to a
 * UART register, a read-modify-write no MOV decoder takes; 2: a 2-byte read of a local APIC
 * register, which the APIC does not have; 3: instructions fetched from the UART's page). */
#include "guest.h"

void guest_main(uint64_t arg)
{
	(void)arg;
	guest_printf("hostile: misdeed %d\n", MISDEED);
#if MISDEED == 1
	__asm__ volatile("addl $1, (%0)" : : "r"(GUEST_UART) : "memory");
#elif MISDEED == 2
	uint16_t v;

	__asm__ volatile("movw (%1), %0" : "=r"(v) : "r"(GUEST_APIC + 0x20) : "memory");
	(void)v;
#else
	((void (*)(void))GUEST_UART)();
#endif
	guest_printf("hostile: the misdeed returned\n");
}

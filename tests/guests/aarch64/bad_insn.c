/* A store pair to the PL011: two registers in one access, which the hypervisor cannot split
 * (the syndrome has no ISV, and the fault address may be either half's): this VM stops. */
#include "guest.h"

void guest_main(uint64_t cpu, uint64_t x0)
{
	(void)cpu;
	(void)x0;
	guest_printf("stp to the PL011\n");
	__asm__ volatile("stp %w0, %w0, [%1]" ::"r"(0x41u), "r"(GUEST_UART) : "memory");
	guest_printf("the store returned\n");
	psci_system_off();
}

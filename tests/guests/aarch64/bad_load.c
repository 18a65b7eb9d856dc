/* A load from a guest-physical address with nothing behind it: the hypervisor stops this VM
 * only. */
#include "guest.h"

void guest_main(uint64_t cpu, uint64_t x0)
{
	(void)cpu;
	(void)x0;
	guest_printf("loading from 0x20000000\n");
	(void)*(volatile uint32_t *)0x20000000ul;
	guest_printf("the load returned\n");
	psci_system_off();
}

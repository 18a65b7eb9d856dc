/* Loads from a guest-physical address with neither memory nor a device behind it. */
#include "guest.h"

void guest_main(uint64_t hart, uint64_t dtb)
{
	(void)hart;
	(void)dtb;
	guest_printf("loading from 0x40000000\n");
	guest_printf("read 0x%lx\n", (unsigned long)*(volatile uint64_t *)0x40000000ul);
	sbi_shutdown();
}

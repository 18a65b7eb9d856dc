/* Stores to read-only guest memory. */
#include "guest.h"

void guest_main(uint64_t hart, uint64_t dtb)
{
	(void)hart;
	(void)dtb;
	guest_printf("rom reads 0x%x\n", *(volatile uint32_t *)0x81000000ul);
	guest_printf("storing to read-only 0x81000010\n");
	*(volatile uint32_t *)0x81000010ul = 1;
	guest_printf("the store went through\n");
	sbi_shutdown();
}

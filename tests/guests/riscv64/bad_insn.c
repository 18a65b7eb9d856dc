/* An atomic memory operation on an MMIO register: not a plain load or store, so the
 * hypervisor cannot emulate it. */
#include "guest.h"

void guest_main(uint64_t hart, uint64_t dtb)
{
	volatile uint32_t *uart = (volatile uint32_t *)0x10000000ul;
	uint32_t old;

	(void)hart;
	(void)dtb;
	guest_printf("amoswap.w on the UART\n");
	__asm__ volatile("amoswap.w %0, %1, (%2)" : "=r"(old) : "r"(0x41), "r"(uart) : "memory");
	guest_printf("the amo went through: 0x%x\n", old);
	sbi_shutdown();
}

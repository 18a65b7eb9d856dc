/* A 4-byte read whose last two bytes lie past the end of the UART's register window: the
 * hypervisor refuses it as an invalid access and stops this VM alone. */
#include "tests/conformance/conf.h"

void conf_main(void)
{
	const uint64_t addr = CONF_UART + CONF_UART_SIZE - 2;

	conf_printf("conformance mmio-straddle: reading 4 bytes at 0x%lx\n", (unsigned long)addr);
	(void)conf_read(addr, 4);
	conf_printf("conformance mmio-straddle: the read returned\n");
	conf_poweroff();
}

/* A 1-byte read just past the UART's register window, where nothing is: the hypervisor finds
 * no device there and stops this VM alone. */
#include "tests/conformance/conf.h"

void conf_main(void)
{
	const uint64_t addr = CONF_UART + CONF_UART_SIZE;

	conf_printf("conformance mmio-past-end: reading 1 byte at 0x%lx\n", (unsigned long)addr);
	(void)conf_read(addr, 1);
	conf_printf("conformance mmio-past-end: the read returned\n");
	conf_poweroff();
}

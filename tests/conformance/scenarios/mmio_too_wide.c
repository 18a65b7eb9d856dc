/* An 8-byte read of a UART whose registers are bytes: no bus completes it, so the hypervisor
 * stops this VM alone. */
#include "tests/conformance/conf.h"

void conf_main(void)
{
	conf_printf("conformance mmio-too-wide: reading 8 bytes at 0x%lx\n",
		    (unsigned long)CONF_UART);
	(void)conf_read(CONF_UART, 8);
	conf_printf("conformance mmio-too-wide: the read returned\n");
	conf_poweroff();
}

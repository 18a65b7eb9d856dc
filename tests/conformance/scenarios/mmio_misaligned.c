/* A 4-byte read one byte into the UART's registers: misaligned for every register, so no
 * device completes it and the hypervisor stops this VM alone. */
#include "tests/conformance/conf.h"

void conf_main(void)
{
	conf_printf("conformance mmio-misaligned: reading 4 bytes at 0x%lx\n",
		    (unsigned long)(CONF_UART + 1));
	(void)conf_read(CONF_UART + 1, 4);
	conf_printf("conformance mmio-misaligned: the read returned\n");
	conf_poweroff();
}

/* Console output through the VM's emulated UART, then a power-off the host reports. */
#include "tests/conformance/conf.h"

void conf_main(void)
{
	conf_printf("conformance console: printed through the VM's UART\n");
	conf_poweroff();
}

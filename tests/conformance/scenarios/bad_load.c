/* A load from guest-physical memory that is neither memory nor a device: the hypervisor stops
 * this VM alone and reports why. */
#include "tests/conformance/conf.h"

void conf_main(void)
{
	conf_printf("conformance bad-load: loading from 0x%lx\n", (unsigned long)CONF_HOLE);
	(void)conf_read(CONF_HOLE, 8);
	conf_printf("conformance bad-load: the load returned\n");
	conf_poweroff();
}

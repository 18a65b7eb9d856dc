/* A store to guest-physical memory that is neither memory nor a device: the hypervisor stops
 * this VM alone and reports why. */
#include "tests/conformance/conf.h"

void conf_main(void)
{
	conf_printf("conformance store-hole: storing to 0x%lx\n", (unsigned long)CONF_HOLE);
	conf_write(CONF_HOLE, 8, 1);
	conf_printf("conformance store-hole: the store returned\n");
	conf_poweroff();
}

/* A store to guest memory the VM may only read: the hypervisor stops this VM alone and reports
 * the permission it lacks. */
#include "tests/conformance/conf.h"

void conf_main(void)
{
	const uint64_t addr = CONF_READONLY + 0x10;

	conf_printf("conformance store-readonly: storing to 0x%lx\n", (unsigned long)addr);
	conf_write(addr, 4, 1);
	conf_printf("conformance store-readonly: the store returned\n");
	conf_poweroff();
}

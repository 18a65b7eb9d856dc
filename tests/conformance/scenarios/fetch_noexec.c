/* A jump into guest memory the VM may read and write but not execute: the hypervisor stops
 * this VM alone and reports the permission it lacks. */
#include "tests/conformance/conf.h"

void conf_main(void)
{
	conf_printf("conformance fetch-noexec: jumping to 0x%lx\n", (unsigned long)CONF_NOEXEC);
	conf_jump(CONF_NOEXEC);
}

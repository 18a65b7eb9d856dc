/* A jump to guest-physical memory that is neither memory nor a device: the hypervisor stops
 * this VM alone (there is no instruction to emulate). */
#include "tests/conformance/conf.h"

void conf_main(void)
{
	conf_printf("conformance fetch-hole: jumping to 0x%lx\n", (unsigned long)CONF_HOLE);
	conf_jump(CONF_HOLE);
}

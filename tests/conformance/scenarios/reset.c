/* A reset request, which this VM's configuration turns into a stop (on-reset = "stop"): the
 * host reports who asked. */
#include "tests/conformance/conf.h"

void conf_main(void)
{
	conf_printf("conformance reset: asking for a reset\n");
	conf_reset();
}

/* A firmware call the hypervisor answers (SBI, PSCI), many times over: each is a full round
 * trip through the hypervisor, and every answer is the same. */
#include "tests/conformance/conf.h"

void conf_main(void)
{
	long first = conf_firmware_version();
	int same = 0;

	for (int i = 0; i < 1000; i++)
		same += conf_firmware_version() == first;
	conf_printf("conformance firmware-call: version %s, %d of 1000 answers the same\n",
		    first > 0 ? "positive" : "NOT POSITIVE", same);
	conf_poweroff();
}

/* A CPU that spins for a second reading its clock, never exiting of its own accord, next to a
 * VM that must finish all the same: the host takes the CPU from it when its time is up. */
#include "tests/conformance/conf.h"

#define SPIN_MS 1000

void conf_main(void)
{
	uint64_t end = conf_now() + SPIN_MS * conf_ticks_per_ms();

	while (conf_now() < end)
		;
	conf_printf("conformance spin: spun for %d ms\n", SPIN_MS);
	conf_poweroff();
}

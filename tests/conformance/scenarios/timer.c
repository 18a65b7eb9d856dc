/* The CPU's timer, twice: the CPU halts until the interrupt, which does not come early. */
#include "tests/conformance/conf.h"

static const char *wait_for_timer(uint64_t ms, unsigned count)
{
	uint64_t start = conf_now();
	uint64_t deadline = start + ms * conf_ticks_per_ms();

	conf_timer_at(deadline);
	conf_wait_irqs(CONF_IRQ_TIMER, count);
	return conf_now() >= deadline ? "on time" : "EARLY";
}

void conf_main(void)
{
	const char *first = wait_for_timer(10, 1);
	const char *second = wait_for_timer(1, 2);

	conf_printf("conformance timer: first %s, second %s, %u interrupts\n", first, second,
		    conf_irqs(CONF_IRQ_TIMER));
	conf_poweroff();
}

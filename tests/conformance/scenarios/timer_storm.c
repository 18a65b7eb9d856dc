/* A timer interrupt storm next to a VM that must finish all the same: the CPU arms its timer
 * for now, STORM times over, and takes each interrupt, exactly one per arming. */
#include "tests/conformance/conf.h"

#define STORM 20000

void conf_main(void)
{
	for (unsigned i = 1; i <= STORM; i++) {
		conf_timer_at(conf_now());
		conf_wait_irqs(CONF_IRQ_TIMER, i);
	}
	conf_printf("conformance timer-storm: %d timers armed, %u interrupts taken\n", STORM,
		    conf_irqs(CONF_IRQ_TIMER));
	conf_poweroff();
}

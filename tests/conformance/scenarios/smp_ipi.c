/* Two CPUs: CPU 0 starts CPU 1 through the firmware interface; they trade inter-processor
 * interrupts, each halted until its own arrives; CPU 1 then turns itself off. */
#include "tests/conformance/conf.h"

static volatile int cpu1_up;

static void cpu1(unsigned cpu)
{
	cpu1_up = 1;
	conf_wait_irqs(CONF_IRQ_IPI, 1);
	conf_printf("conformance smp-ipi: cpu %u up, got an IPI\n", cpu);
	conf_send_ipi(0);
}

void conf_main(void)
{
	int err = conf_start_cpu(1, cpu1);

	while (!err && !cpu1_up)
		;
	conf_send_ipi(1);
	if (!err)
		conf_wait_irqs(CONF_IRQ_IPI, 1);
	conf_printf("conformance smp-ipi: start %d, cpu 0 got %u IPI\n", err,
		    conf_irqs(CONF_IRQ_IPI));
	conf_poweroff();
}

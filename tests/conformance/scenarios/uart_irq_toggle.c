/* The UART's interrupt turned on and off TOGGLES times, every edge of its line reaching only
 * the interrupt controller, next to a VM that must finish all the same; the host may say
 * that an interrupt was refused at most once per vCPU (scenarios.bzl). Then one device
 * interrupt still arrives through the controller. */
#include "tests/conformance/conf.h"

#define TOGGLES 3000

void conf_main(void)
{
	for (int i = 0; i < TOGGLES; i++) {
		conf_uart_irq(true);
		conf_uart_irq(false);
	}
	conf_uart_irq_once();
	conf_wait_irqs(CONF_IRQ_DEVICE, 1);
	conf_printf("conformance uart-irq-toggle: toggled the UART's interrupt %d times, then "
		    "%s device interrupt taken\n",
		    TOGGLES, conf_irqs(CONF_IRQ_DEVICE) ? "a" : "NO");
	conf_poweroff();
}

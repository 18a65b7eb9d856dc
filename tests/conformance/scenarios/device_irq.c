/* A device's interrupt through the VM's interrupt controller: the UART's transmitter-empty
 * interrupt reaches the CPU, which takes it, turns it off and acknowledges it. */
#include "tests/conformance/conf.h"

void conf_main(void)
{
	conf_uart_irq_once();
	conf_wait_irqs(CONF_IRQ_DEVICE, 1);
	conf_printf("conformance device-irq: %u device interrupt taken\n",
		    conf_irqs(CONF_IRQ_DEVICE));
	conf_poweroff();
}

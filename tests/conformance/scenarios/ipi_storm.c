/* A storm of IPIs to itself, next to a VM that must finish all the same: a burst (the IPIs
 * pending at once merge, but at least one is taken), then a chain in which each IPI is taken
 * before the next is sent, so none may be lost; the other VM is not starved. */
#include "tests/conformance/conf.h"

#define BURST 5000
#define CHAIN 20000

void conf_main(void)
{
	unsigned before;

	for (int i = 0; i < BURST; i++)
		conf_send_ipi(0);
	conf_wait_irqs(CONF_IRQ_IPI, 1);
	conf_printf("conformance ipi-storm: %d IPIs sent, %s taken\n", BURST,
		    conf_irqs(CONF_IRQ_IPI) >= 1 ? "at least one" : "NONE");
	before = conf_irqs(CONF_IRQ_IPI);
	for (unsigned i = 1; i <= CHAIN; i++) {
		conf_send_ipi(0);
		conf_wait_irqs(CONF_IRQ_IPI, before + i);
	}
	conf_printf("conformance ipi-storm: a chain of %d IPIs, %u taken\n", CHAIN,
		    conf_irqs(CONF_IRQ_IPI) - before);
	conf_poweroff();
}

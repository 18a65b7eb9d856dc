/* Memory populated on first touch: pages far apart in the lazy region keep what is written
 * to them, and read zero before. */
#include "tests/conformance/conf.h"

void conf_main(void)
{
	volatile uint64_t *first = (volatile uint64_t *)CONF_LAZY_BASE;
	volatile uint64_t *middle = (volatile uint64_t *)(CONF_LAZY_BASE + CONF_LAZY_SIZE / 2);
	volatile uint64_t *last = (volatile uint64_t *)(CONF_LAZY_BASE + CONF_LAZY_SIZE - 8);
	int zero = (*first == 0) + (*middle == 0) + (*last == 0);

	*first = 1;
	*middle = 2;
	*last = 3;
	conf_printf("conformance lazy-memory: %d pages read zero first, sum %lu\n", zero,
		    (unsigned long)(*first + *middle + *last));
	conf_poweroff();
}

/* Memory populated on first touch: pages far apart in the lazy region keep what is written
 * to them, and read zero before. */
#include "tests/conformance/conf.h"

void conf_main(void)
{
	const uint64_t first = CONF_LAZY_BASE;
	const uint64_t middle = CONF_LAZY_BASE + CONF_LAZY_SIZE / 2;
	const uint64_t last = CONF_LAZY_BASE + CONF_LAZY_SIZE - 8;
	int zero =
	    (conf_read64(first) == 0) + (conf_read64(middle) == 0) + (conf_read64(last) == 0);

	conf_write64(first, 1);
	conf_write64(middle, 2);
	conf_write64(last, 3);
	conf_printf("conformance lazy-memory: %d pages read zero first, sum %lu\n", zero,
		    (unsigned long)(conf_read64(first) + conf_read64(middle) + conf_read64(last)));
	conf_poweroff();
}

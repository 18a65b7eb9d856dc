/* Memory populated on first touch: pages far apart in the lazy region keep what is written
 * to them, and read zero before. */
#include "tests/conformance/conf.h"

void conf_main(void)
{
	const uint64_t first = CONF_LAZY_BASE;
	const uint64_t middle = CONF_LAZY_BASE + CONF_LAZY_SIZE / 2;
	const uint64_t last = CONF_LAZY_BASE + CONF_LAZY_SIZE - 8;
	int zero =
	    (conf_read(first, 8) == 0) + (conf_read(middle, 8) == 0) + (conf_read(last, 8) == 0);

	conf_write(first, 8, 1);
	conf_write(middle, 8, 2);
	conf_write(last, 8, 3);
	conf_printf(
	    "conformance lazy-memory: %d pages read zero first, sum %lu\n", zero,
	    (unsigned long)(conf_read(first, 8) + conf_read(middle, 8) + conf_read(last, 8)));
	conf_poweroff();
}

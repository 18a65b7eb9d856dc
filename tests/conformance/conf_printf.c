/* conf_printf for every architecture: formatted once, written with the shim's conf_puts. */
#include <stdarg.h>

#include <axvm/format.h>

#include "tests/conformance/conf.h"

void conf_printf(const char *fmt, ...)
{
	char line[160];
	va_list ap;

	va_start(ap, fmt);
	ax_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	conf_puts(line);
}

/* A console flood next to a VM that must finish all the same: LINES long lines through the
 * UART, each of which must reach the host's console whole and in order (scenarios.bzl). */
#include "tests/conformance/conf.h"

#define LINES 300
#define FILL 100 /* the digits 0-9, over and over */

void conf_main(void)
{
	char fill[FILL + 1];

	for (int i = 0; i < FILL; i++)
		fill[i] = (char)('0' + i % 10);
	fill[FILL] = '\0';
	for (int i = 1; i <= LINES; i++)
		conf_printf("conformance console-flood: line %d of %d: %s\n", i, LINES, fill);
	conf_poweroff();
}

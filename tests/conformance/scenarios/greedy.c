/* A guest that touches every page of its lazily populated memory: each page keeps what was
 * written to it, and the host's report of the memory the VM held counts every page
 * (scenarios.bzl). */
#include "tests/conformance/conf.h"

#define PAGE 4096

void conf_main(void)
{
	unsigned kept = 0;

	for (uint64_t a = CONF_LAZY_BASE; a < CONF_LAZY_BASE + CONF_LAZY_SIZE; a += PAGE)
		conf_write(a, 8, a);
	for (uint64_t a = CONF_LAZY_BASE; a < CONF_LAZY_BASE + CONF_LAZY_SIZE; a += PAGE)
		kept += conf_read(a, 8) == a;
	conf_printf("conformance greedy: touched all %lu KiB of lazy memory, %u of %lu pages kept "
		    "what was written\n",
		    (unsigned long)(CONF_LAZY_SIZE >> 10), kept,
		    (unsigned long)(CONF_LAZY_SIZE / PAGE));
	conf_poweroff();
}

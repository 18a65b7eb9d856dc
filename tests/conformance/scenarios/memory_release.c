/* Memory the guest gives back while another of its CPUs keeps reading it: CPU 0 writes a page
 * of lazy memory and starts CPU 1, which reads the page until it changes; CPU 0 releases the
 * page. CPU 1 must then read zeroes, as CPU 0 does: the host freed the page and no CPU kept a
 * translation of it (one that did would go on reading freed memory). Releases of memory the
 * VM does not own, or not page-aligned, are refused. */
#include "tests/conformance/conf.h"

#define PAGE 4096u
#define PATTERN 0x5eed5eed5eed5eedull
#define WAIT_MS 2000u

enum { WAITING, SAW_ZERO, SAW_PATTERN_TOO_LONG, SAW_OTHER };

static volatile int saw_pattern;
static volatile int result;

static void reader(unsigned cpu)
{
	uint64_t start, seen;

	(void)cpu;
	while (conf_read(CONF_LAZY_BASE + 8, 8) != PATTERN)
		;
	saw_pattern = 1;
	start = conf_now();
	while ((seen = conf_read(CONF_LAZY_BASE + 8, 8)) == PATTERN &&
	       conf_now() - start < WAIT_MS * conf_ticks_per_ms())
		;
	result = seen == 0 ? SAW_ZERO : seen == PATTERN ? SAW_PATTERN_TOO_LONG : SAW_OTHER;
}

static const char *refused(int err)
{
	return err ? "yes" : "NO";
}

void conf_main(void)
{
	static const char *const results[] = {"nothing", "zero", "the old pattern for 2 s",
					      "something else"};
	uint64_t start;
	int err;

	conf_write(CONF_LAZY_BASE + 8, 8, PATTERN);
	conf_write(CONF_LAZY_BASE + PAGE - 8, 8, PATTERN);
	err = conf_start_cpu(1, reader);
	while (!err && !saw_pattern)
		conf_now();
	err = err ? err : conf_release_memory(CONF_LAZY_BASE, PAGE);
	start = conf_now();
	while (result == WAITING && conf_now() - start < 2 * WAIT_MS * conf_ticks_per_ms())
		;
	conf_printf("conformance memory-release: released with %d, the other CPU read %s\n", err,
		    results[result]);
	conf_printf("conformance memory-release: the page reads 0x%llx, 0x%llx\n",
		    (unsigned long long)conf_read(CONF_LAZY_BASE + 8, 8),
		    (unsigned long long)conf_read(CONF_LAZY_BASE + PAGE - 8, 8));
	conf_printf("conformance memory-release: refused: unaligned %s, a hole %s, the UART %s\n",
		    refused(conf_release_memory(CONF_LAZY_BASE + 8, PAGE)),
		    refused(conf_release_memory(CONF_HOLE, PAGE)),
		    refused(conf_release_memory(CONF_UART, PAGE)));
	conf_poweroff();
}

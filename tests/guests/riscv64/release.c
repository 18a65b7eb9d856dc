/*
 * Memory a guest gives back while another of its harts keeps reading it. Hart 0 fills a page
 * and starts hart 1, which reads the page in a loop; once hart 1 has seen the pattern, hart 0
 * releases the page through axvm-c's SBI extension (memory_release). Hart 1 must then read
 * zeroes: the host freed the page and every hart forgot its translation (with a stale one it
 * would keep reading the freed page). Then hart 0 reads the page back (zero, populated again)
 * and checks the errors of bad releases.
 */
#include "guest.h"

#define SBI_EXT_HSM 0x48534d
#define SBI_EXT_AXVM 0x0a58564d
#define HSM_START 0
#define HSM_STOP 1
#define BASE_PROBE_EXTENSION 3
#define AXVM_MEMORY_RELEASE 0
#define PATTERN 0x5eed5eed5eed5eedul
#define WAIT_TICKS 20000000ul /* 2 s of QEMU virt's 10 MHz timebase */

enum { WAITING, SAW_ZERO, SAW_PATTERN_TOO_LONG, SAW_OTHER };

extern char _start[];

static volatile uint64_t page[512] __attribute__((aligned(4096)));
static volatile int hart1_saw_pattern;
static volatile int hart1_result;

/* Reads the page until it no longer holds the pattern, for at most WAIT_TICKS. */
static void hart1(void)
{
	unsigned long start;
	uint64_t seen;

	while (page[7] != PATTERN)
		;
	hart1_saw_pattern = 1;
	start = guest_time();
	while ((seen = page[7]) == PATTERN && guest_time() - start < WAIT_TICKS)
		;
	__sync_synchronize();
	hart1_result = seen == 0 ? SAW_ZERO : seen == PATTERN ? SAW_PATTERN_TOO_LONG : SAW_OTHER;
	sbi_call(SBI_EXT_HSM, HSM_STOP, 0, 0, 0);
}

static long release(unsigned long base, unsigned long size)
{
	return sbi_call(SBI_EXT_AXVM, AXVM_MEMORY_RELEASE, (long)base, (long)size, 0).error;
}

void guest_main(uint64_t hart, uint64_t dtb)
{
	static const char *const results[] = {"nothing", "zero", "the old pattern for 2 s",
					      "something else"};
	unsigned long start;
	long err;

	(void)dtb;
	if (hart == 1) {
		hart1();
		return;
	}
	guest_printf("hart 0: extension probed: %ld\n",
		     sbi_call(SBI_EXT_BASE, BASE_PROBE_EXTENSION, SBI_EXT_AXVM, 0, 0).value);
	for (int i = 0; i < 512; i++)
		page[i] = PATTERN;
	__sync_synchronize();
	sbi_call(SBI_EXT_HSM, HSM_START, 1, (long)_start, 0);
	while (!hart1_saw_pattern)
		;
	err = release((unsigned long)page, sizeof(page));
	guest_printf("hart 0: released the page: error %ld\n", err);
	start = guest_time();
	while (hart1_result == WAITING && guest_time() - start < 2 * WAIT_TICKS)
		;
	guest_printf("hart 1: read %s after the release\n", results[hart1_result]);
	guest_printf("hart 0: the page reads 0x%lx, 0x%lx\n", (unsigned long)page[7],
		     (unsigned long)page[511]);
	page[7] = 1;
	guest_printf("bad releases: unaligned %ld, empty %ld, outside memory %ld, a device %ld\n",
		     release((unsigned long)page + 8, 4096), release((unsigned long)page, 0),
		     release(0x40000000ul, 4096), release(0x10000000ul, 4096));
	sbi_shutdown();
}

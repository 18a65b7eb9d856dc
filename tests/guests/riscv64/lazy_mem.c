/* Touches three pages of a lazily populated region: each first touch is a stage-2 fault the
 * hypervisor answers with a fresh zeroed page; an untouched page still reads as zero. */
#include "guest.h"

#define LAZY_BASE 0x84000000ul
#define PAGE 4096ul

void guest_main(uint64_t hart, uint64_t dtb)
{
	static const unsigned long offsets[] = {0, 5 * PAGE + 8, 1023 * PAGE + 4088};
	unsigned long sum = 0;

	(void)hart;
	(void)dtb;
	for (unsigned i = 0; i < 3; i++) {
		volatile unsigned long *p = (volatile unsigned long *)(LAZY_BASE + offsets[i]);

		if (*p != 0)
			guest_printf("page %u was not zero\n", i);
		*p = 0x1000 + i;
	}
	for (unsigned i = 0; i < 3; i++)
		sum += *(volatile unsigned long *)(LAZY_BASE + offsets[i]);
	guest_printf("lazy: 3 pages written, sum 0x%lx\n", sum);
	sbi_shutdown();
}

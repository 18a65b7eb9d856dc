/* Spins for a second of guest time without a single exit (it reads the time CSR, which VS-mode
 * may), then powers off: only the host's time slice can take its CPU away meanwhile. */
#include "guest.h"

#define SPIN_TICKS 10000000ul /* one second at QEMU virt's 10 MHz */

void guest_main(uint64_t hart, uint64_t dtb)
{
	unsigned long start;

	(void)hart;
	(void)dtb;
	guest_printf("spin: start\n");
	start = guest_time();
	while (guest_time() - start < SPIN_TICKS)
		;
	guest_printf("spin: done\n");
	sbi_shutdown();
}

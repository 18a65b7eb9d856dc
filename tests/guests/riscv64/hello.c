/* The first guest: console output through the emulated NS16550, an SBI round trip, and a clean
 * power-off through SBI SRST. */
#include "guest.h"

void guest_main(uint64_t hart, uint64_t dtb)
{
	struct sbiret spec = sbi_call(SBI_EXT_BASE, 0, 0, 0, 0);

	guest_printf("hello from a guest: hart %lu, dtb 0x%lx\n", (unsigned long)hart,
		     (unsigned long)dtb);
	guest_printf("sbi spec version 0x%lx (error %ld)\n", spec.value, spec.error);
	sbi_shutdown();
}

/* Calls SBI extensions and functions that do not exist. */
#include "guest.h"

void guest_main(uint64_t hart, uint64_t dtb)
{
	struct sbiret ext = sbi_call(0x0a11c0de, 0, 0, 0, 0);
	struct sbiret fid = sbi_call(SBI_EXT_BASE, 99, 0, 0, 0);

	(void)hart;
	(void)dtb;
	guest_printf("unknown extension: error %ld\n", ext.error);
	guest_printf("unknown base function: error %ld\n", fid.error);
	sbi_shutdown();
}

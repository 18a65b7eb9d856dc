#include "sbi.h"

struct sbi_ret sbi_call(uint64_t ext, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2)
{
	register uint64_t r_a0 __asm__("a0") = a0;
	register uint64_t r_a1 __asm__("a1") = a1;
	register uint64_t r_a2 __asm__("a2") = a2;
	register uint64_t r_a6 __asm__("a6") = fid;
	register uint64_t r_a7 __asm__("a7") = ext;

	__asm__ volatile("ecall"
			 : "+r"(r_a0), "+r"(r_a1)
			 : "r"(r_a2), "r"(r_a6), "r"(r_a7)
			 : "memory");
	return (struct sbi_ret){.error = (long)r_a0, .value = (long)r_a1};
}

void sbi_console_putchar(char c)
{
	sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (uint8_t)c, 0, 0);
}

long sbi_hart_start(uint64_t hart_id, uint64_t start, uint64_t opaque)
{
	return sbi_call(SBI_EXT_HSM, 0, hart_id, start, opaque).error;
}

void sbi_set_timer(uint64_t stime)
{
	sbi_call(SBI_EXT_TIME, 0, stime, 0, 0);
}

long sbi_send_ipi(uint64_t hart_mask, uint64_t hart_mask_base)
{
	return sbi_call(SBI_EXT_IPI, 0, hart_mask, hart_mask_base, 0).error;
}

void sbi_system_shutdown(int failed)
{
	/* reset_type 0 = shutdown; reason 0 = none, 1 = system failure. */
	sbi_call(SBI_EXT_SRST, 0, 0, failed ? 1 : 0, 0);
}

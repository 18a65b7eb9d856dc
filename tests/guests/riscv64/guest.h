/* The runtime of the riscv64 test guests: SBI calls, the emulated NS16550, printf. */
#ifndef TESTS_GUESTS_RISCV64_GUEST_H
#define TESTS_GUESTS_RISCV64_GUEST_H

#include <stdint.h>

#define SBI_EXT_BASE 0x10
#define SBI_EXT_SRST 0x53525354

struct sbiret {
	long error;
	long value;
};

/* Makes SBI call (ext, fid) with three arguments. */
struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2);

/* Powers the VM off through SBI SRST; does not return. */
void sbi_shutdown(void) __attribute__((noreturn));

/* Writes to the UART at 0x10000000 (an MMIO device the hypervisor emulates). */
void guest_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The time CSR: QEMU virt's 10 MHz timebase. */
static inline unsigned long guest_time(void)
{
	unsigned long t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

/* The test's body, called on every hart that starts (a0 = hart id, a1 = DTB). */
void guest_main(uint64_t hart, uint64_t dtb);

#endif

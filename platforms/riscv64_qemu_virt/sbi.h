/* Calls from the HS-mode hypervisor host into the SBI firmware (OpenSBI). */
#ifndef RISCV64_QEMU_VIRT_SBI_H
#define RISCV64_QEMU_VIRT_SBI_H

#include <stdint.h>

#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_HSM 0x48534d
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_IPI 0x735049
#define SBI_EXT_TIME 0x54494d45

struct sbi_ret {
	long error;
	long value;
};

/* Makes the SBI call (ext, fid) with up to three arguments. */
struct sbi_ret sbi_call(uint64_t ext, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2);

/* Prints one character on the firmware console (legacy extension); the console before the
 * devicetree has been read. */
void sbi_console_putchar(char c);

/* HSM hart_start: starts hart_id at the physical address start with a1 = opaque. */
long sbi_hart_start(uint64_t hart_id, uint64_t start, uint64_t opaque);

/* TIME: the next supervisor timer interrupt at stime (UINT64_MAX: none); clears a pending one. */
void sbi_set_timer(uint64_t stime);

/* sPI: sends a supervisor software interrupt to the harts in hart_mask (from hart_mask_base). */
long sbi_send_ipi(uint64_t hart_mask, uint64_t hart_mask_base);

/* SRST: shuts the system down, reporting a failure when failed is set. Returns only if the
 * firmware refused. */
void sbi_system_shutdown(int failed);

#endif

/* The runtime of the aarch64 test guests: SMCCC/PSCI calls, the emulated PL011, printf. */
#ifndef TESTS_GUESTS_AARCH64_GUEST_H
#define TESTS_GUESTS_AARCH64_GUEST_H

#include <stdint.h>

#define PSCI_VERSION 0x84000000ul
#define PSCI_FEATURES 0x8400000aul
#define PSCI_SYSTEM_OFF 0x84000008ul
#define PSCI_CPU_OFF 0x84000002ul
#define PSCI_CPU_ON64 0xc4000003ul
#define PSCI_AFFINITY_INFO64 0xc4000004ul
#define SMCCC_VERSION 0x80000000ul

/* The PL011 the VM configurations give the guests. */
#define GUEST_UART 0x09000000ul

/* Makes SMCCC call fn through HVC #0 with three arguments; returns x0. */
uint64_t hvc_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);

/* Powers the VM off through PSCI SYSTEM_OFF; does not return. */
void psci_system_off(void) __attribute__((noreturn));

/* Writes to the PL011 (an MMIO device the hypervisor emulates). */
void guest_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The image's entry point (start.S): where other CPUs are started. */
extern char _start[];

/* The test's body, called on every CPU that starts: its MPIDR affinity and its x0 at entry (the
 * DTB, or CPU_ON's context id). */
void guest_main(uint64_t cpu, uint64_t x0);

#endif

/* PSCI calls from the EL2 host to the firmware, through the conduit the devicetree names. */
#ifndef AARCH64_QEMU_VIRT_PSCI_H
#define AARCH64_QEMU_VIRT_PSCI_H

#include <stdbool.h>
#include <stdint.h>

#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)

/* Reads the devicetree's psci node: its method and (PSCI 0.1) its cpu_on function id. Only "smc"
 * can reach the firmware from EL2 ("hvc" would trap to this host itself). Returns false and sets
 * *why when PSCI is unusable. */
bool psci_init(const void *fdt, const char **why);

/* CPU_ON: starts the CPU with affinity mpidr at physical address entry, with x0 = context.
 * Returns a PSCI status (PSCI_SUCCESS, or negative). */
int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);

/* SYSTEM_OFF (PSCI 0.2 and later). Returns only if PSCI is unusable or the call failed. */
void psci_system_off(void);

#endif

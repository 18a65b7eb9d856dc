/* The boot parameters of a Linux VM on a PC (the VM config's boot-params image): from its
 * bzImage, its configuration and the host CPU's signature, the boot_params page, the command
 * line after it, the MP table at 639 KiB, where Linux looks for one, and, for a VM with the ACPI
 * sleep registers (axvm,acpi-sleep-registers on its ISA bus), the ACPI tables of a
 * hardware-reduced platform below it (acpi_tables.h; their RSDP in boot_params), through which
 * the guest powers off and, with an 8042, resets. The kernel image
 * becomes the bzImage's protected-mode part, which the VM loads at the kernel's load-addr and
 * enters by the boot protocol's 32-bit entry there, or by its 64-bit entry 0x200 past it, in
 * long mode on the boot tables (x86_vcpu/boot_tables.h) written at the configuration's
 * boot-tables, which lie in the boot parameters after the command line. Pure computation,
 * unit-tested on the host. */
#ifndef X86_64_PC_GUEST_BOOT_H
#define X86_64_PC_GUEST_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include <axvm/config.h>
#include <axvm/diag.h>

/* Where the MP table goes: the last KiB of 640 KiB of base memory, which Linux scans; the ACPI
 * tables take the 3 KiB below it. The e820 map leaves [GUEST_BOOT_ACPI_GPA, 1 MiB) out of RAM,
 * reserving [GUEST_BOOT_ACPI_GPA, 640 KiB). */
#define GUEST_BOOT_ACPI_GPA 0x9f000u
#define GUEST_BOOT_MPTABLE_GPA 0x9fc00u
#define GUEST_BOOT_BASE_MEMORY_END 0xa0000u

/* The devices the tables name: the I/O APIC (its reg gives the address), the ACPI sleep
 * registers, the 8042 and the serial port (their ports on the ISA bus). */
#define GUEST_BOOT_IOAPIC_COMPATIBLE "intel,ce4100-ioapic"
#define GUEST_BOOT_ACPI_SLEEP_COMPATIBLE "axvm,acpi-sleep-registers"
#define GUEST_BOOT_I8042_COMPATIBLE "intel,8042"
#define GUEST_BOOT_UART_COMPATIBLE "ns16550a"

/* What the host CPU tells the guest it is (CPUID.1 EAX and EDX). */
struct guest_boot_cpu {
	uint32_t signature;
	uint32_t features;
};

/* A kernel image: the bytes the host supplies. */
struct guest_boot_kernel {
	const void *data;
	size_t size;
};

/* Writes the boot parameters of cfg's VM into buf (size bytes, to be loaded at the
 * boot-params load-addr) and sets *used; kernel, the bzImage, becomes its protected-mode part.
 * initrd_size is the size of the initrd the VM loads (0: none). Returns 0; AXERR_INVALID when the
 * kernel is no bzImage the boot protocol 2.10+ loads high; AXERR_BAD_CONFIG when the kernel's
 * load-addr is not where the kernel may run, the entry is neither of its entries there (the
 * 32-bit one without boot-tables; the 64-bit one with them, for a kernel that has it and lies
 * below 4 GiB), the kernel's init_size does not fit in the memory region, there is no I/O APIC
 * device below 4 GiB, the buffer does not reach from the boot-params load-addr over the MP table,
 * the boot tables are not aligned or not between the command line and the ACPI tables, or the
 * command line or initrd is more than the kernel takes. diag says what is wrong. */
int guest_boot_params(const struct axvm_config *cfg, const struct guest_boot_cpu *cpu,
		      struct guest_boot_kernel *kernel, size_t initrd_size, void *buf, size_t size,
		      size_t *used, struct ax_diag *diag);

#endif

/* The guest's ACPI tables (ACPI 6.0): a hardware-reduced platform (no PM timer, no SCI, no
 * fixed hardware), which is what a PC VM without a chipset is. RSDP, XSDT, FADT (the sleep
 * control and status registers, and the reset register), a DSDT with \_S5 (so that the guest
 * can power off: it writes SLP_TYP 5 with SLP_EN to the sleep control register) and, when there
 * is one, the serial port as \_SB.COM1 (PNP0501 with its I/O ports and ISA IRQ: a
 * hardware-reduced platform has no legacy IRQs a driver could assume) and a MADT (a local APIC per
 * CPU, APIC IDs 0..cpu_count - 1, the I/O APIC, ISA IRQ 0 on GSI 2, LINT1 as NMI). Pure
 * computation, unit-tested on the host. */
#ifndef X86_64_PC_ACPI_TABLES_H
#define X86_64_PC_ACPI_TABLES_H

#include <stddef.h>
#include <stdint.h>

/* The most CPUs the MADT lists (APIC IDs are 8 bits, one is the I/O APIC's). */
#define ACPI_TABLES_MAX_CPUS 254

/* SLP_TYP of S5 in \_S5: what the guest writes to power off. */
#define ACPI_TABLES_S5_TYPE 5

struct acpi_tables_config {
	uint32_t cpu_count;   /* 1..ACPI_TABLES_MAX_CPUS */
	uint32_t lapic_addr;  /* the local APICs' address, 0xfee00000 */
	uint32_t ioapic_addr; /* the I/O APIC's; its ID is cpu_count */
	uint16_t sleep_port;  /* the sleep control register's I/O port; status at +1 */
	uint16_t reset_port;  /* the reset register's I/O port ... */
	uint8_t reset_value;  /* ... and the byte that resets (0x64 and 0xfe: the 8042) */
	uint16_t com_port;    /* the 16550's first I/O port (8 of them); 0: none */
	uint8_t com_irq;      /* its ISA IRQ, 0..15 */
};

/* Bytes the tables for cpu_count CPUs take at most (without a serial port, less). */
size_t acpi_tables_size(uint32_t cpu_count);

/* Writes the tables that will sit at guest-physical address gpa (16-byte aligned, below 4 GiB;
 * the RSDP is there) into buf (len bytes, at least acpi_tables_size). Returns 0; AXERR_INVALID
 * for a CPU count out of range, a serial IRQ above 15, a misaligned or high gpa, or a buffer too
 * small. */
int acpi_tables_write(const struct acpi_tables_config *c, uint64_t gpa, uint8_t *buf, size_t len);

#endif

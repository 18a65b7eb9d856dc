/* The CPUs of a PC from ACPI: RSDP, then the RSDT or XSDT, then the MADT ("APIC") table. */
#ifndef X86_64_PC_ACPI_MADT_H
#define X86_64_PC_ACPI_MADT_H

#include <stddef.h>
#include <stdint.h>

#include "phys_view.h"

#define ACPI_MADT_MAX_CPUS 64

/* What the MADT says about the processors. */
struct acpi_madt_info {
	size_t cpu_count; /* enabled processors, each APIC id once, in table order */
	uint32_t apic_ids[ACPI_MADT_MAX_CPUS];
	size_t cpus_dropped; /* enabled processors beyond ACPI_MADT_MAX_CPUS */
};

/* Error codes of the ACPI functions, each with a message from acpi_strerror. */
enum acpi_err {
	ACPI_OK = 0,
	ACPI_NO_RSDP = -1,
	ACPI_BAD_TABLE = -2,
	ACPI_NO_TABLE = -3,
};

/* Finds the RSDP: in the first KiB of the EBDA (segment at 0x40e), then in
 * [0xe0000, 0x100000), on 16-byte boundaries, with a valid checksum. */
enum acpi_err acpi_find_rsdp(const struct phys_view *v, uint64_t *rsdp_pa);

/* Finds the table with signature sig (4 characters) through the XSDT (ACPI 2.0+ RSDP) or the
 * RSDT, checking every checksum on the way. */
enum acpi_err acpi_find_table(const struct phys_view *v, uint64_t rsdp_pa, const char *sig,
			      uint64_t *table_pa);

/* Reads the enabled processors (Local APIC and Local x2APIC entries) of the MADT at
 * madt_pa. */
enum acpi_err acpi_madt_parse(const struct phys_view *v, uint64_t madt_pa,
			      struct acpi_madt_info *out);

/* A short message for an error code. */
const char *acpi_strerror(enum acpi_err err);

#endif

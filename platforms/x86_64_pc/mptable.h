/* The guest's MP table (Intel MultiProcessor Specification 1.4, chapter 4), which tells a
 * guest kernel its CPUs, its I/O APIC and how the ISA interrupts reach it, where it finds no
 * ACPI tables: a floating pointer structure followed by the configuration table, processor
 * entries for APIC IDs 0..cpu_count - 1 (0 the bootstrap processor), an ISA bus, one I/O APIC,
 * the ISA IRQs 0..15 on its pins (IRQ 0 on pin 2, the usual timer override; no pin 2 for the
 * cascade) and the local APICs' LINT0 (ExtINT) and LINT1 (NMI). Pure computation, unit-tested
 * on the host; a guest kernel scans for the floating pointer on a 16-byte boundary in the last
 * KiB of base memory or the BIOS area 0xf0000-0xfffff. */
#ifndef X86_64_PC_MPTABLE_H
#define X86_64_PC_MPTABLE_H

#include <stddef.h>
#include <stdint.h>

/* The most CPUs an MP table describes: APIC IDs are 8 bits, and one is the I/O APIC's. */
#define MPTABLE_MAX_CPUS 254

struct mptable_config {
	uint32_t cpu_count;	/* 1..MPTABLE_MAX_CPUS */
	uint32_t cpu_signature; /* CPUID.1:EAX of the CPUs (family, model, stepping) */
	uint32_t cpu_features;	/* CPUID.1:EDX */
	uint32_t lapic_addr;	/* the local APICs' address, 0xfee00000 */
	uint32_t ioapic_addr;	/* the I/O APIC's, 0xfec00000; its ID is cpu_count */
};

/* Bytes of the MP table for cpu_count CPUs. */
size_t mptable_size(uint32_t cpu_count);

/* Writes the MP table that will sit at guest-physical address gpa (16-byte aligned, below
 * 4 GiB) into buf (len bytes, at least mptable_size). Returns 0; AXERR_INVALID for a CPU count
 * out of range, a misaligned or high gpa, or a buffer too small. */
int mptable_write(const struct mptable_config *c, uint64_t gpa, uint8_t *buf, size_t len);

#endif

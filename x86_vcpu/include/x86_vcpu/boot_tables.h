/*
 * The boot tables of the Linux/x86 64-bit boot protocol (Documentation/arch/x86/boot.rst,
 * "64-bit Boot Protocol"): what a vCPU entering with arch_vcpu_entry.boot_tables starts on, in
 * long mode with paging on. The loader writes them into guest memory with x86_boot_tables_write;
 * the backend points the vCPU's GDTR and CR3 into them. Pure computation, unit-tested on the
 * host.
 *
 * Layout, from the 4 KiB-aligned start:
 * - page 0: the GDT, with the protocol's __BOOT_CS (0x10, flat 64-bit code) and __BOOT_DS (0x18,
 *   flat read/write data) descriptors;
 * - page 1: the PML4, whose entry 0 points at page 2, the page-directory-pointer table, whose
 *   four entries point at pages 3 to 6, page directories mapping [0, 4 GiB) to itself with
 *   2 MiB pages: the kernel, its boot_params and command line wherever the loader put them below
 *   4 GiB.
 */
#ifndef X86_VCPU_BOOT_TABLES_H
#define X86_VCPU_BOOT_TABLES_H

#include <stddef.h>
#include <stdint.h>

#define X86_BOOT_TABLES_SIZE 0x7000u
#define X86_BOOT_TABLES_ALIGN 0x1000u
/* Where the GDT and the PML4 (CR3) lie from the tables' start, and the GDT's limit. */
#define X86_BOOT_GDT_OFFSET 0u
#define X86_BOOT_GDT_LIMIT 0x1fu
#define X86_BOOT_PML4_OFFSET 0x1000u
/* The end of what the page tables map to itself. */
#define X86_BOOT_IDENTITY_END (1ull << 32)
/* The selectors the protocol starts in: CS, and DS, ES, SS (FS and GS as well). */
#define X86_BOOT_CS 0x10u
#define X86_BOOT_DS 0x18u

/* Writes the boot tables, to be loaded at guest-physical gpa, into buf (size bytes). Returns 0;
 * AXERR_INVALID when gpa is not 4 KiB aligned, the tables would wrap the address space, or size
 * is below X86_BOOT_TABLES_SIZE. */
int x86_boot_tables_write(void *buf, size_t size, uint64_t gpa);

#endif

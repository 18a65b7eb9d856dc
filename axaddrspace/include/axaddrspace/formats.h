/* The nested page-table formats axaddrspace ships, and the control-register values that
 * point the hardware at a table of each. */
#ifndef AXADDRSPACE_FORMATS_H
#define AXADDRSPACE_FORMATS_H

#include <axaddrspace/pt_format.h>

/* Intel EPT, 4 levels, 48-bit guest-physical addresses, 2 MiB and 1 GiB pages. */
extern const struct pt_format pt_format_ept4;

/* The EPT pointer (VMCS field) for a root table: write-back paging structures, 4 levels. */
uint64_t ept_pointer(hpa_t root);

/* RISC-V Sv39x4 G-stage: 41-bit guest-physical addresses, 16 KiB root, 2 MiB / 1 GiB pages.
 * AXMAP_DEVICE is kept in a software bit: RISC-V memory types come from PMAs. */
extern const struct pt_format pt_format_sv39x4;

/* RISC-V Sv48x4 G-stage: 50-bit guest-physical addresses, 16 KiB root. */
extern const struct pt_format pt_format_sv48x4;

/* The hgatp value for a root of format f (Sv39x4 or Sv48x4) and a VMID (up to 14 bits). */
uint64_t riscv_hgatp(const struct pt_format *f, hpa_t root, uint16_t vmid);

/* Fills *f with the Arm VMSAv8-64 stage-2 format, 4 KiB granule, for ipa_bits of
 * intermediate physical address: 32..43 bits start at level 1 with 1..16 concatenated root
 * tables (3 levels), 44..48 bits start at level 0 (4 levels). Returns 0 or AXERR_INVALID. */
int arm_s2_format_init(struct pt_format *f, unsigned ipa_bits);

/* VTCR_EL2 for format f: T0SZ, SL0, inner-shareable write-back walks, 4 KiB granule, the
 * physical address size field pa_range (ID_AA64MMFR0_EL1.PARange) and 16-bit VMIDs if set. */
uint64_t arm_vtcr(const struct pt_format *f, unsigned pa_range, bool vmid16);

/* VTTBR_EL2 for a root table and a VMID. */
uint64_t arm_vttbr(hpa_t root, uint16_t vmid);

#endif

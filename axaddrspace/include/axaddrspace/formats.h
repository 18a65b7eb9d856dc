/* The nested page-table formats axaddrspace ships; the values that point a CPU at a table
 * (the EPT pointer, hgatp, VTTBR_EL2 and VTCR_EL2) are the backends'. */
#ifndef AXADDRSPACE_FORMATS_H
#define AXADDRSPACE_FORMATS_H

#include <axaddrspace/pt_format.h>

/* Intel EPT, 4 levels, 48-bit guest-physical addresses, 2 MiB and 1 GiB pages. */
extern const struct pt_format pt_format_ept4;

/* RISC-V Sv39x4 G-stage: 41-bit guest-physical addresses, 16 KiB root, 2 MiB / 1 GiB pages.
 * AXMAP_DEVICE is kept in a software bit: RISC-V memory types come from PMAs. */
extern const struct pt_format pt_format_sv39x4;

/* RISC-V Sv48x4 G-stage: 50-bit guest-physical addresses, 16 KiB root. */
extern const struct pt_format pt_format_sv48x4;

/* Fills *f with the Arm VMSAv8-64 stage-2 format, 4 KiB granule, for ipa_bits of
 * intermediate physical address: 32..43 bits start at level 1 with 1..16 concatenated root
 * tables (3 levels), 44..48 bits start at level 0 (4 levels). Returns 0 or AXERR_INVALID. */
int arm_s2_format_init(struct pt_format *f, unsigned ipa_bits);

#endif

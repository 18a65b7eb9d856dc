/* The control values that point an AArch64 CPU at a stage-2 table built by //axaddrspace
 * (arm_s2_format_init): VTCR_EL2 and VTTBR_EL2 (Arm ARM D8, "Stage 2 translation"). Pure
 * computation: the privileged layer does the system-register writes. */
#ifndef ARM_VCPU_STAGE2_H
#define ARM_VCPU_STAGE2_H

#include <axaddrspace/pt_format.h>
#include <stdbool.h>
#include <stdint.h>

/* VTCR_EL2 for format f: T0SZ, SL0, inner-shareable write-back walks, 4 KiB granule, the
 * physical address size field pa_range (ID_AA64MMFR0_EL1.PARange) and 16-bit VMIDs if set. */
uint64_t arm_vtcr(const struct pt_format *f, unsigned pa_range, bool vmid16);

/* VTTBR_EL2 for a root table and a VMID. */
uint64_t arm_vttbr(hpa_t root, uint16_t vmid);

#endif
